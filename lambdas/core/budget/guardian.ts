import { costUsd, type ModelSpec } from '../catalog';
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
 * Projected end-of-day spend: the spend so far scaled by the expected traffic still to come. Early in the day the
 * burn rate says little, so below `minElapsedShare` the projection blends towards the budget itself.
 */
export const projectSpend = (config: BudgetConfig, events: readonly CalendarEvent[], spentUsd: number, budgetUsd: number, now: number): number => {
  const elapsed = expectedShareElapsed(config, events, now);
  if (elapsed >= config.minElapsedShare) return round(spentUsd / elapsed);
  const weight = elapsed / config.minElapsedShare;
  return round(weight * (spentUsd / Math.max(elapsed, 1e-9)) + (1 - weight) * Math.max(budgetUsd, spentUsd));
};

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/** The guardian's reading of the day: mode, projection and the intents it moves. */
export const budgetStatus = (
  config: BudgetConfig,
  map: RoutingMap,
  events: readonly CalendarEvent[],
  budget: DayBudget,
  spend: DaySpend,
  now: number,
): BudgetStatus => {
  const committed = spend.spentUsd + spend.reservedUsd;
  const utilisation = budget.totalUsd > 0 ? committed / budget.totalUsd : Number.POSITIVE_INFINITY;
  const projectedUsd = projectSpend(config, events, spend.spentUsd, budget.totalUsd, now);
  const ratio = budget.totalUsd > 0 ? projectedUsd / budget.totalUsd : Number.POSITIVE_INFINITY;
  // Every intent of the order counts, whatever its mapped tier: a decision can reach the strong tier by policy (a
  // complex summary) even where the map says the cheap one, and applyBudget only ever touches strong-tier decisions.
  const movable = config.rampOrder.filter((intent) => !map[intent].locked);
  const locked = config.rampOrder.filter((intent) => map[intent].locked);
  let mode: BudgetMode = 'normal';
  let demoted: Intent[] = [];
  if (utilisation >= 1) {
    mode = 'exhausted';
    demoted = [...movable, ...locked];
  } else if (utilisation >= config.emergencyAt) {
    mode = 'emergency';
    demoted = [...movable, ...locked];
  } else if (ratio > config.conserveAt) {
    mode = 'conserve';
    const count = Math.min(movable.length, 1 + Math.floor((ratio - config.conserveAt) / config.rampStep + 1e-9));
    demoted = movable.slice(0, count);
  }
  return { mode, budget, spentUsd: round(spend.spentUsd), reservedUsd: round(spend.reservedUsd), utilisation, projectedUsd, demoted };
};

/** The decision with the budget applied: a demoted intent on the strong tier goes to the cheap one, with the reason. */
export const applyBudget = (decision: RouteDecision, status: BudgetStatus, model: (tier: Tier) => string | null): RouteDecision => {
  if (decision.tier !== 'sonnet' || !status.demoted.includes(decision.intent)) return decision;
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
