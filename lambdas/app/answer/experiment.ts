import { estimateConfidence } from '../../core/cascade';
import { assignmentSubject } from '../../core/experiments/assignment';
import { principalKey } from '../../core/principal';
import type { DoneReply } from '../../core/protocol';
import type { RouteDecision } from '../../core/routing';
import type { StreamResult } from './model-attempt';
import type { AnswerDeps, AnswerRequest } from './types';

/**
 * The answer's part in a routing experiment (issue 12): whom the arm is sticky for, the answer's quality score, and
 * the count of the answer on its arm. Routing applies the experiment (lambdas/app/router.ts); the rating is counted
 * by `feedback` (lambdas/app/rate-answer.ts).
 */

/** A customer by id, a guest by the session (else the connection): the same person keeps the same arm. */
export const experimentSubject = (request: Pick<AnswerRequest, 'principal' | 'connectionId' | 'session'>): string =>
  assignmentSubject(principalKey(request.principal ?? { kind: 'guest', guestId: request.connectionId }), request.session?.id);

/**
 * The quality score of a model answer under an experiment, where ratings are sparse: the cascade's confidence
 * estimate of its text (lambdas/core/cascade/confidence.ts: stop reason, hedging, answer checks), computed for both
 * arms alike. Undefined outside an experiment: nothing else reads it.
 */
export const answerQuality = (decision: RouteDecision, result: Pick<StreamResult, 'text' | 'stopReason'>): number | undefined =>
  decision.experiment === undefined ? undefined : estimateConfidence({ text: result.text, stopReason: result.stopReason, intent: decision.intent }).score;

/**
 * Counts an answered request on its arm and publishes the arm's twin of the request metrics. `Requests` and
 * `RequestLatency` keep their dimensions (the alarms read them exactly); the experiment's series have their own,
 * `Experiment` and `Arm`: at most one running experiment per intent, two arms, so the cardinality stays small. A
 * failed count is logged and counted, never fails the delivered answer.
 */
export const countExperimentAnswer = async (deps: Pick<AnswerDeps, 'experiments' | 'log' | 'metrics'>, done: DoneReply, quality: number | undefined): Promise<void> => {
  const tag = done.experiment;
  if (tag === undefined) return;
  const dimensions = { Experiment: tag.id, Arm: tag.arm };
  deps.metrics.record('ExperimentRequests', 1, 'Count', dimensions);
  deps.metrics.record('ExperimentLatency', done.latencyMs, 'Milliseconds', dimensions);
  deps.metrics.record('ExperimentCostMicroUsd', Math.round(done.costUsd * 1_000_000), 'None', dimensions);
  if (deps.experiments === undefined) return;
  try {
    await deps.experiments.addAnswer({ id: tag.id, stage: tag.stage, arm: tag.arm }, quality);
  } catch (error) {
    deps.log.warn('answer not counted on its experiment arm', { experimentId: tag.id, arm: tag.arm, error });
    deps.metrics.record('ExperimentErrors', 1, 'Count', { Operation: 'count_answer' });
  }
};
