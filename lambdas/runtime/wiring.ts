import { DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../app/answer-message';
import { AutoMitigation } from '../app/answer/throttle-defence';
import { routeMessage, type RouterDeps } from '../app/router';
import { RoutingMapSource } from '../app/routing-map-source';
import { ServingStateSource } from '../app/serving-state-source';
import type { ModelCatalog } from '../core/catalog';
import type { CapacityConfig } from '../core/capacity/config';
import { KeywordClassifier } from '../core/classifier';
import type { RouteDecision } from '../core/routing';
import type { IntentClassifier } from '../core/vocabulary';
import type {
  CapacityStateStore,
  Clock,
  Log,
  MetricsSink,
  ModelClient,
  OrderStore,
  ResponseCache,
  RoutingConfigStore,
  SpendLedger,
} from '../ports';

/**
 * Wiring shared by the Lambda entries and the offline stack: ports in, use-case functions out. It imports no
 * AWS client, so each entry bundles only the clients it builds itself.
 */
export interface RouterWiring {
  readonly routingConfig: RoutingConfigStore;
  /** Routing targets per tier and mitigation (the capacity table); read by `route` and `invoke` alike. */
  readonly capacityState: CapacityStateStore;
  readonly capacityConfig: CapacityConfig;
  readonly catalog: ModelCatalog;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  readonly classifier?: IntentClassifier;
  readonly routingCacheTtlMs?: number;
  /** How long a read of the capacity table's serving state is reused (ms); 30 s by default. */
  readonly servingCacheTtlMs?: number;
}

const servingState = (wiring: RouterWiring): ServingStateSource =>
  new ServingStateSource(wiring.capacityState, wiring.clock, wiring.log, wiring.servingCacheTtlMs);

const routerDeps = (wiring: RouterWiring, serving: ServingStateSource): RouterDeps => ({
  classifier: wiring.classifier ?? new KeywordClassifier(),
  routingMap: new RoutingMapSource(wiring.routingConfig, wiring.clock, wiring.log, wiring.routingCacheTtlMs),
  serving,
  catalog: wiring.catalog,
  mitigation: wiring.capacityConfig.mitigation,
  clock: wiring.clock,
  metrics: wiring.metrics,
});

/** The `route` frame's decision: the same routing, mitigation included, as an `invoke` would get. */
export const wireRouter = (wiring: RouterWiring): ((text: string) => Promise<RouteDecision>) => {
  const deps = routerDeps(wiring, servingState(wiring));
  return async (text) => (await routeMessage(deps, text)).decision;
};

export interface AnswerWiring extends RouterWiring {
  readonly orders: OrderStore;
  readonly model: ModelClient;
  readonly store: ResponseCache & SpendLedger;
  readonly options?: Partial<AnswerOptions>;
  /** In [0, 1); `Math.random` unless a test or benchmark wants a fixed draw. */
  readonly random?: () => number;
}

export const wireAnswer = (wiring: AnswerWiring): Omit<AnswerDeps, 'messenger'> => {
  // One serving state per container, shared by routing and the throttle defence: mitigation this container
  // starts applies to its next request, not 30 s later.
  const serving = servingState(wiring);
  const router = routerDeps(wiring, serving);
  return {
    route: (text) => routeMessage(router, text),
    catalog: wiring.catalog,
    capacity: wiring.capacityConfig,
    orders: wiring.orders,
    model: wiring.model,
    cache: wiring.store,
    spend: wiring.store,
    throttleDefence: new AutoMitigation({
      store: wiring.capacityState,
      serving,
      config: wiring.capacityConfig.mitigation,
      clock: wiring.clock,
      log: wiring.log,
      metrics: wiring.metrics,
    }),
    clock: wiring.clock,
    random: wiring.random ?? Math.random,
    metrics: wiring.metrics,
    log: wiring.log,
    options: { ...DEFAULT_ANSWER_OPTIONS, ...wiring.options },
  };
};
