import type { BudgetOverride } from '../core/budget/guardian';
import { isDay } from '../core/budget/guardian';
import type { Intent, ModelTier } from '../core/vocabulary';
import type { Clock } from '../ports';
import type { BudgetLedger, DaySpendDetail, ReserveRequest, ReserveResult, Settlement } from '../ports/budget';

/*
 * The budget ledger's arithmetic, shared by both adapters (this in-process one is the reference; the Redis one runs
 * the same rules in Lua). Amounts are kept as integer micro-USD so a day of small settlements sums exactly
 * (10,000 x $0.000123 is $1.23, not 1.2299999999998).
 *
 * Rounding, once, at the port boundary:
 * - settlements and the day's limit: to the nearest micro-dollar;
 * - reservations (worst cases): up to the next micro-dollar, so admission never under-reserves.
 * Binary noise is not rounded up: 0.3 USD is 300000 micro-USD, not 300001 (0.3 * 1e6 = 300000.00000000006).
 */

export const MICRO_PER_USD = 1_000_000;
/** The largest amount a ledger accepts: $1e9, far inside Lua's and JavaScript's exact integers (2^53). */
export const MAX_LEDGER_USD = 1e9;

export const toMicroUsd = (usd: number, rounding: 'nearest' | 'up'): number => {
  const scaled = usd * MICRO_PER_USD;
  const nearest = Math.round(scaled);
  if (rounding === 'nearest' || Math.abs(scaled - nearest) <= Math.max(1e-9, scaled * 4 * Number.EPSILON)) return nearest;
  return Math.ceil(scaled);
};

/** Micro-USD back to USD: the division is correctly rounded, so 1230000 is exactly the double 1.23. */
export const fromMicroUsd = (micro: number): number => micro / MICRO_PER_USD;

const checkUsd = (name: string, usd: number): void => {
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0 || usd > MAX_LEDGER_USD) {
    throw new RangeError(`budget ledger: ${name} must be a finite USD amount in [0, ${MAX_LEDGER_USD}], got ${String(usd)}`);
  }
};

const checkDay = (day: string): void => {
  if (typeof day !== 'string' || !isDay(day)) throw new RangeError(`budget ledger: day must be a YYYY-MM-DD date, got ${JSON.stringify(day)}`);
};

const checkId = (id: string): void => {
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) throw new RangeError('budget ledger: id must be a non-empty string of at most 256 characters');
};

const checkInstant = (name: string, ms: number): void => {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`budget ledger: ${name} must be epoch milliseconds, got ${String(ms)}`);
};

/** A reservation validated and converted to micro-USD, with its absolute expiry. */
export interface CheckedReservation {
  readonly day: string;
  readonly id: string;
  readonly micro: number;
  readonly limitMicro: number;
  readonly now: number;
  readonly expiresAt: number;
}

export const checkReservation = (request: ReserveRequest): CheckedReservation => {
  checkDay(request.day);
  checkId(request.id);
  checkUsd('usd', request.usd);
  checkUsd('limitUsd', request.limitUsd);
  checkInstant('now', request.now);
  if (typeof request.ttlMs !== 'number' || !Number.isSafeInteger(request.ttlMs) || request.ttlMs <= 0) {
    throw new RangeError(`budget ledger: ttlMs must be a positive integer, got ${String(request.ttlMs)}`);
  }
  return {
    day: request.day,
    id: request.id,
    micro: toMicroUsd(request.usd, 'up'),
    limitMicro: toMicroUsd(request.limitUsd, 'nearest'),
    now: request.now,
    expiresAt: request.now + request.ttlMs,
  };
};

export interface CheckedSettlement {
  readonly day: string;
  readonly id: string;
  readonly micro: number;
  readonly tier: ModelTier;
  readonly intent: Intent;
}

export const checkSettlement = (settlement: Settlement): CheckedSettlement => {
  checkDay(settlement.day);
  checkId(settlement.id);
  checkUsd('usd', settlement.usd);
  if (typeof settlement.tier !== 'string' || settlement.tier.length === 0) throw new RangeError('budget ledger: tier is required');
  if (typeof settlement.intent !== 'string' || settlement.intent.length === 0) throw new RangeError('budget ledger: intent is required');
  return { day: settlement.day, id: settlement.id, micro: toMicroUsd(settlement.usd, 'nearest'), tier: settlement.tier, intent: settlement.intent };
};

export const checkDaySpend = (day: string, now: number): void => {
  checkDay(day);
  checkInstant('now', now);
};

export { checkDay as checkBudgetDay };

/** Validates an override (what is written, and what is read back from a store). Throws on anything else. */
export const parseOverride = (value: unknown): BudgetOverride => {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { usd, expiresAt, setBy, reason } = record;
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0 || usd > MAX_LEDGER_USD) throw new RangeError(`budget override: usd must be a USD amount in [0, ${MAX_LEDGER_USD}]`);
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw new RangeError('budget override: expiresAt must be epoch milliseconds');
  if (typeof setBy !== 'string') throw new RangeError('budget override: setBy must be a string');
  if (typeof reason !== 'string') throw new RangeError('budget override: reason must be a string');
  return { usd, expiresAt, setBy, reason };
};

/** Integer micro-USD counters of a map, as USD. */
const toUsdRecord = <K extends string>(counters: ReadonlyMap<K, number>): Partial<Record<K, number>> => {
  const out: Partial<Record<K, number>> = {};
  for (const [key, micro] of counters) out[key] = fromMicroUsd(micro);
  return out;
};

const intentTierRecord = (split: ReadonlyMap<string, number>): Partial<Record<Intent, Partial<Record<ModelTier, number>>>> => {
  const record: Partial<Record<Intent, Partial<Record<ModelTier, number>>>> = {};
  for (const [key, micro] of split) {
    const [intent, tier] = key.split(':') as [Intent, ModelTier];
    record[intent] = { ...record[intent], [tier]: fromMicroUsd(micro) };
  }
  return record;
};

/** Days the in-process ledger keeps: today, yesterday and the day before. */
const KEPT_DAYS = 3;

interface DayLedger {
  spent: number;
  /** Live reservations: id -> micro-USD and expiry (epoch ms; it stops counting at that instant). */
  readonly reservations: Map<string, { readonly micro: number; readonly expiresAt: number }>;
  readonly settled: Set<string>;
  readonly byTier: Map<ModelTier, number>;
  readonly byIntent: Map<Intent, number>;
  /** `intent:tier` -> micro-USD, as the Redis hash holds it. */
  readonly byIntentTier: Map<string, number>;
}

/**
 * The budget ledger in process: the offline stack without REDIS_URL and the unit tests use it. Same semantics as
 * RedisBudgetLedger (integer micro-USD, expiring reservations, idempotent settlement); every method completes
 * without awaiting, so concurrent calls in one process are atomic. The time of reservations comes in as `now`
 * parameters; the optional clock only ages overrides (the port's getOverride has no `now`). Without a clock an
 * expired override is still returned, and the guardian's dayBudget ignores it by its own `now`.
 */
export class MemoryBudgetLedger implements BudgetLedger {
  private readonly days = new Map<string, DayLedger>();
  private readonly overrides = new Map<string, BudgetOverride>();

  constructor(private readonly clock?: Clock) {}

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const r = checkReservation(request);
    const ledger = this.day(r.day);
    const reserved = this.liveReserved(ledger, r.now);
    const committed = ledger.spent + reserved;
    if (ledger.reservations.has(r.id)) return { admitted: true };
    if (committed + r.micro > r.limitMicro) return { admitted: false, committedUsd: fromMicroUsd(committed) };
    ledger.reservations.set(r.id, { micro: r.micro, expiresAt: r.expiresAt });
    return { admitted: true };
  }

  async settle(settlement: Settlement): Promise<void> {
    const s = checkSettlement(settlement);
    const ledger = this.day(s.day);
    if (ledger.settled.has(s.id)) return;
    ledger.settled.add(s.id);
    ledger.reservations.delete(s.id);
    ledger.spent += s.micro;
    ledger.byTier.set(s.tier, (ledger.byTier.get(s.tier) ?? 0) + s.micro);
    ledger.byIntent.set(s.intent, (ledger.byIntent.get(s.intent) ?? 0) + s.micro);
    const split = `${s.intent}:${s.tier}`;
    ledger.byIntentTier.set(split, (ledger.byIntentTier.get(split) ?? 0) + s.micro);
  }

  async daySpend(day: string, now: number): Promise<DaySpendDetail> {
    checkDaySpend(day, now);
    const ledger = this.days.get(day);
    if (!ledger) return { spentUsd: 0, reservedUsd: 0, byTier: {}, byIntent: {}, byIntentTier: {} };
    return {
      spentUsd: fromMicroUsd(ledger.spent),
      reservedUsd: fromMicroUsd(this.liveReserved(ledger, now)),
      byTier: toUsdRecord(ledger.byTier),
      byIntent: toUsdRecord(ledger.byIntent),
      byIntentTier: intentTierRecord(ledger.byIntentTier),
    };
  }

  async getOverride(day: string): Promise<BudgetOverride | undefined> {
    checkDay(day);
    const override = this.overrides.get(day);
    if (override && this.clock && this.clock.now() >= override.expiresAt) {
      this.overrides.delete(day);
      return undefined;
    }
    return override;
  }

  async setOverride(day: string, override: BudgetOverride): Promise<void> {
    checkDay(day);
    this.overrides.set(day, parseOverride(override));
  }

  async clearOverride(day: string): Promise<boolean> {
    checkDay(day);
    return this.overrides.delete(day);
  }

  private day(day: string): DayLedger {
    let ledger = this.days.get(day);
    if (!ledger) {
      ledger = { spent: 0, reservations: new Map(), settled: new Set(), byTier: new Map(), byIntent: new Map(), byIntentTier: new Map() };
      this.days.set(day, ledger);
      // A long-running process keeps the most recent days only (a request settles on its own day, at most a
      // deadline after midnight), so each day's settled ids do not pile up forever.
      const days = [...this.days.keys()].sort();
      for (const old of days.slice(0, Math.max(0, days.length - KEPT_DAYS))) this.days.delete(old);
    }
    return ledger;
  }

  /** Drops the reservations expired at `now` (as the Redis scripts do) and sums the rest. */
  private liveReserved(ledger: DayLedger, now: number): number {
    let sum = 0;
    for (const [id, reservation] of ledger.reservations) {
      if (reservation.expiresAt <= now) ledger.reservations.delete(id);
      else sum += reservation.micro;
    }
    return sum;
  }
}
