import {
  applyBudget,
  budgetStatus,
  BUDGET_MODES,
  dayBudget,
  DEFAULT_BUDGET_CONFIG,
  jstDayStart,
  maxTokensFor,
  worstCaseUsd,
  type BudgetConfig,
  type BudgetMode,
  type BudgetOverride,
  type BudgetStatus,
  type DayBudget,
} from '../../lambdas/core/budget';
import { costUsd, MODEL_CATALOGS, type ModelCatalog } from '../../lambdas/core/catalog';
import { DAY_MS, formatJst, MINUTE_MS } from '../../lambdas/core/capacity/jst';
import { KeywordClassifier } from '../../lambdas/core/classifier';
import { decideRoute, modelFor, type RouteDecision } from '../../lambdas/core/routing';
import { isCacheable } from '../../lambdas/core/spend';
import { DEFAULT_ROUTING_MAP, INTENTS, tierRank, type Intent, type IntentClassifier, type ModelTier, type RoutingMap, type Tier } from '../../lambdas/core/vocabulary';
import { mulberry32, type Prng } from '../bedrock/prng';
import { guardianThresholds, tokensFor, type Scenario } from './scenario';

/**
 * One JST day of traffic through the gateway's real decision path, without a network: the keyword classifier, the
 * routing policy on the embedded routing map, and the budget guardian's core (budgetStatus / applyBudget) with a
 * simulated clock, an in-memory spend total, the catalog's prices and worst-case admission against what is left of
 * the budget. Traffic is aggregated per minute: N messages of each category (the day's total times the hour's share
 * and the category's), spread evenly over its utterances with the remainder placed by a seeded generator, and the
 * minute's groups taken in a seeded random order; each distinct utterance is classified once. The guardian reads the day at the start of every minute;
 * admission is per message. Calls settle within their minute, so no reservation is open when the guardian reads.
 */
export const SIMULATION_POLICIES = ['ramp', 'cliff'] as const;
/**
 * `ramp`: this gateway's guardian (lambdas/core/budget). `cliff`: seed 000's old guardian, for comparison: nothing
 * happens until 95% of the budget is spent, then every message goes to the cheap tier; no admission, so spend runs on
 * past the budget at the cheap tier's price.
 */
export type SimulationPolicy = (typeof SIMULATION_POLICIES)[number];

/**
 * `gateway`: the routing policy. `gateway-cheap`: the routing policy with every strong-tier decision on the cheap tier
 * (the floor the guardian can degrade to). `all-sonnet` / `all-haiku`: every message, templates included, to one model
 * (seed 001's strategies 1 and 2).
 */
export const SIMULATION_ROUTINGS = ['gateway', 'gateway-cheap', 'all-sonnet', 'all-haiku'] as const;
export type SimulationRouting = (typeof SIMULATION_ROUTINGS)[number];

export interface SimulateOptions {
  readonly policy?: SimulationPolicy;
  readonly routing?: SimulationRouting;
  /** No budget at all: nothing demoted, everything admitted (what a routing costs on its own). */
  readonly unlimitedBudget?: boolean;
  /** Replaces the scenario's cache hit rate. */
  readonly cacheHitRate?: number;
  readonly classifier?: IntentClassifier;
}

export interface HourFigures {
  /** JST hour, 0-23. */
  readonly hour: number;
  readonly messages: number;
  readonly spendUsd: number;
  readonly cumulativeUsd: number;
  /** The most severe mode of the hour (normal < conserve < emergency < exhausted). */
  readonly mode: BudgetMode;
  /** Share of the hour's messages answered at the strong tier (cache hits of strong-tier answers included). */
  readonly strongShare: number;
  /** Messages no model could answer: the budget could not admit even a cheap-tier call. */
  readonly refused: number;
}

export interface IntentFigures {
  readonly messages: number;
  /** The routing map's tier for the intent. */
  readonly defaultTier: Tier;
  /** Share of its messages answered below that tier (budget demotion, admission, or refused). */
  readonly shareBelowDefaultTier: number;
  /** The first minute a message of the intent was answered below its tier (JST), or null. */
  readonly firstBelowDefaultAt: string | null;
  /** How many times the guardian moved the intent off the strong tier or back (a ramp that flaps moves it often). */
  readonly budgetMoves: number;
}

/** A change of the mode, with the intents the guardian had demoted at that minute. */
export interface ModeChange {
  readonly at: string;
  /** Minute of the JST day, 0-1439. */
  readonly minute: number;
  readonly mode: BudgetMode;
  readonly demoted: readonly Intent[];
}

export interface SimulationBudget {
  readonly day: string;
  readonly baseUsd: number;
  readonly eventPoolUsd: number;
  readonly eventIds: readonly string[];
  readonly overrideUsd: number | null;
  readonly totalUsd: number;
}

export interface SimulationResult {
  readonly scenario: string;
  readonly date: string;
  readonly policy: SimulationPolicy;
  readonly routing: SimulationRouting;
  readonly catalogProfile: string;
  readonly messages: number;
  /** The budget the guardian used; null when the budget was unlimited. */
  readonly budget: SimulationBudget | null;
  readonly totalCostUsd: number;
  readonly costByTier: Readonly<Record<ModelTier, number>>;
  /** Messages per tier that answered (cache hits counted at the tier they were routed to). */
  readonly messagesByTier: Readonly<Record<Tier, number>>;
  readonly cacheHits: number;
  readonly refusedMessages: number;
  /** The minute (JST) spend reached the budget or a cheap-tier call was refused admission; null if never. */
  readonly budgetExhaustedAt: string | null;
  readonly minutesInMode: Readonly<Record<BudgetMode, number>>;
  readonly hourly: readonly HourFigures[];
  readonly perIntent: Readonly<Partial<Record<Intent, IntentFigures>>>;
  /** Every change of mode (the first entry is minute 0). */
  readonly timeline: readonly ModeChange[];
}

interface TierCost {
  /** What one message costs at the tier (its tokens within the intent's token budget). */
  readonly actual: number;
  /** What admission reserves: input plus maxTokens. */
  readonly worst: number;
}

interface Utterance {
  readonly intent: Intent;
  readonly route: RouteDecision;
  readonly cacheable: boolean;
  readonly cost: Readonly<Record<ModelTier, TierCost>>;
}

const MINUTES = DAY_MS / MINUTE_MS;
const MODE_RANK: Readonly<Record<BudgetMode, number>> = { normal: 0, conserve: 1, emergency: 2, exhausted: 3 };
const usd = (value: number): number => Math.round(value * 100) / 100;
const ratio = (value: number): number => Math.round(value * 1e4) / 1e4;

/** The guardian's configuration for a scenario: the embedded defaults, its budget and threshold overrides. */
export const scenarioBudgetConfig = (scenario: Scenario): BudgetConfig => ({
  ...DEFAULT_BUDGET_CONFIG,
  ...guardianThresholds(scenario),
  dailyUsd: scenario.budget.dailyUsd,
});

/** The day's budget as the guardian computes it: base, the calendar's event pool, an operator override. */
export const scenarioDayBudget = (scenario: Scenario, config: BudgetConfig = scenarioBudgetConfig(scenario)): DayBudget => {
  const start = jstDayStart(scenario.date);
  const override: BudgetOverride | undefined =
    scenario.budget.overrideUsd === undefined
      ? undefined
      : { usd: scenario.budget.overrideUsd, expiresAt: start + DAY_MS, setBy: 'scenario', reason: 'budget.overrideUsd' };
  return dayBudget(config, scenario.calendar, scenario.date, override, start);
};

const prepareUtterances = (
  scenario: Scenario,
  catalog: ModelCatalog,
  map: RoutingMap,
  config: BudgetConfig,
  classifier: IntentClassifier,
  routing: SimulationRouting,
): Utterance[][] =>
  scenario.mix.map((category) =>
    category.utterances.map((text) => {
      const decided = decideRoute(classifier.classify(text), map, catalog);
      const forced: Tier | undefined =
        routing === 'all-sonnet' ? 'sonnet' : routing === 'all-haiku' || (routing === 'gateway-cheap' && decided.tier === 'sonnet') ? 'haiku' : undefined;
      const route = forced === undefined ? decided : { ...decided, tier: forced, model: modelFor(forced, catalog), reasons: [...decided.reasons, `simulate:${routing}`] };
      const budget = config.tokenBudgets[route.intent];
      const tierCost = (tier: ModelTier): TierCost => {
        const spec = catalog[tier];
        const tokens = tokensFor(category, tier);
        const inputTokens = Math.min(tokens.input, budget?.maxInputTokens ?? Number.POSITIVE_INFINITY);
        const maxTokens = maxTokensFor(spec, budget);
        return { actual: costUsd(spec, { inputTokens, outputTokens: Math.min(tokens.output, maxTokens) }), worst: worstCaseUsd(spec, inputTokens, maxTokens) };
      };
      return { intent: route.intent, route, cacheable: isCacheable(route.intent), cost: { haiku: tierCost('haiku'), sonnet: tierCost('sonnet') } };
    }),
  );

/** The seed's old guardian: at 95% spent everything leaves the strong tier; nothing else. */
const cliffStatus = (budget: DayBudget, spentUsd: number, emergencyAt: number, strongIntents: readonly Intent[]): BudgetStatus => {
  const utilisation = budget.totalUsd > 0 ? spentUsd / budget.totalUsd : Number.POSITIVE_INFINITY;
  const mode: BudgetMode = utilisation >= 1 ? 'exhausted' : utilisation >= emergencyAt ? 'emergency' : 'normal';
  return { mode, budget, spentUsd, reservedUsd: 0, utilisation, projectedUsd: spentUsd, demoted: mode === 'normal' ? [] : strongIntents, partial: [] };
};

const unlimitedStatus = (budget: DayBudget, spentUsd: number): BudgetStatus => ({
  mode: 'normal',
  budget,
  spentUsd,
  reservedUsd: 0,
  utilisation: 0,
  projectedUsd: spentUsd,
  demoted: [],
  partial: [],
});

const shuffle = <T>(items: T[], rng: Prng): T[] => {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/** Replays the scenario's day; deterministic for a scenario and options (no clock, no Math.random). */
export const simulateDay = (scenario: Scenario, options: SimulateOptions = {}): SimulationResult => {
  const policy = options.policy ?? 'ramp';
  const routing = options.routing ?? 'gateway';
  const unlimited = options.unlimitedBudget ?? false;
  const cacheHitRate = options.cacheHitRate ?? scenario.cacheHitRate;
  const catalog = MODEL_CATALOGS[scenario.catalogProfile];
  const map = DEFAULT_ROUTING_MAP;
  const config = scenarioBudgetConfig(scenario);
  const budget = scenarioDayBudget(scenario, config);
  const classifier = options.classifier ?? new KeywordClassifier();
  const categories = prepareUtterances(scenario, catalog, map, config, classifier, routing);
  const model = (tier: Tier): string | null => modelFor(tier, catalog);
  const strongIntents = INTENTS.filter((intent) => categories.some((utterances) => utterances.some((u) => u.intent === intent && u.route.tier === 'sonnet')));
  const rng = mulberry32(scenario.seed);
  const dayStart = jstDayStart(scenario.date);
  const dailyMessages = scenario.messages * scenario.trafficMultiplier;

  let spent = 0;
  const spentByIntent: Partial<Record<Intent, number>> = {};
  const spentByIntentTier: Partial<Record<Intent, Partial<Record<ModelTier, number>>>> = {};
  let previous: BudgetStatus | undefined;
  const costByTier: Record<ModelTier, number> = { haiku: 0, sonnet: 0 };
  const messagesByTier: Record<Tier, number> = { template: 0, haiku: 0, sonnet: 0 };
  let cacheHits = 0;
  let refused = 0;
  let exhaustedMinute: number | undefined;
  const minutesInMode: Record<BudgetMode, number> = { normal: 0, conserve: 0, emergency: 0, exhausted: 0 };
  const perIntent = new Map<Intent, { messages: number; below: number; firstBelow?: number }>();
  const budgetMoves = new Map<Intent, number>();
  let demotedBefore: ReadonlySet<Intent> = new Set();
  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, messages: 0, spendUsd: 0, strong: 0, refused: 0, mode: 'normal' as BudgetMode }));
  const timeline: ModeChange[] = [];
  let lastMode: BudgetMode | undefined;

  // Per category: messages expected so far (fractional) and emitted (whole), so the day's total rounds once.
  const expected = scenario.mix.map(() => 0);
  const emitted = scenario.mix.map(() => 0);
  // Per utterance: the fractional cache hits carried to the next minute.
  const cacheCarry = categories.map((utterances) => utterances.map(() => 0));
  const groups: { category: number; utterance: number; count: number; moved?: boolean }[] = [];

  const intentFigures = (intent: Intent) => {
    let figures = perIntent.get(intent);
    if (!figures) perIntent.set(intent, (figures = { messages: 0, below: 0 }));
    return figures;
  };
  /** How many of `count` calls admission lets through, one after the other, each reserving `worst` and costing `actual`. */
  const admit = (count: number, cost: TierCost): number => {
    if (unlimited || policy === 'cliff') return count;
    const room = budget.totalUsd - spent - cost.worst;
    if (room < -1e-12) return 0;
    if (cost.actual <= 0) return count;
    return Math.min(count, Math.floor(room / cost.actual + 1e-9) + 1);
  };

  for (let minute = 0; minute < MINUTES; minute += 1) {
    const now = dayStart + minute * MINUTE_MS;
    const hour = Math.floor(minute / 60);
    const hourFigures = hourly[hour]!;
    const status = unlimited
      ? unlimitedStatus(budget, spent)
      : policy === 'cliff'
        ? cliffStatus(budget, spent, config.emergencyAt, strongIntents)
        : budgetStatus(config, map, scenario.calendar, budget, { spentUsd: spent, reservedUsd: 0, byIntent: spentByIntent, byIntentTier: spentByIntentTier }, now, { catalog, ...(previous && { previous }) });
    previous = status;

    groups.length = 0;
    scenario.mix.forEach((category, c) => {
      expected[c] = expected[c]! + ((dailyMessages * (scenario.hourlyShare[hour] ?? 0)) / 60) * category.share;
      const count = Math.round(expected[c]!) - emitted[c]!;
      emitted[c] = emitted[c]! + count;
      const utterances = categories[c]!;
      // Utterances are equally likely: each gets an equal part, and the few left over go to ones the generator picks.
      const base = Math.floor(count / utterances.length);
      const counts = utterances.map(() => base);
      for (const u of shuffle(utterances.map((_, index) => index), rng).slice(0, count - base * utterances.length)) counts[u] = counts[u]! + 1;
      counts.forEach((n, u) => {
        if (n > 0) groups.push({ category: c, utterance: u, count: n });
      });
    });
    // The minute's messages in random order, so the last of the budget is not always spent on the first category.
    shuffle(groups, rng);

    let refusedThisMinute = false;
    // A locked intent moved for a share of its requests: that share of each group goes to the cheap tier.
    const split: typeof groups = [];
    for (const group of groups) {
      const utterance = categories[group.category]![group.utterance]!;
      const share = status.partial?.find((p) => p.intent === utterance.intent)?.share ?? 0;
      const moved = share > 0 ? Math.min(group.count, Math.floor(group.count * share + rng.next())) : 0;
      if (moved > 0) split.push({ ...group, count: moved, moved: true });
      if (group.count - moved > 0) split.push({ ...group, count: group.count - moved, moved: false });
    }
    for (const group of split) {
      const utterance = categories[group.category]![group.utterance]!;
      const decision = applyBudget(utterance.route, status, model, () => (group.moved ? 0 : 1));
      const defaultRank = tierRank(map[utterance.intent].tier);
      const figures = intentFigures(utterance.intent);
      figures.messages += group.count;
      hourFigures.messages += group.count;
      const serve = (tier: Tier, n: number): void => {
        if (n <= 0) return;
        messagesByTier[tier] += n;
        if (tier === 'sonnet') hourFigures.strong += n;
        if (tierRank(tier) < defaultRank) {
          figures.below += n;
          figures.firstBelow ??= minute;
        }
      };
      if (decision.tier === 'template') {
        serve('template', group.count);
        continue;
      }
      let remaining = group.count;
      if (utterance.cacheable && cacheHitRate > 0) {
        const carry = cacheCarry[group.category]!;
        const due = carry[group.utterance]! + group.count * cacheHitRate;
        const hits = Math.min(remaining, Math.floor(due + 1e-9));
        carry[group.utterance] = due - hits;
        cacheHits += hits;
        serve(decision.tier, hits);
        remaining -= hits;
      }
      // Admission at the decided tier; the rest degrade to the cheap tier; what even that cannot take is refused.
      const tiers: readonly ModelTier[] = decision.tier === 'sonnet' ? ['sonnet', 'haiku'] : ['haiku'];
      for (const tier of tiers) {
        const cost = utterance.cost[tier];
        const admitted = admit(remaining, cost);
        if (admitted > 0) {
          const usdSpent = admitted * cost.actual;
          spent += usdSpent;
          spentByIntent[utterance.intent] = (spentByIntent[utterance.intent] ?? 0) + usdSpent;
          const split = (spentByIntentTier[utterance.intent] ??= {});
          split[tier] = (split[tier] ?? 0) + usdSpent;
          costByTier[tier] += usdSpent;
          hourFigures.spendUsd += usdSpent;
          serve(tier, admitted);
          remaining -= admitted;
        }
        if (remaining === 0) break;
      }
      if (remaining > 0) {
        refused += remaining;
        hourFigures.refused += remaining;
        figures.below += remaining;
        figures.firstBelow ??= minute;
        refusedThisMinute = true;
      }
    }
    if (exhaustedMinute === undefined && !unlimited && (refusedThisMinute || spent >= budget.totalUsd)) exhaustedMinute = minute;

    const mode: BudgetMode = exhaustedMinute !== undefined ? 'exhausted' : status.mode;
    minutesInMode[mode] += 1;
    if (MODE_RANK[mode] > MODE_RANK[hourFigures.mode]) hourFigures.mode = mode;
    if (mode !== lastMode) {
      timeline.push({ at: formatJst(now), minute, mode, demoted: [...status.demoted] });
      lastMode = mode;
    }
    const demotedNow = new Set(status.demoted);
    for (const intent of INTENTS) {
      if (demotedNow.has(intent) !== demotedBefore.has(intent)) budgetMoves.set(intent, (budgetMoves.get(intent) ?? 0) + 1);
    }
    demotedBefore = demotedNow;
  }

  let cumulative = 0;
  const intents: Partial<Record<Intent, IntentFigures>> = {};
  for (const intent of INTENTS) {
    const figures = perIntent.get(intent);
    if (!figures) continue;
    intents[intent] = {
      messages: figures.messages,
      defaultTier: map[intent].tier,
      shareBelowDefaultTier: figures.messages > 0 ? ratio(figures.below / figures.messages) : 0,
      firstBelowDefaultAt: figures.firstBelow === undefined ? null : formatJst(dayStart + figures.firstBelow * MINUTE_MS),
      budgetMoves: budgetMoves.get(intent) ?? 0,
    };
  }
  return {
    scenario: scenario.name,
    date: scenario.date,
    policy,
    routing,
    catalogProfile: scenario.catalogProfile,
    messages: emitted.reduce((sum, n) => sum + n, 0),
    budget: unlimited
      ? null
      : {
          day: budget.day,
          baseUsd: budget.baseUsd,
          eventPoolUsd: budget.eventPoolUsd,
          eventIds: budget.eventIds,
          overrideUsd: budget.override?.usd ?? null,
          totalUsd: budget.totalUsd,
        },
    totalCostUsd: usd(spent),
    costByTier: { haiku: usd(costByTier.haiku), sonnet: usd(costByTier.sonnet) },
    messagesByTier,
    cacheHits,
    refusedMessages: refused,
    budgetExhaustedAt: exhaustedMinute === undefined ? null : formatJst(dayStart + exhaustedMinute * MINUTE_MS),
    minutesInMode: Object.fromEntries(BUDGET_MODES.map((mode) => [mode, minutesInMode[mode]])) as Record<BudgetMode, number>,
    hourly: hourly.map((h) => {
      cumulative += h.spendUsd;
      return {
        hour: h.hour,
        messages: h.messages,
        spendUsd: usd(h.spendUsd),
        cumulativeUsd: usd(cumulative),
        mode: h.mode,
        strongShare: h.messages > 0 ? ratio(h.strong / h.messages) : 0,
        refused: h.refused,
      };
    }),
    perIntent: intents,
    timeline,
  };
};
