import type { BudgetConfig } from '../core/budget/config';
import { budgetStatus, dayBudget, type BudgetOverride, type BudgetStatus, type DaySpend } from '../core/budget/guardian';
import type { ModelCatalog } from '../core/catalog';
import type { RoutingMap } from '../core/vocabulary';
import type { BudgetLedger, Clock, Log } from '../ports';
import type { CalendarSource } from './budget-calendar';

/** The guardian's reading of a day, or why there is none: the ledger could not be read (fail closed). */
export type BudgetReading =
  | { readonly kind: 'known'; readonly status: BudgetStatus }
  | { readonly kind: 'unavailable'; readonly error: unknown };

export interface BudgetSourceDeps {
  readonly ledger: BudgetLedger;
  readonly calendar: CalendarSource;
  readonly config: BudgetConfig;
  /** The tiers' prices: what moving an intent to the cheap tier saves. */
  readonly catalog: ModelCatalog;
  readonly clock: Clock;
  readonly log: Log;
  /**
   * How long this container reuses one read of the day's spend: 1 s by default. At peak a warm container answers
   * many messages a second; each would otherwise cost Redis a script run. The cache only feeds the mode and the
   * demotions (a ramp that moves over minutes); admission itself is the ledger's atomic reserve on every model call,
   * so a second-old reading can never let spend pass the budget. The override is read on every request (one GET), so
   * an operator's change applies to the next request.
   */
  readonly ledgerCacheMs?: number;
}

type LedgerRead = { readonly ok: true; readonly spend: DaySpend } | { readonly ok: false; readonly error: unknown };

export const DEFAULT_LEDGER_CACHE_MS = 1000;

/**
 * Today's budget status for one request: the day's budget (the configured daily budget, the event pools of the
 * calendar in force, the ledger's override), the ledger's spend and live reservations, and the core's mode and
 * demotions from them. A failed ledger read is kept for the same short window as a good one, so while Redis is down
 * a container pays the fail-fast timeout about once a second instead of on every message.
 */
export class BudgetSource {
  private cached: { readonly day: string; readonly at: number; readonly read: LedgerRead } | undefined;
  /** This container's last reading: an intent goes back to its tier only with some margin (the core's hysteresis). */
  private previous: BudgetStatus | undefined;
  private readonly inflight = new Map<string, Promise<LedgerRead>>();
  private readonly cacheMs: number;

  constructor(private readonly deps: BudgetSourceDeps) {
    this.cacheMs = deps.ledgerCacheMs ?? DEFAULT_LEDGER_CACHE_MS;
  }

  /** The status of `day` at `now` under the routing map `map` (which intents are on the strong tier, which locked). */
  async read(day: string, map: RoutingMap, now: number): Promise<BudgetReading> {
    const [events, ledger, override] = await Promise.all([this.deps.calendar.get(), this.ledgerRead(day, now), this.overrideRead(day)]);
    if (!ledger.ok) return { kind: 'unavailable', error: ledger.error };
    if (!override.ok) return { kind: 'unavailable', error: override.error };
    const budget = dayBudget(this.deps.config, events, day, override.override, now);
    const status = budgetStatus(this.deps.config, map, events, budget, ledger.spend, now, {
      catalog: this.deps.catalog,
      ...(this.previous && { previous: this.previous }),
    });
    this.previous = status;
    return { kind: 'known', status };
  }

  private async ledgerRead(day: string, now: number): Promise<LedgerRead> {
    const cached = this.cached;
    if (cached && cached.day === day && this.deps.clock.now() - cached.at < this.cacheMs) return cached.read;
    let pending = this.inflight.get(day);
    if (!pending) {
      // Concurrent requests on a warm container share one read.
      pending = this.load(day, now).finally(() => this.inflight.delete(day));
      this.inflight.set(day, pending);
    }
    return pending;
  }

  private async overrideRead(day: string): Promise<{ readonly ok: true; readonly override: BudgetOverride | undefined } | { readonly ok: false; readonly error: unknown }> {
    try {
      return { ok: true, override: await this.deps.ledger.getOverride(day) };
    } catch (error) {
      this.deps.log.error('budget override unreadable; failing closed to the cheap tier', { day, error });
      return { ok: false, error };
    }
  }

  private async load(day: string, now: number): Promise<LedgerRead> {
    let read: LedgerRead;
    try {
      read = { ok: true, spend: await this.deps.ledger.daySpend(day, now) };
    } catch (error) {
      this.deps.log.error('budget ledger unreadable; failing closed to the cheap tier', { day, error });
      read = { ok: false, error };
    }
    this.cached = { day, at: this.deps.clock.now(), read };
    return read;
  }
}
