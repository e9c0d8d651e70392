import { FeedbackRefusedError } from '../core/errors';
import { DEFAULT_EXPERIMENT_CONFIG } from '../core/experiments/config';
import { decideFeedback, type AnswerRecord } from '../core/feedback';
import type { FeedbackRating } from '../core/metric-contract';
import { principalKey, type Principal } from '../core/principal';
import type { FeedbackAckReply, FeedbackFrame } from '../core/protocol';
import type { AnswerRecordStore, Clock, Log, MetricsSink, SessionStore } from '../ports';
import type { ExperimentStore } from '../ports/experiments';

export interface RateAnswerDeps {
  readonly answers: AnswerRecordStore;
  /** The connection's session, for a frame that names none. */
  readonly sessions: Pick<SessionStore, 'getConnection'>;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  /**
   * The experiments' counters: a rating counts on the arm its answer was routed to, and every rating in its intent's
   * satisfaction bucket (the automatic rollback's window); absent, neither is counted.
   */
  readonly experiments?: Pick<ExperimentStore, 'addFeedback' | 'addIntentRating'>;
  /** Width of the intent's satisfaction buckets (the experiments configuration's rollback.bucketMinutes). */
  readonly satisfactionBucketMinutes?: number;
}

export interface RateAnswerRequest {
  readonly frame: FeedbackFrame;
  readonly connectionId: string;
  readonly principal: Principal;
}

/**
 * Applies a `feedback` frame: finds the answer in the caller's session (the frame's `sessionId`, else the connection's
 * when the connection acts for the same principal), lets the core policy decide (lambdas/core/feedback.ts), stores the
 * rating with a conditional write, and only then publishes its metrics, so a refused or lost write publishes nothing.
 * Throws FeedbackRefusedError (`unknown_request`, `already_rated`) for the handler's `error` frame.
 */
export const rateAnswer = async (deps: RateAnswerDeps, request: RateAnswerRequest): Promise<FeedbackAckReply> => {
  const { frame, connectionId } = request;
  const owner = principalKey(request.principal);
  const sessionId = frame.sessionId ?? (await connectionSession(deps, connectionId, owner));
  const record = sessionId === undefined ? undefined : await deps.answers.findAnswer(sessionId, frame.requestId);
  const input = { rating: frame.rating, ...(frame.csat !== undefined && { csat: frame.csat }) };
  const decision = decideFeedback(record, owner, input);
  if (decision.kind !== 'record' || sessionId === undefined || record === undefined) {
    const code = decision.kind === 'record' ? 'unknown_request' : decision.kind;
    deps.log.info('feedback refused', { connectionId, principal: owner, requestId: frame.requestId, code });
    throw new FeedbackRefusedError(code);
  }
  const applied = await deps.answers.rateAnswer(sessionId, frame.requestId, owner, { ...decision.set, ratedAt: deps.clock.now() }, decision.precondition);
  // Another frame rated it between the read and the write: it won, this one changes nothing.
  if (!applied) throw new FeedbackRefusedError('already_rated');
  for (const metric of decision.metrics) deps.metrics.record(metric.name, metric.value, metric.unit, metric.dimensions);
  await countRating(deps, record, decision.precondition.kind === 'unrated' ? decision.set.rating : undefined, decision.set.csat);
  deps.log.info('feedback recorded', { connectionId, requestId: frame.requestId, intent: record.intent, tier: record.tier, rating: frame.rating, csat: frame.csat });
  const csat = record.csat ?? decision.set.csat;
  return { type: 'feedback_ack', requestId: frame.requestId, rating: decision.set.rating, ...(csat !== undefined && { csat }) };
};

const connectionSession = async (deps: RateAnswerDeps, connectionId: string, owner: string): Promise<string | undefined> => {
  const connection = await deps.sessions.getConnection(connectionId);
  // The connection's session was opened for its principal at $connect; a record of another owner is not used.
  return connection !== undefined && connection.principalKey === owner ? connection.sessionId : undefined;
};

/**
 * The rating's counts for experiments, after the write applied (so never twice): the thumbs only when this frame set
 * them, the score when it added one. Best effort: a failed count is logged and counted, the rating stands.
 */
const countRating = async (deps: RateAnswerDeps, record: AnswerRecord, rating: FeedbackRating | undefined, csat: number | undefined): Promise<void> => {
  if (deps.experiments === undefined) return;
  try {
    if (record.experiment !== undefined) {
      deps.metrics.record('ExperimentFeedback', 1, 'Count', { Experiment: record.experiment.id, Arm: record.experiment.arm, Rating: rating ?? 'csat' });
      await deps.experiments.addFeedback(record.experiment, rating, csat);
    }
    if (rating !== undefined) {
      await deps.experiments.addIntentRating(record.intent, record.answeredAt ?? deps.clock.now(), rating, deps.satisfactionBucketMinutes ?? DEFAULT_EXPERIMENT_CONFIG.rollback.bucketMinutes);
    }
  } catch (error) {
    deps.log.warn('rating not counted for experiments', { requestId: record.requestId, error });
    deps.metrics.record('ExperimentErrors', 1, 'Count', { Operation: 'count_rating' });
  }
};
