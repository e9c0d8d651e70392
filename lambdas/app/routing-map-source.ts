import { mergeRoutingOverrides } from '../core/routing';
import { DEFAULT_ROUTING_MAP, type RoutingMap } from '../core/vocabulary';
import type { Clock, Log, RoutingConfigStore } from '../ports';
import { RefreshingValue } from './refreshing-value';

/**
 * The routing map as the table says, re-read at most every `ttlMs` so an operator's change applies within that
 * window without a deploy. If the table cannot be read, the last good map (or the embedded defaults) keeps
 * routing: a config outage must not stop the chat.
 */
export class RoutingMapSource {
  private readonly map: RefreshingValue<RoutingMap>;

  constructor(store: RoutingConfigStore, clock: Clock, log: Log, ttlMs = 30_000) {
    this.map = new RefreshingValue(
      async () => {
        const merged = mergeRoutingOverrides(await store.loadOverrides());
        for (const { row, reason } of merged.rejected) log.warn('routing table row ignored', { row, reason });
        return merged.map;
      },
      DEFAULT_ROUTING_MAP,
      clock,
      ttlMs,
      (error) => log.error('routing table unreadable; keeping the previous routing map', { error }),
    );
  }

  get(): Promise<RoutingMap> {
    return this.map.get();
  }
}
