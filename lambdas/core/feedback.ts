import { FEEDBACK_METRICS, feedbackMetricRecords, type FeedbackRating, type MetricRecord } from './metric-contract';
import type { ExperimentTag } from './experiments/route';
import type { Intent, Tier } from './vocabulary';

/**
 * User feedback on one answer (issue 10, item 1). Pure policy: what a `feedback` frame may change on the answer it
 * names, and the metrics that change publishes (lambdas/core/metric-contract.ts feedbackMetricRecords).
 */

/** The lowest and highest CSAT score a `feedback` frame may carry. */
export const CSAT_MIN = 1;
export const CSAT_MAX = 5;

/** An answered request as recorded when its `done` frame went out (port AnswerRecordStore). */
export interface AnswerRecord {
  readonly requestId: string;
  readonly intent: Intent;
  /** The tier that answered (the `done` frame's), which is what the rating judges. */
  readonly tier: Tier;
  /** principalKey of whoever asked: only they may rate it. */
  readonly owner: string;
  /** The thumbs rating, once given. */
  readonly rating?: FeedbackRating;
  /** The 1-5 CSAT score, once given. */
  readonly csat?: number;
  /** When the `done` frame went out (epoch ms): the rollback rule counts a rating in the bucket of its answer. */
  readonly answeredAt?: number;
  /** The experiment and arm it was routed under: its rating counts on that arm (lambdas/app/rate-answer.ts). */
  readonly experiment?: ExperimentTag;
}

export interface FeedbackInput {
  readonly rating: FeedbackRating;
  readonly csat?: number;
}

/** What the stored record must still look like for the change to apply (a conditional write: two tabs racing). */
export type RatingPrecondition = { readonly kind: 'unrated' } | { readonly kind: 'rated_without_csat'; readonly rating: FeedbackRating };

export type FeedbackDecision =
  | {
      readonly kind: 'record';
      /** What to store on the answer. */
      readonly set: FeedbackInput;
      readonly precondition: RatingPrecondition;
      /** What to publish once the write applied: never a rating twice. */
      readonly metrics: readonly MetricRecord[];
    }
  | { readonly kind: 'unknown_request' }
  | { readonly kind: 'already_rated' };

/**
 * One rating per answer, never counted twice:
 * - no record, or a record of another principal: `unknown_request` (the two read the same, so a foreign requestId
 *   tells nothing about the other customer's conversation);
 * - unrated: the rating (and the score, if given) are stored; `Feedback` per intent, per intent and tier, and `Csat`;
 * - rated with the same rating and no score yet, and this frame gives one: the score is added; `Csat` only (the chat's
 *   `/up` then `/csat 4`);
 * - anything else (another rating, a second score, a repeat): `already_rated`, nothing changes. Replacing a rating
 *   would need a negative `Feedback` datapoint and cannot be done at all for the `Csat` average.
 */
export const decideFeedback = (record: AnswerRecord | undefined, principalKey: string, input: FeedbackInput): FeedbackDecision => {
  if (record === undefined || record.owner !== principalKey) return { kind: 'unknown_request' };
  const all = feedbackMetricRecords({ intent: record.intent, tier: record.tier, rating: input.rating, ...(input.csat !== undefined && { csat: input.csat }) });
  if (record.rating === undefined) {
    return { kind: 'record', set: input, precondition: { kind: 'unrated' }, metrics: all };
  }
  if (record.rating === input.rating && record.csat === undefined && input.csat !== undefined) {
    return {
      kind: 'record',
      set: input,
      precondition: { kind: 'rated_without_csat', rating: record.rating },
      metrics: all.filter((metric) => metric.name === FEEDBACK_METRICS.csat),
    };
  }
  return { kind: 'already_rated' };
};
