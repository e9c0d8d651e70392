import { answerMessage, type AnswerDeps } from '../app/answer-message';
import { resolveSession } from '../app/answer/memory';
import type { Messenger, SessionStore } from '../ports';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface InvokeHandlerDeps extends FrameHandlerDeps {
  /** Everything the use case needs except the messenger, which depends on the event's connection. */
  readonly answer: Omit<AnswerDeps, 'messenger'>;
  /** Connections and their sessions: an `invoke` without a `sessionId` continues its connection's session. */
  readonly sessions?: SessionStore;
}

/**
 * `invoke`: answers a chat message for the connection's principal (chunks, then `done`); a model failure ends in an
 * `error` frame. The message belongs to the frame's `sessionId` if the principal owns it (another principal's is
 * refused with `session_refused`), else to its connection's session.
 */
export const makeInvokeHandler = (deps: InvokeHandlerDeps) =>
  makeFrameHandler(deps, 'invoke', async (frame, { messenger, connectionId, principal, requestId, receivedAt }) => {
    // A session named in the frame is checked even without conversation memory: it is refused if it is not the caller's.
    const needsSession = deps.answer.conversation !== undefined || deps.answer.answerRecords !== undefined || frame.sessionId !== undefined;
    const session = needsSession ? await resolveSession(deps, { frameSessionId: frame.sessionId, connectionId, principal, receivedAt }) : undefined;
    const outcome = await answerMessage(withMessenger(deps.answer, messenger), {
      connectionId,
      requestId,
      principal,
      message: frame.message,
      receivedAt,
      ...(session && { session }),
    });
    // A model failure, a limit's refusal or a busy process becomes the one `error` frame (a refusal's with its retry hint).
    if (outcome.kind === 'failed' || outcome.kind === 'limited' || outcome.kind === 'busy') throw outcome.error;
    if (outcome.kind === 'client_gone') deps.log.info('client left mid-answer; stream aborted', { connectionId, requestId });
  });

const withMessenger = (answer: Omit<AnswerDeps, 'messenger'>, messenger: Messenger): AnswerDeps => ({ ...answer, messenger });
