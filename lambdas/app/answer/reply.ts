import { hasScope, OPERATOR_SCOPE } from '../../core/principal';
import type { DoneReply } from '../../core/protocol';
import { publicReasons } from '../../core/route-reasons';
import type { RouteDecision } from '../../core/routing';
import type { MitigationEffects } from './mitigation';
import { countExperimentAnswer } from './experiment';
import { recordAnswered } from './record';
import type { Answer, AnswerDeps, AnswerOutcome, AnswerRequest } from './types';

/**
 * Ends an answer: its text when it was not streamed, the answer's record for feedback (lambdas/app/answer/record.ts),
 * then the one `done` frame, then the request's metrics. The
 * frame's reasons are the decision's, then `added` (what the model step's admission changed), redacted to the steps
 * unless the principal is an operator (lambdas/core/route-reasons.ts).
 */
export const reply = async (
  deps: Pick<AnswerDeps, 'messenger' | 'clock' | 'metrics' | 'log' | 'answerRecords' | 'experiments'>,
  request: AnswerRequest,
  decision: RouteDecision,
  mitigation: MitigationEffects,
  answer: Answer,
  added: readonly string[] = [],
): Promise<AnswerOutcome> => {
  if (answer.chunk !== undefined) {
    await deps.messenger.send(request.connectionId, { type: 'chunk', requestId: request.requestId, text: answer.chunk });
  }
  const done: DoneReply = {
    type: 'done',
    requestId: request.requestId,
    intent: decision.intent,
    tier: answer.tier,
    model: answer.model,
    target: answer.target,
    escalated: answer.escalated ?? false,
    cacheHit: answer.cacheHit,
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    costUsd: answer.costUsd,
    latencyMs: Math.max(0, deps.clock.now() - request.receivedAt),
    // As in the `route` frame: the steps for a customer or a guest, the matched words only for an operator.
    reasons: request.principal && hasScope(request.principal, OPERATOR_SCOPE) ? [...decision.reasons, ...added] : publicReasons([...decision.reasons, ...added]),
    ...(decision.experiment && { experiment: decision.experiment }),
  };
  // Recorded before the `done` frame leaves: a client may rate the answer the moment it sees `done`.
  await recordAnswered(deps, request, done, answer.quality);
  await deps.messenger.send(request.connectionId, done);
  deps.metrics.record('RequestLatency', done.latencyMs, 'Milliseconds', { Tier: done.tier });
  deps.metrics.record('Requests', 1, 'Count', { Intent: done.intent, Tier: done.tier });
  if (mitigation.active) deps.metrics.record('MitigationMode', 1, 'None');
  await countExperimentAnswer(deps, done, answer.quality);
  return { kind: 'answered', done };
};
