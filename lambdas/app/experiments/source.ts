import type { Experiment } from '../../core/experiments/model';
import type { Intent } from '../../core/vocabulary';
import type { Clock, Log } from '../../ports';
import type { ExperimentStore } from '../../ports/experiments';
import { RefreshingValue } from '../refreshing-value';

/**
 * The running experiments by intent, re-read at most every `ttlMs` (30 s, like the routing map): a started, advanced
 * or stopped experiment applies on every warm container within that. If the table cannot be read the last good set
 * stays in force (none at a cold start): an outage of experiments routes by the map, never stops the chat.
 */
export class ExperimentSource {
  private readonly running: RefreshingValue<ReadonlyMap<Intent, Experiment>>;

  constructor(store: Pick<ExperimentStore, 'list'>, clock: Clock, log: Log, ttlMs = 30_000) {
    this.running = new RefreshingValue<ReadonlyMap<Intent, Experiment>>(
      async () => new Map((await store.list()).filter((experiment) => experiment.status === 'running').map((experiment) => [experiment.intent, experiment])),
      new Map(),
      clock,
      ttlMs,
      (error) => log.error('experiments unreadable; keeping the previous set', { error }),
    );
  }

  get(): Promise<ReadonlyMap<Intent, Experiment>> {
    return this.running.get();
  }
}
