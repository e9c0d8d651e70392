import { costUsd, type ModelCatalog, type ModelSpec } from '../catalog';
import type { CalendarEvent } from '../capacity/calendar';
import { occurrences } from '../capacity/calendar';
import { DAY_MS, HOUR_MS, jstMidnight } from '../capacity/jst';
import type { RouteDecision } from '../routing';
import { budgetDay } from '../spend';
import type { Intent, RoutingMap, Tier } from '../vocabulary';
import type { BudgetConfig, TokenBudget } from './config';

/**
 * The budget guardian's policy: what today's budget is, how the day is going, and which intents leave the strong
 * tier. A ramp, not a cliff (seed 000 scenario 3): as the projected end-of-day spend rises over the budget, strong-tier
 * intents move to the cheap tier one at a time in the configured order; locked intents move only in emergency.
 */
export const BUDGET_MODES = ['normal', 'conserve', 'emergency', 'exhausted'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];

/** An operator's budget for one JST day (seed 000's `budget:override:<date>`), replacing the computed one. */
export interface BudgetOverride {
  readonly usd: number;
  /** Epoch ms after which it no longer applies. */
  readonly expiresAt: number;
  readonly setBy: string;
  readonly reason: string;
}

/** Today's budget and where it comes from. */
export interface DayBudget {
  readonly day: string;
  readonly baseUsd: number;
  /** The separate pool of a planned event (budget multiplier over the base), so a sale does not eat the normal day. */
  readonly eventPoolUsd: number;
  readonly eventIds: readonly string[];
  readonly override?: BudgetOverride;
  readonly totalUsd: number;
}

/** Spend of one JST day as the ledger reports it. */
export interface DaySpend {
  readonly spentUsd: number;
  /** Reservations of calls in flight (not expired). */
  readonly reservedUsd: number;
  /** Spend so far by intent: what moving each one would save. Without it the ramp moves one intent per step. */
  readonly byIntent?: Readonly<Partial<Record<Intent, number>>>;
  /** The same split by the tier that answered: an intent already moved is read at its full (strong-tier) rate. */
  readonly byIntentTier?: Readonly<Partial<Record<Intent, Partial<Record<'haiku' | 'sonnet', number>>>>>;
}

/** A locked intent moved to the cheap tier for a share of its requests only (emergency: the least loss that fits). */
export interface PartialDemotion {
  readonly intent: Intent;
  /** In (0, 1]: the share of its strong-tier requests moved. */
  readonly share: number;
}

export interface BudgetStatus {
  readonly mode: BudgetMode;
  readonly budget: DayBudget;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  /** (spent + reserved) / budget. */
  readonly utilisation: number;
  /** Projected end-of-day spend from the burn rate so far against the day's expected traffic curve. */
  readonly projectedUsd: number;
  /** Intents moved to the cheap tier, in ramp order. */
  readonly demoted: readonly Intent[];
  /** Locked intents moved for a share of their requests (emergency before 95%: only as much as the day needs). */
  readonly partial?: readonly PartialDemotion[];
}

/** What else a reading may use: the catalog (the cheap tier's price against the strong one's) and the last reading. */
export interface BudgetReadingContext {
  readonly catalog?: ModelCatalog;
  /** The previous reading of the same day: an intent returns to its tier only with some margin (no flapping). */
  readonly previous?: Pick<BudgetStatus, 'budget' | 'demoted'>;
}

/** `YYYY-MM-DD` of the JST day containing an instant: the budget day. */
export const jstDay = budgetDay;

/** Midnight JST starting a `YYYY-MM-DD` day. */
export const jstDayStart = (day: string): number => Date.parse(`${day}T00:00:00+09:00`);

/** Whether `day` is a real `YYYY-MM-DD` calendar date. */
export const isDay = (day: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(jstDayStart(day)) && jstDay(jstDayStart(day)) === day;

/** The events with a budget multiplier that touch the JST day, and the pool they add (the largest multiplier wins). */
export const dayBudget = (config: BudgetConfig, events: readonly CalendarEvent[], day: string, override: BudgetOverride | undefined, now: number): DayBudget => {
  const start = jstDayStart(day);
  const touching = events.filter((event) => (event.budgetMultiplier ?? 1) > 1 && occurrences(event, start, start + DAY_MS).length > 0);
  const multiplier = Math.max(1, ...touching.map((event) => event.budgetMultiplier ?? 1));
  const eventPoolUsd = round(config.dailyUsd * (multiplier - 1));
  const active = override !== undefined && now < override.expiresAt ? override : undefined;
  return {
    day,
    baseUsd: config.dailyUsd,
    eventPoolUsd,
    eventIds: touching.map((event) => event.id),
    ...(active && { override: active }),
    totalUsd: active ? active.usd : round(config.dailyUsd + eventPoolUsd),
  };
};

/**
 * The share of the day's expected traffic before `now`: the hourly curve, each hour weighted by the traffic multiplier
 * of the events live in it (a sale evening ahead weighs more than the quiet morning behind).
 */
export const expectedShareElapsed = (config: BudgetConfig, events: readonly CalendarEvent[], now: number): number => {
  const start = jstMidnight(now);
  let elapsed = 0;
  let total = 0;
  for (let hour = 0; hour < 24; hour++) {
    const from = start + hour * HOUR_MS;
    const live = events.flatMap((event) => occurrences(event, from, from + HOUR_MS));
    const weight = (config.hourlyTrafficShare[hour] ?? 0) * Math.max(1, ...live.map((o) => o.event.multiplier));
    total += weight;
    if (now >= from + HOUR_MS) elapsed += weight;
    else if (now > from) elapsed += (weight * (now - from)) / HOUR_MS;
  }
  return total > 0 ? elapsed / total : 0;
};

/**
 * Projected end-of-day spend: the spend so far plus the expected rest of the day at the burn rate so far (against
 * the traffic curve). In the first minutes the burn rate says little: the elapsed share counts as at least
 * `minElapsedShare`, so a quiet midnight is not read as a runaway day.
 */
export const projectSpend = (config: BudgetConfig, events: readonly CalendarEvent[], spentUsd: number, now: number): number =>
  round(spentUsd / Math.max(expectedShareElapsed(config, events, now), config.minElapsedShare));

/** The cheap tier's price as a share of the strong tier's (blended 80/20 input/output): what a move costs instead. */
export const cheapPriceRatio = (catalog: ModelCatalog): number => {
  const blended = (spec: ModelSpec) => 0.8 * spec.inputUsdPerMTok + 0.2 * spec.outputUsdPerMTok;
  return blended(catalog.sonnet) > 0 ? Math.min(1, blended(catalog.haiku) / blended(catalog.sonnet)) : 1;
};

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/**
 * The guardian's reading of the day: mode, projection and the intents it moves.
 *
 * With the spend by intent, the ramp moves intents in the configured order until the projection, less what the
 * moves save over the rest of the day (their burn rate x the rest of the day x the price difference), falls under
 * `conserveAt` of the budget (conserve). If every movable intent is not enough, the locked ones move for the share of
 * their requests that closes the gap (emergency), so the cheap tier never runs dry before midnight. From
 * `emergencyAt` of the budget committed, everything moves. An intent returns to its tier only once the projection is
 * `rampStep` under the threshold that moved it (hysteresis against flapping). Without the spend by intent, each
 * `rampStep` of projected overrun moves one more intent.
 */
export const budgetStatus = (
  config: BudgetConfig,
  map: RoutingMap,
  events: readonly CalendarEvent[],
  budget: DayBudget,
  spend: DaySpend,
  now: number,
  context: BudgetReadingContext = {},
): BudgetStatus => {
  const committed = spend.spentUsd + spend.reservedUsd;
  const total = budget.totalUsd;
  const utilisation = total > 0 ? committed / total : Number.POSITIVE_INFINITY;
  const projectedUsd = projectSpend(config, events, spend.spentUsd, now);
  // Every intent of the order counts, whatever its mapped tier: a decision can reach the strong tier by policy (a
  // complex summary) even where the map says the cheap one, and applyBudget only ever touches strong-tier decisions.
  const movable = config.rampOrder.filter((intent) => !map[intent].locked);
  const locked = config.rampOrder.filter((intent) => map[intent].locked);
  const base = { budget, spentUsd: round(spend.spentUsd), reservedUsd: round(spend.reservedUsd), utilisation, projectedUsd };
  if (utilisation >= 1) return { ...base, mode: 'exhausted', demoted: [...movable, ...locked], partial: [] };
  if (utilisation >= config.emergencyAt) return { ...base, mode: 'emergency', demoted: [...movable, ...locked], partial: [] };
  const previous = context.previous?.budget.day === budget.day ? context.previous.demoted : [];

  if (spend.byIntent === undefined) {
    const ratio = total > 0 ? projectedUsd / total : Number.POSITIVE_INFINITY;
    const count = ratio > config.conserveAt ? Math.min(movable.length, 1 + Math.floor((ratio - config.conserveAt) / config.rampStep + 1e-9)) : 0;
    const kept = previous.filter((intent) => movable.includes(intent)).length;
    const relaxed = ratio > config.conserveAt - config.rampStep ? Math.min(kept, count + 1) : 0;
    const moved = Math.max(count, relaxed);
    return { ...base, mode: moved > 0 ? 'conserve' : 'normal', demoted: movable.slice(0, moved), partial: [] };
  }

  const elapsed = Math.max(expectedShareElapsed(config, events, now), config.minElapsedShare);
  const rest = Math.max(0, 1 - expectedShareElapsed(config, events, now));
  const ratio = context.catalog ? cheapPriceRatio(context.catalog) : 0;
  // What each intent of the order would have cost at the strong tier so far: the part already moved to the cheap tier
  // counts at the strong tier's price, so the reading does not change just because the guardian acted (no flapping).
  const fullPrice = (intent: Intent): number => {
    const split = spend.byIntentTier?.[intent];
    if (split === undefined || ratio <= 0) return spend.byIntent?.[intent] ?? 0;
    return (split.sonnet ?? 0) + (split.haiku ?? 0) / ratio;
  };
  const movedSoFar = config.rampOrder.reduce((sum, intent) => sum + fullPrice(intent) - (spend.byIntent?.[intent] ?? fullPrice(intent)), 0);
  const saving = (intent: Intent) => (fullPrice(intent) / elapsed) * rest * (1 - ratio);
  /** How many movable intents bring the projection under `threshold`, and what is left over if all of them do not. */
  const movesFor = (threshold: number): { count: number; short: number } => {
    // The day as it would end if nothing were moved from now on.
    let projected = spend.spentUsd + ((spend.spentUsd + movedSoFar) / elapsed) * rest;
    for (let count = 0; count <= movable.length; count++) {
      if (projected <= threshold) return { count, short: 0 };
      const next = movable[count];
      if (next !== undefined) projected -= saving(next);
    }
    return { count: movable.length, short: projected - threshold };
  };
  const needed = movesFor(config.conserveAt * total);
  const relaxed = movesFor((config.conserveAt - config.rampStep) * total);
  const kept = previous.filter((intent) => movable.includes(intent)).length;
  const count = Math.max(needed.count, Math.min(kept, relaxed.count));
  const demoted = movable.slice(0, count);
  if (needed.short <= 0) return { ...base, mode: count > 0 ? 'conserve' : 'normal', demoted, partial: [] };

  // Every movable intent is not enough: locked intents give up a share of their strong-tier requests, in order.
  const partial: PartialDemotion[] = [];
  let short = needed.short;
  for (const intent of locked) {
    if (short <= 0) break;
    const possible = saving(intent);
    const share = possible > 0 ? Math.min(1, short / possible) : 1;
    partial.push({ intent, share: Math.round(share * 1000) / 1000 });
    short -= possible * share;
  }
  return { ...base, mode: 'emergency', demoted, partial };
};

/**
 * The decision with the budget applied: a demoted intent on the strong tier goes to the cheap one, with the reason;
 * a partially demoted one does for `share` of its requests (`random` in [0, 1)).
 */
export const applyBudget = (
  decision: RouteDecision,
  status: Pick<BudgetStatus, 'mode' | 'demoted' | 'partial'>,
  model: (tier: Tier) => string | null,
  random: () => number = () => 0,
): RouteDecision => {
  if (decision.tier !== 'sonnet') return decision;
  const partial = status.partial?.find((p) => p.intent === decision.intent);
  const moved = status.demoted.includes(decision.intent) || (partial !== undefined && random() < partial.share);
  if (!moved) return decision;
  return { ...decision, tier: 'haiku', model: model('haiku'), reasons: [...decision.reasons, `budget:${status.mode}:demoted_to_haiku`] };
};

/** Worst-case cost of a call: its input plus every token `maxTokens` allows, at the model's prices (what admission reserves). */
export const worstCaseUsd = (spec: ModelSpec, inputTokens: number, maxTokens: number): number => costUsd(spec, { inputTokens, outputTokens: maxTokens });

/** The output limit sent as `maxTokens`: the intent's budget, never above the model's. */
export const maxTokensFor = (spec: ModelSpec, budget: TokenBudget | undefined): number => Math.min(spec.maxOutputTokens, budget?.maxOutputTokens ?? spec.maxOutputTokens);

/**
 * Trims a message to the intent's input budget (estimated tokens), keeping its beginning and its end, which carry
 * the question, and marking the cut. `estimate` is the token estimator (core/language estimateTokens).
 */
export const trimToBudget = (
  text: string,
  budget: TokenBudget | undefined,
  estimate: (text: string) => number,
): { readonly text: string; readonly trimmed: boolean } => {
  if (budget === undefined || estimate(text) <= budget.maxInputTokens) return { text, trimmed: false };
  const marker = ' […] ';
  const chars = [...text];
  let keep = chars.length;
  // Shrink until it fits: estimates are per character class, so a few passes converge.
  while (keep > 0) {
    keep = Math.floor(keep * 0.9);
    const head = chars.slice(0, Math.ceil(keep * 0.75)).join('');
    const tail = chars.slice(chars.length - Math.floor(keep * 0.25)).join('');
    const candidate = `${head}${marker}${tail}`;
    if (estimate(candidate) <= budget.maxInputTokens) return { text: candidate, trimmed: true };
  }
  return { text: '', trimmed: true };
};
