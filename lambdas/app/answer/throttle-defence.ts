import type { MitigationConfig } from '../../core/capacity/config';
import { isMitigationActive, ThrottleWatch, type MitigationState } from '../../core/capacity/mitigation';
import type { CapacityStateStore, Clock, Log, MetricsSink } from '../../ports';
import type { ServingStateSource } from '../serving-state-source';
import type { ThrottleDefence } from './types';

export interface AutoMitigationDeps {
  readonly store: CapacityStateStore;
  /** The container's serving state: it sees mitigation this container started at once. */
  readonly serving: ServingStateSource;
  readonly config: MitigationConfig;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

/**
 * Throttle defence of one warm container (seed 003 scenario 1, step 4): every model call is counted, and once the
 * throttled share over the window crosses the threshold, timed mitigation is started in the capacity table, once:
 * not while mitigation is on (as this container last saw it), not while a start is in flight, and not again
 * within the window after a start that failed or found mitigation already on. A failed write is logged and never
 * fails the answer.
 */
export class AutoMitigation implements ThrottleDefence {
  private readonly watch: ThrottleWatch;
  private starting = false;
  private quietUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: AutoMitigationDeps) {
    this.watch = new ThrottleWatch(deps.config);
  }

  async recordCall(throttled: boolean): Promise<void> {
    const now = this.deps.clock.now();
    this.watch.record(now, throttled);
    if (this.starting || now < this.quietUntil || isMitigationActive(this.deps.serving.latest().mitigation, now)) return;
    if (!this.watch.shouldMitigate(now)) return;
    this.starting = true;
    try {
      await this.start(now, this.watch.rate(now) ?? 0);
    } finally {
      this.starting = false;
    }
  }

  private async start(now: number, rate: number): Promise<void> {
    const state: MitigationState = {
      until: now + this.deps.config.autoDurationMs,
      reason: `throttle_rate:${rate.toFixed(2)}`,
      setBy: 'auto:throttle-rate',
      startedAt: now,
    };
    try {
      if (await this.deps.store.startMitigationIfOff(state, now)) {
        this.deps.metrics.record('MitigationStarted', 1, 'Count');
        this.deps.log.warn('throttle mitigation started', { rate, until: new Date(state.until).toISOString() });
        this.deps.serving.noteMitigation(state);
        return;
      }
      // Another container (or an operator) switched it on first: read it on the next request.
      this.deps.serving.invalidate();
    } catch (error) {
      this.deps.log.error('could not start throttle mitigation; answering without it', { rate, error });
    }
    this.quietUntil = now + this.deps.config.windowMs;
  }
}
