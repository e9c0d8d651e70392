import { rateAnswer, type RateAnswerDeps } from '../app/rate-answer';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface FeedbackHandlerDeps extends FrameHandlerDeps {
  readonly feedback: Omit<RateAnswerDeps, 'clock' | 'log' | 'metrics'>;
}

/**
 * `feedback`: the caller's rating of one of its answers, acknowledged with `feedback_ack`; an unknown or foreign
 * requestId (`unknown_request`) or a rating already given (`already_rated`) is an `error` frame and changes nothing.
 */
export const makeFeedbackHandler = (deps: FeedbackHandlerDeps) =>
  makeFrameHandler(deps, 'feedback', async (frame, { messenger, connectionId, principal }) => {
    const ack = await rateAnswer({ ...deps.feedback, clock: deps.clock, log: deps.log, metrics: deps.metrics }, { frame, connectionId, principal });
    await messenger.send(connectionId, ack);
  });
