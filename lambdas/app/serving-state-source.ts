import type { MitigationState } from '../core/capacity/mitigation';
import { onDemandTarget } from '../core/capacity/reconcile';
import type { CapacityStateStore, Clock, Log, ServingState } from '../ports';
import { RefreshingValue } from './refreshing-value';

/** Before the first good read: every tier on-demand (the catalog's profiles), no mitigation. */
export const ON_DEMAND_SERVING_STATE: ServingState = { targets: { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') } };

/**
 * The serving state (routing target per tier, mitigation) as the capacity table says, re-read at most every
 * `ttlMs` so a switch of target or an operator's mitigation applies within that window. If the table cannot be
 * read, the last good state (or on-demand without mitigation) keeps serving: a capacity outage must not stop the
 * chat, and on-demand is always a valid route.
 */
export class ServingStateSource {
  private readonly state: RefreshingValue<ServingState>;
  /** Bumped by every local change, so a read that started before it cannot undo it. */
  private localChanges = 0;

  constructor(store: CapacityStateStore, clock: Clock, log: Log, ttlMs = 30_000) {
    this.state = new RefreshingValue(
      async () => {
        const changesBefore = this.localChanges;
        const read = await store.readServingState();
        // A mitigation noted while this read was in flight is newer than what the read saw.
        const noted = this.localChanges === changesBefore ? undefined : this.state.latest().mitigation;
        return noted ? { ...read, mitigation: noted } : read;
      },
      ON_DEMAND_SERVING_STATE,
      clock,
      ttlMs,
      (error) => log.error('capacity table unreadable; keeping the previous serving state', { error }),
    );
  }

  get(): Promise<ServingState> {
    return this.state.get();
  }

  /** The state last read (or noted), without reading: for decisions that must not wait on the table. */
  latest(): ServingState {
    return this.state.latest();
  }

  /**
   * Mitigation this container has just started in the table: its own requests see it at once instead of after the
   * next read. The next read that starts after this call replaces it with what the table says (an operator may
   * have ended it meanwhile).
   */
  noteMitigation(mitigation: MitigationState): void {
    this.localChanges += 1;
    this.state.set({ ...this.state.latest(), mitigation });
  }

  /** Forgets the cached state: the next `get` reads the table (another container changed it). */
  invalidate(): void {
    this.state.invalidate();
  }
}
