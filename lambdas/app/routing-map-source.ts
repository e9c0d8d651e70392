import { mergeRoutingOverrides } from '../core/routing';
import { DEFAULT_ROUTING_MAP, type RoutingMap } from '../core/vocabulary';
import type { Clock, Log, RoutingConfigStore } from '../ports';

/**
 * The routing map as the table says, re-read at most every `ttlMs` so an operator's change applies within that
 * window without a deploy. If the table cannot be read, the last good map (or the embedded defaults) keeps
 * routing: a config outage must not stop the chat.
 */
export class RoutingMapSource {
  private current: RoutingMap = DEFAULT_ROUTING_MAP;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<RoutingMap> | undefined;

  constructor(
    private readonly store: RoutingConfigStore,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly ttlMs = 30_000,
  ) {}

  async get(): Promise<RoutingMap> {
    if (this.clock.now() - this.loadedAt < this.ttlMs) return this.current;
    // Concurrent requests on a warm container share one read instead of stampeding the table.
    this.inflight ??= this.reload().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async reload(): Promise<RoutingMap> {
    try {
      const merged = mergeRoutingOverrides(await this.store.loadOverrides());
      for (const { row, reason } of merged.rejected) this.log.warn('routing table row ignored', { row, reason });
      this.current = merged.map;
    } catch (error) {
      this.log.error('routing table unreadable; keeping the previous routing map', { error });
    }
    this.loadedAt = this.clock.now();
    return this.current;
  }
}
