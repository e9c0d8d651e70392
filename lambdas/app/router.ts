import type { ModelCatalog } from '../core/catalog';
import { decideRoute, type RouteDecision } from '../core/routing';
import type { IntentClassifier } from '../core/vocabulary';
import type { MetricsSink } from '../ports';
import type { RoutingMapSource } from './routing-map-source';

export interface RouterDeps {
  readonly classifier: IntentClassifier;
  readonly routingMap: RoutingMapSource;
  readonly catalog: ModelCatalog;
  readonly metrics: MetricsSink;
}

/** Classify, then decide: the path `route` and `invoke` share. No model is called, nothing is charged. */
export const routeMessage = async (deps: RouterDeps, text: string): Promise<RouteDecision> => {
  const classification = deps.classifier.classify(text);
  const decision = decideRoute(classification, await deps.routingMap.get(), deps.catalog);
  deps.metrics.record('RoutingDecisions', 1, 'Count', { Intent: decision.intent, Tier: decision.tier });
  if (decision.intent === 'unknown') deps.metrics.record('UnmappedIntents', 1, 'Count');
  return decision;
};
