import { principalKey } from '../../core/principal';
import type { DoneReply } from '../../core/protocol';
import type { AnswerDeps, AnswerRequest } from './types';

/**
 * Records an answered request (just before its `done` frame goes out) so a `feedback` frame can rate it: its intent, the tier that
 * answered and who asked, under its session with the session's TTL. Without a session or a store nothing is recorded
 * (feedback on it is then `unknown_request`). A failed write is logged and counted, never fails the delivered answer.
 */
export const recordAnswered = async (
  deps: Pick<AnswerDeps, 'answerRecords' | 'clock' | 'log' | 'metrics'>,
  request: AnswerRequest,
  done: DoneReply,
  quality?: number,
): Promise<void> => {
  const store = deps.answerRecords;
  const session = request.session;
  if (store === undefined || session === undefined) return;
  const owner = principalKey(request.principal ?? { kind: 'guest', guestId: request.connectionId });
  try {
    await store.recordAnswer(session.id, {
      requestId: request.requestId,
      intent: done.intent,
      tier: done.tier,
      owner,
      answeredAt: deps.clock.now(),
      expiresAt: session.expiresAt,
      // Under an experiment the rating counts on the arm (and stage) the answer was routed to.
      ...(done.experiment && { experiment: done.experiment }),
      ...(quality !== undefined && { quality }),
    });
  } catch (error) {
    deps.log.warn('answer not recorded for feedback', { sessionId: session.id, requestId: request.requestId, error });
    deps.metrics.record('ConversationErrors', 1, 'Count', { Operation: 'record_answer' });
  }
};
