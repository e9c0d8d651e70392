import type { ErrorCode } from './errors';
import type { Intent, Tier } from './vocabulary';

/**
 * The metrics the runbook alarms and the dashboard read (lib/runbook-alarm-rows.ts, lib/constructs/operations-dashboard.ts)
 * and the Lambdas publish (namespace MangaAssist, Powertools EMF; Powertools adds the `service` dimension to each).
 * One module both sides import, so a renamed metric breaks the build or test/infra/metric-contract.test.ts, not an
 * alarm that silently watches a series nobody writes. Constants only: the core stays pure.
 */
export const OPERATIONS_METRICS = {
  /** One per `done` frame, per `Intent` and `Tier` together (lambdas/app/answer/reply.ts). */
  requests: 'Requests',
  /** End-to-end latency of each answered request (ms), per `Tier` that answered: its SampleCount is the answers per tier. */
  requestLatency: 'RequestLatency',
  /** One per `error` frame, per `Code` (lambdas/handlers/reply.ts). */
  errorReplies: 'ErrorReplies',
  /** A model answer that failed on every target of the chain and became an `error` frame, per `Tier` last tried. */
  fallbackReplies: 'FallbackReplies',
  /** A routing decision whose intent is `unknown` (the catch-all row; DESIGN section 4), no other dimension. */
  unmappedIntents: 'UnmappedIntents',
  /** One per routing decision, per `Intent` and `Tier`. */
  routingDecisions: 'RoutingDecisions',
  /** Cost of each model call in micro-USD, per `Tier` (lambdas/app/answer/charge.ts). */
  modelCost: 'ModelCostMicroUsd',
  /** Total tokens of each answered request, per `Intent`. */
  tokensPerIntent: 'TokensPerIntent',
  /** Answer-cache hits, per `Intent`. */
  cacheHits: 'CacheHits',
  /** Cascade outcomes, per `Intent`. */
  cascadeAccepted: 'CascadeAccepted',
  cascadeEscalations: 'CascadeEscalations',
  cascadeKept: 'CascadeKept',
  /** A model call that failed and moved to the cheaper tier, per `Tier` that failed. */
  modelFallbacks: 'ModelFallbacks',
  /** Budget guardian readings, no other dimension (lambdas/app/answer/budget.ts). */
  spendUsd: 'SpendUsd',
  budgetDemotions: 'BudgetDemotions',
} as const;

/**
 * The `error` codes that are a failure of ours on a chat message, i.e. seed 003's "fallback messages" ("I'm sorry,
 * I'm having trouble responding right now"): the model chain failed, the budget ran out, or a bug. Not counted: a
 * client's malformed frame, its own rate or spend limit, a guardrail refusal, a refused session; those are the
 * service working as designed.
 */
export const FALLBACK_REPLY_CODES = [
  'model_throttled',
  'model_unavailable',
  'model_timeout',
  'model_stream_interrupted',
  'budget_exhausted',
  'internal_error',
] as const satisfies readonly ErrorCode[];

/**
 * User feedback (issue 10, item 1): published by the `feedback` action (lambdas/core/feedback.ts decides which of
 * `feedbackMetricRecords` below a rating publishes; lambdas/app/rate-answer.ts records them once the rating is
 * stored). The satisfaction and CSAT alarms and the dashboard read them.
 */
export const FEEDBACK_METRICS = {
  /** Count 1 per rating; dimensions `Intent`, `Rating` (and a second series with `Tier` too, for the dashboard). */
  feedback: 'Feedback',
  /** The 1-5 CSAT score of one rating, unit None, no other dimension: its 24 h Average is the CSAT. */
  csat: 'Csat',
} as const;

export const FEEDBACK_RATINGS = ['up', 'down'] as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[number];

/** One metric datapoint in the shape of the MetricsSink port's `record` arguments. */
export interface MetricRecord {
  readonly name: string;
  readonly value: number;
  readonly unit: 'Count' | 'None';
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * The records one rating publishes, for the feedback action to pass to `metrics.record` one by one:
 * - `Feedback {Intent, Rating}`: what the per-intent satisfaction alarms read (2 series per intent, so an alarm's
 *   expression stays within CloudWatch's 10 metrics per alarm);
 * - `Feedback {Intent, Tier, Rating}`: the dashboard's per-tier view (a regression after a routing change shows on
 *   the tier the intent moved to);
 * - `Csat` with the 1-5 score, when the user gave one.
 */
export const feedbackMetricRecords = (rating: { readonly intent: Intent; readonly tier: Tier; readonly rating: FeedbackRating; readonly csat?: number }): MetricRecord[] => {
  const records: MetricRecord[] = [
    { name: FEEDBACK_METRICS.feedback, value: 1, unit: 'Count', dimensions: { Intent: rating.intent, Rating: rating.rating } },
    { name: FEEDBACK_METRICS.feedback, value: 1, unit: 'Count', dimensions: { Intent: rating.intent, Tier: rating.tier, Rating: rating.rating } },
  ];
  if (rating.csat !== undefined) records.push({ name: FEEDBACK_METRICS.csat, value: rating.csat, unit: 'None', dimensions: {} });
  return records;
};

/**
 * Versioned routing (issue 12): each container's RoutingMapSource records the version it routes by at every refresh
 * (no dimension). Maximum over a period is the newest version in force; Minimum is the container lagging most, so a
 * change has taken effect everywhere once Minimum reaches it (at most the refresh interval, 30 s, after the commit).
 */
export const ROUTING_VERSION_METRIC = 'RoutingVersionInForce';

/**
 * Experiments (issue 12): what the evaluator (lambdas/app/experiments/evaluate.ts) and the request and feedback paths
 * publish, and the experiment alarms and the dashboard's experiments row read. The publishers write the literals;
 * test/infra/operations.test.ts checks each name here is published.
 */
export const EXPERIMENT_METRICS = {
  /** Running and promoting experiments after each evaluator run, no other dimension. */
  running: 'ExperimentsRunning',
  /** One per decision that moved an experiment (or held it), per `Decision` (hold, advance, promote, stop, rollback). */
  decisions: 'ExperimentDecisions',
  /** One per automatic rollback (a reverted intent or a switched-off arm), no other dimension. */
  rollbacks: 'RoutingRollbacks',
  /** One per run per locked intent whose drop automation may not revert, no other dimension. */
  rollbacksBlocked: 'RoutingRollbacksBlocked',
  /** One per experiment or rollback check that failed in a run (the run went on), no other dimension. */
  evaluatorErrors: 'ExperimentEvaluatorErrors',
  /** One per answered request routed on an arm, per `Experiment` and `Arm`. */
  requests: 'ExperimentRequests',
  /** One per rating of an answer routed on an arm, per `Experiment`, `Arm` and `Rating` (up, down, csat). */
  feedback: 'ExperimentFeedback',
} as const;
