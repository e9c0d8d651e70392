/**
 * Ports of the budget guardian: the ledger of the day's spend and reservations (Redis in AWS, atomic Lua), with the
 * operator's per-day override. Adapters: lambdas/adapters/redis-budget.ts and lambdas/adapters/memory-budget.ts.
 */
import type { BudgetOverride, DaySpend } from '../core/budget/guardian';
import type { Intent, ModelTier } from '../core/vocabulary';

export interface ReserveRequest {
  /** The JST budget day of the request (fixed at admission: a call admitted at 23:59:59.9 settles on that day). */
  readonly day: string;
  /** Unique per model call. */
  readonly id: string;
  /** Worst-case cost: input tokens + maxTokens at the model's prices. */
  readonly usd: number;
  /** The day's budget: admitted only if spent + live reservations + usd stays within it. */
  readonly limitUsd: number;
  /** A reservation not settled by then stops counting (a crashed or abandoned request). */
  readonly ttlMs: number;
  readonly now: number;
}

export type ReserveResult = { readonly admitted: true } | { readonly admitted: false; readonly committedUsd: number };

export interface Settlement {
  readonly day: string;
  readonly id: string;
  /** The actual cost (0 for a call that produced nothing); the rest of the reservation is released. */
  readonly usd: number;
  readonly tier: ModelTier;
  readonly intent: Intent;
}

export interface DaySpendDetail extends DaySpend {
  readonly byTier: Readonly<Partial<Record<ModelTier, number>>>;
  readonly byIntent: Readonly<Partial<Record<Intent, number>>>;
  /** Per intent, the split by the tier that answered: what the guardian reads an intent's full-price rate from. */
  readonly byIntentTier: Readonly<Partial<Record<Intent, Partial<Record<ModelTier, number>>>>>;
}

/**
 * The day's budget ledger. Every operation is atomic (concurrent Lambdas can never overspend: check-then-spend
 * races, an atomic reserve does not). Failures are thrown; the guardian fails closed on them.
 */
export interface BudgetLedger {
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /**
   * Releases the reservation `id` (if it still exists) and adds `usd` to the day's totals (all, per tier, per
   * intent). Settling an id twice counts once; a settlement without a reservation (a call made while the guardian
   * failed closed) is still counted.
   */
  settle(settlement: Settlement): Promise<void>;
  /** Spent and live reserved USD of a day, with the split by tier and intent. */
  daySpend(day: string, now: number): Promise<DaySpendDetail>;
  getOverride(day: string): Promise<BudgetOverride | undefined>;
  setOverride(day: string, override: BudgetOverride): Promise<void>;
  /** False when there was none. */
  clearOverride(day: string): Promise<boolean>;
}
