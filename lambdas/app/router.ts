import type { ModelCatalog } from '../core/catalog';
import type { MitigationConfig } from '../core/capacity/config';
import { applyMitigation, isMitigationActive, type MitigationState } from '../core/capacity/mitigation';
import { decideRoute, modelFor, type RouteDecision } from '../core/routing';
import type { IntentClassifier } from '../core/vocabulary';
import type { Clock, MetricsSink, ServingState } from '../ports';
import type { RoutingMapSource } from './routing-map-source';
import type { ServingStateSource } from './serving-state-source';

export interface RouterDeps {
  readonly classifier: IntentClassifier;
  readonly routingMap: RoutingMapSource;
  readonly serving: ServingStateSource;
  readonly catalog: ModelCatalog;
  readonly mitigation: MitigationConfig;
  readonly clock: Clock;
  readonly metrics: MetricsSink;
}

/** A routed message: the decision, and the serving state it was made under (the answer uses the same one). */
export interface RoutedMessage {
  readonly decision: RouteDecision;
  readonly serving: ServingState;
  /** The mitigation in force when the message was routed; undefined when none is. */
  readonly mitigation: MitigationState | undefined;
}

/**
 * Classify, decide by the routing map, then apply mitigation if it is on: the path `route` and `invoke` share, so
 * the `route` frame shows what an `invoke` would do. No model is called, nothing is charged.
 */
export const routeMessage = async (deps: RouterDeps, text: string): Promise<RoutedMessage> => {
  const classification = deps.classifier.classify(text);
  const [map, serving] = await Promise.all([deps.routingMap.get(), deps.serving.get()]);
  const planned = decideRoute(classification, map, deps.catalog);
  const mitigation = isMitigationActive(serving.mitigation, deps.clock.now()) ? serving.mitigation : undefined;
  const decision = mitigation ? applyMitigation(planned, map, deps.mitigation, (tier) => modelFor(tier, deps.catalog)) : planned;
  deps.metrics.record('RoutingDecisions', 1, 'Count', { Intent: decision.intent, Tier: decision.tier });
  if (decision.intent === 'unknown') deps.metrics.record('UnmappedIntents', 1, 'Count');
  return { decision, serving, mitigation };
};
