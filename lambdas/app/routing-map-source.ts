import { ROUTING_VERSION_METRIC } from '../core/metric-contract';
import { mergeRoutingOverrides } from '../core/routing';
import { routingMapOf } from '../core/routing-versions';
import { DEFAULT_ROUTING_MAP, type RoutingMap } from '../core/vocabulary';
import type { Clock, Log, MetricsSink, RoutingConfigStore } from '../ports';
import type { RoutingVersionStore } from '../ports/routing-versions';
import { RefreshingValue } from './refreshing-value';

/** The routing map in force and the version it comes from (0 = the defaults with the legacy rows, never committed). */
export interface ActiveRoutingMap {
  readonly map: RoutingMap;
  readonly version: number;
}

/**
 * The routing map of the active routing version (lambdas/core/routing-versions.ts), re-read at most every `ttlMs`,
 * so a committed change applies within that window on every warm container without a deploy. Before the first
 * version is committed (or without a version store: tests, old wiring) routing is version 0, the embedded defaults
 * with the legacy RoutingConfig rows over them. If the store cannot be read, or holds a malformed version, the last
 * good map (or the embedded defaults) keeps routing: a config outage must not stop the chat.
 */
export class RoutingMapSource {
  private readonly active: RefreshingValue<ActiveRoutingMap>;

  constructor(legacy: RoutingConfigStore, clock: Clock, log: Log, ttlMs = 30_000, versions?: RoutingVersionStore, metrics?: MetricsSink) {
    let previous: number | undefined;
    const read = async (): Promise<ActiveRoutingMap> => {
      const version = versions ? await versions.active() : null;
      if (version) return { map: routingMapOf(version), version: version.version };
      const merged = mergeRoutingOverrides(await legacy.loadOverrides());
      for (const { row, reason } of merged.rejected) log.warn('routing table row ignored', { row, reason });
      return { map: merged.map, version: 0 };
    };
    this.active = new RefreshingValue<ActiveRoutingMap>(
      async () => {
        const active = await read();
        metrics?.record(ROUTING_VERSION_METRIC, active.version, 'None');
        // One line per container and change: when a version took effect where (the worst case is one ttl).
        if (active.version !== previous) log.info('routing version in force', { version: active.version, previous: previous ?? null });
        previous = active.version;
        return active;
      },
      { map: DEFAULT_ROUTING_MAP, version: 0 },
      clock,
      ttlMs,
      (error) => log.error('routing configuration unreadable; keeping the previous routing map', { error }),
    );
  }

  async get(): Promise<RoutingMap> {
    return (await this.active.get()).map;
  }

  /** The map with its version number, for records and metrics that say which version routed. */
  current(): Promise<ActiveRoutingMap> {
    return this.active.get();
  }
}
