import { DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../app/answer-message';
import { routeMessage } from '../app/router';
import { RoutingMapSource } from '../app/routing-map-source';
import type { ModelCatalog } from '../core/catalog';
import { KeywordClassifier } from '../core/classifier';
import type { RouteDecision } from '../core/routing';
import type { IntentClassifier } from '../core/vocabulary';
import type { Clock, Log, MetricsSink, ModelClient, OrderStore, ResponseCache, RoutingConfigStore, SpendLedger } from '../ports';

/**
 * Wiring shared by the Lambda entries and the offline stack: ports in, use-case functions out. It imports no
 * AWS client, so each entry bundles only the clients it builds itself.
 */
export interface RouterWiring {
  readonly routingConfig: RoutingConfigStore;
  readonly catalog: ModelCatalog;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  readonly classifier?: IntentClassifier;
  readonly routingCacheTtlMs?: number;
}

export const wireRouter = (wiring: RouterWiring): ((text: string) => Promise<RouteDecision>) => {
  const deps = {
    classifier: wiring.classifier ?? new KeywordClassifier(),
    routingMap: new RoutingMapSource(wiring.routingConfig, wiring.clock, wiring.log, wiring.routingCacheTtlMs),
    catalog: wiring.catalog,
    metrics: wiring.metrics,
  };
  return (text) => routeMessage(deps, text);
};

export interface AnswerWiring extends RouterWiring {
  readonly orders: OrderStore;
  readonly model: ModelClient;
  readonly store: ResponseCache & SpendLedger;
  readonly options?: Partial<AnswerOptions>;
}

export const wireAnswer = (wiring: AnswerWiring): Omit<AnswerDeps, 'messenger'> => ({
  route: wireRouter(wiring),
  catalog: wiring.catalog,
  orders: wiring.orders,
  model: wiring.model,
  cache: wiring.store,
  spend: wiring.store,
  clock: wiring.clock,
  metrics: wiring.metrics,
  log: wiring.log,
  options: { ...DEFAULT_ANSWER_OPTIONS, ...wiring.options },
});
