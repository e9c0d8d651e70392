import type { BudgetStatus } from '../core/budget/guardian';
import type { CapacityStateStore, Clock, Log, PublishedBudgetStatus } from '../ports';
import type { ServingStateSource } from './serving-state-source';

export interface BudgetPublisherDeps {
  readonly store: CapacityStateStore;
  /** The container's serving state: what the table said at the last read (another container's publication). */
  readonly serving: ServingStateSource;
  readonly clock: Clock;
  readonly log: Log;
  /** After a failed write, how long to wait before trying again (ms). */
  readonly retryAfterMs?: number;
}

/** A partly demoted intent's share moves with every reading; only a move this large is worth a write. */
export const PARTIAL_SHARE_STEP = 0.05;

const sameReading = (published: PublishedBudgetStatus, status: BudgetStatus): boolean => {
  const partial = status.partial ?? [];
  return (
    published.day === status.budget.day &&
    published.mode === status.mode &&
    published.demoted.length === status.demoted.length &&
    published.demoted.every((intent, index) => status.demoted[index] === intent) &&
    published.partial.length === partial.length &&
    published.partial.every((p, index) => partial[index]?.intent === p.intent && Math.abs((partial[index]?.share ?? 0) - p.share) < PARTIAL_SHARE_STEP)
  );
};

/**
 * Publishes the guardian's reading for the `route` Lambda. `route` runs outside the VPC (it needs no cache and stays
 * cheap to cold-start), so it cannot reach the budget ledger in Redis; it reads the capacity table every 30 s anyway
 * for targets and mitigation, so the invoke path writes the budget status there as a `BUDGET` item.
 *
 * Writes are rare: only when the day, the mode, the demoted intents or the partly demoted ones (a share moved by
 * PARTIAL_SHARE_STEP or more) differ from what this container last saw
 * (its own last write, or the table's item as its last serving-state read found it, whichever is newer), one at a
 * time per container, and after a failed write not again for `retryAfterMs`. A failure is logged and never fails
 * the answer: the `route` frame is a preview, and the invoke path applies the ledger's reading itself.
 */
export class BudgetStatusPublisher {
  private lastWritten: PublishedBudgetStatus | undefined;
  private writing = false;
  private quietUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: BudgetPublisherDeps) {}

  async publish(status: BudgetStatus): Promise<void> {
    const seen = this.lastSeen();
    if (seen ? sameReading(seen, status) : status.mode === 'normal' && status.demoted.length === 0 && (status.partial ?? []).length === 0) return;
    const now = this.deps.clock.now();
    if (this.writing || now < this.quietUntil) return;
    this.writing = true;
    const published: PublishedBudgetStatus = { day: status.budget.day, mode: status.mode, demoted: [...status.demoted], partial: [...(status.partial ?? [])], updatedAt: now };
    try {
      await this.deps.store.publishBudgetStatus(published);
      this.lastWritten = published;
      this.deps.log.info('budget status published', { day: published.day, mode: published.mode, demoted: published.demoted });
    } catch (error) {
      this.quietUntil = now + (this.deps.retryAfterMs ?? 30_000);
      this.deps.log.warn('budget status not published; the route frame keeps the previous one', { day: published.day, mode: published.mode, error });
    } finally {
      this.writing = false;
    }
  }

  private lastSeen(): PublishedBudgetStatus | undefined {
    const read = this.deps.serving.latest().budget;
    const own = this.lastWritten;
    if (read === undefined || own === undefined) return read ?? own;
    return read.updatedAt > own.updatedAt ? read : own;
  }
}
