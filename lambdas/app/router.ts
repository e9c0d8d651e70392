import { performance } from 'node:perf_hooks';
import { applyBudget, jstDay } from '../core/budget/guardian';
import type { ModelCatalog } from '../core/catalog';
import type { MitigationConfig } from '../core/capacity/config';
import { applyMitigation, isMitigationActive, type MitigationState } from '../core/capacity/mitigation';
import { withoutSteering } from '../core/classifier/steering';
import { applyFollowUp, isFollowUp, type PreviousExchange } from '../core/conversation';
import { decideRoute, modelFor, type RouteDecision } from '../core/routing';
import { applyExperiment } from '../core/experiments/route';
import type { Experiment } from '../core/experiments/model';
import type { Intent, RoutingMap } from '../core/vocabulary';
import type { Clock, MetricsSink, ServingState } from '../ports';
import { applyFaq, isFaqDecision } from '../core/faq';
import type { ClassifierSource } from '../core/llm-classifier';
import type { MessageClassification } from './classify-message';
import type { FaqSource } from './faq-source';
import type { RoutingMapSource } from './routing-map-source';
import type { ServingStateSource } from './serving-state-source';

export interface RouterDeps {
  /**
   * The classification step (lambdas/app/classify-message.ts): the fast path, and below its threshold the LLM
   * classifier fallback (reason `llm:<intent>`).
   */
  readonly classifier: MessageClassification;
  readonly routingMap: RoutingMapSource;
  readonly serving: ServingStateSource;
  /** The FAQ in force: a confident match answers on the template tier (no model, no cost). */
  readonly faq: FaqSource;
  readonly catalog: ModelCatalog;
  readonly mitigation: MitigationConfig;
  readonly clock: Clock;
  /** In [0, 1): draws whether a partly demoted intent's request moves (the `route` frame's preview of it). */
  readonly random: () => number;
  readonly metrics: MetricsSink;
  /** The running experiments by intent (lambdas/app/experiments/source.ts); absent, no experiment applies. */
  readonly experiments?: { get(): Promise<ReadonlyMap<Intent, Experiment>> };
}

/** A routed message: the decision, and the serving state it was made under (the answer uses the same one). */
export interface RoutedMessage {
  readonly decision: RouteDecision;
  /** The routing map it was decided by (the budget ramp moves only the strong-tier intents of this map). */
  readonly map: RoutingMap;
  readonly serving: ServingState;
  /** The mitigation in force when the message was routed; undefined when none is. */
  readonly mitigation: MitigationState | undefined;
  /** Who classified the message: the rules, the trained model, or the LLM fallback. */
  readonly classifierSource?: ClassifierSource;
  /**
   * What the LLM classifier call cost (USD, the cheap tier's prices); 0 when none was made. Not yet settled in the
   * budget ledger: the charge step is to add it (see ClassifierCostMicroUsd for the metric).
   */
  readonly classifierCostUsd?: number;
}

/**
 * Classify, decide by the routing map, then apply mitigation if it is on: the path `route` and `invoke` share, so
 * the `route` frame shows what an `invoke` would do. No model is called, nothing is charged. Sentences that address
 * the assistant or ask for a model are left out of routing (`SteeringIgnored` counts them).
 * `previous` (an `invoke` in a session with history) is the previous exchange: a short follow-up inherits its
 * intent (`follow_up:<intent>`) and stays on the strong tier if that exchange needed it (`follow_up:keep_strong`),
 * unless the message is clearly simple (lambdas/core/conversation/follow-up.ts).
 */
/** How a message is routed: `skipLlm` keeps the fast path's answer whatever its confidence (no model call). */
export interface RouteOptions {
  readonly skipLlm?: boolean;
  /**
   * Whom a running experiment's arm is sticky for (lambdas/core/experiments/assignment.ts assignmentSubject); absent,
   * no experiment applies (nothing to keep the arm sticky by).
   */
  readonly subject?: string;
}

export const routeMessage = async (deps: RouterDeps, message: string, previous?: PreviousExchange, options: RouteOptions = {}): Promise<RoutedMessage> => {
  const startedAt = performance.now();
  // Instructions to the gateway inside the message ("use the best model") never move its route: routing reads the
  // message without them (lambdas/core/classifier/steering.ts); the model still gets all of it, delimited as data.
  const { text, dropped } = withoutSteering(message);
  if (dropped > 0) deps.metrics.record('SteeringIgnored', dropped, 'Count');
  // A short follow-up inherits the previous turn's intent below: the LLM, which sees the message alone, is not asked.
  const skipLlm = options.skipLlm === true || (previous !== undefined && isFollowUp(text));
  const [classified, active, serving, faqMatch, experiments] = await Promise.all([
    deps.classifier.classify(text, { skipLlm }),
    deps.routingMap.current(),
    deps.serving.get(),
    deps.faq.match(text),
    options.subject === undefined ? undefined : deps.experiments?.get(),
  ]);
  const { classification } = classified;
  const { map } = active;
  // A confident FAQ match makes it a template-tier decision (reason `faq:<id>`), before mitigation and the budget,
  // which only ever move strong-tier decisions.
  const fresh = decideRoute(classification, map, deps.catalog);
  const followed = applyFollowUp(fresh, text, previous, {
    map,
    reroute: (intent) =>
      decideRoute({ intent, confidence: classification.confidence, complexity: classification.complexity, signals: classification.signals }, map, deps.catalog),
    strongModel: deps.catalog.sonnet.modelId,
  });
  const faqApplied = applyFaq(followed, faqMatch);
  // A running experiment on the intent: the principal's sticky arm, before mitigation and the budget, which may
  // still demote it like any decision (the arm is kept: it is what the answer is counted under).
  const planned =
    experiments === undefined || options.subject === undefined
      ? faqApplied
      : applyExperiment(faqApplied, experiments.get(faqApplied.intent), options.subject, map, (tier) => modelFor(tier, deps.catalog));
  const mitigation = isMitigationActive(serving.mitigation, deps.clock.now()) ? serving.mitigation : undefined;
  const decision = withRoutingVersion(
    mitigation ? applyMitigation(planned, map, deps.mitigation, (tier) => modelFor(tier, deps.catalog)) : planned,
    active.version,
  );
  deps.metrics.record('RoutingDecisions', 1, 'Count', { Intent: decision.intent, Tier: decision.tier });
  if (decision.experiment) deps.metrics.record('ExperimentArmDecisions', 1, 'Count', { Experiment: decision.experiment.id, Arm: decision.experiment.arm });
  if (isFaqDecision(decision)) deps.metrics.record('FaqAnswers', 1, 'Count', { Intent: decision.intent });
  if (decision.intent === 'unknown') deps.metrics.record('UnmappedIntents', 1, 'Count');
  if (followed !== fresh) deps.metrics.record('FollowUps', 1, 'Count', { Intent: followed.intent });
  deps.metrics.record('DecisionLatencyMs', Math.round((performance.now() - startedAt) * 1000) / 1000, 'Milliseconds', { Source: classified.source });
  return { decision, map, serving, mitigation, classifierSource: classified.source, classifierCostUsd: classified.costUsd };
};

/**
 * Names the routing version whose map decided (`routing_version:<n>`, right after the `map:` reason; 0 = the embedded
 * defaults before any committed version), so an operator reading a `route` or `done` frame during a change knows
 * which side of it the message was on (versions take effect per container within the map's cache TTL).
 */
const withRoutingVersion = (decision: RouteDecision, version: number): RouteDecision => {
  const at = decision.reasons.findIndex((reason) => reason.startsWith('map:'));
  const reasons = [...decision.reasons];
  reasons.splice(at === -1 ? reasons.length : at + 1, 0, `routing_version:${version}`);
  return { ...decision, reasons };
};

/**
 * The `route` frame's decision: routed as above, then demoted by the budget status the invoke path published in the
 * capacity table (read with the serving state). The `route` Lambda cannot reach the budget ledger (Redis, in the
 * VPC), so this is the invoke path's last reading of today, at most as old as the serving state's cache (30 s); a
 * status of another JST day is ignored (a new day starts in normal mode). The invoke path itself applies the
 * ledger's own reading (lambdas/app/answer/budget.ts), so an `invoke` never depends on this copy.
 */
export const previewRoute = async (deps: RouterDeps, text: string, options: RouteOptions = {}): Promise<RouteDecision> => {
  const { decision, serving } = await routeMessage(deps, text, undefined, options);
  const published = serving.budget;
  if (published === undefined || published.day !== jstDay(deps.clock.now())) return decision;
  // The core's applyBudget reads only the mode and the (partly) demoted intents of a status: what was published.
  return applyBudget(decision, published, (tier) => modelFor(tier, deps.catalog), deps.random);
};
