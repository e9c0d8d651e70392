import { answerMessage, type AnswerDeps } from '../app/answer-message';
import type { Messenger } from '../ports';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface InvokeHandlerDeps extends FrameHandlerDeps {
  /** Everything the use case needs except the messenger, which depends on the event's connection. */
  readonly answer: Omit<AnswerDeps, 'messenger'>;
}

/** `invoke`: answers a chat message (chunks, then `done`); a model failure ends in an `error` frame. */
export const makeInvokeHandler = (deps: InvokeHandlerDeps) =>
  makeFrameHandler(deps, 'invoke', async (frame, { messenger, connectionId, requestId, receivedAt }) => {
    const outcome = await answerMessage(withMessenger(deps.answer, messenger), { connectionId, requestId, message: frame.message, receivedAt });
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'client_gone') deps.log.info('client left mid-answer; stream aborted', { connectionId, requestId });
  });

const withMessenger = (answer: Omit<AnswerDeps, 'messenger'>, messenger: Messenger): AnswerDeps => ({ ...answer, messenger });
