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
 * `invoke`: answers a chat message (chunks, then `done`); a model failure ends in an `error` frame. With conversation
 * memory wired, the message belongs to the frame's `sessionId`, else to its connection's session. Any client can
 * name any sessionId today: session ownership is the security issue's (issue 9).
 */
export const makeInvokeHandler = (deps: InvokeHandlerDeps) =>
  makeFrameHandler(deps, 'invoke', async (frame, { messenger, connectionId, requestId, receivedAt }) => {
    const session = deps.answer.conversation ? await resolveSession(deps, frame.sessionId, connectionId, receivedAt) : undefined;
    const outcome = await answerMessage(withMessenger(deps.answer, messenger), {
      connectionId,
      requestId,
      message: frame.message,
      receivedAt,
      ...(session && { session }),
    });
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'client_gone') deps.log.info('client left mid-answer; stream aborted', { connectionId, requestId });
  });

const withMessenger = (answer: Omit<AnswerDeps, 'messenger'>, messenger: Messenger): AnswerDeps => ({ ...answer, messenger });
