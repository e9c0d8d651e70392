import { BudgetExhaustedError, ConnectionGoneError, FeedbackRefusedError, GatewayBusyError, InvalidFrameError, LimitError, ModelError, SessionRefusedError, type ErrorCode } from '../core/errors';
import type { LimitName } from '../core/limits';
import type { ErrorReply } from '../core/protocol';
import type { Log, Messenger, MetricsSink } from '../ports';

const MODEL_MESSAGES: Readonly<Record<ModelError['code'], string>> = {
  model_throttled: 'The assistant is busy right now; please try again in a moment.',
  model_unavailable: 'The assistant is unavailable right now; please try again shortly.',
  model_timeout: 'The assistant took too long to answer; please try again.',
  model_stream_interrupted: 'The answer was interrupted before it finished; please ask again.',
  // Stable wording: the client may show it in place of the blocked answer. Which policy intervened is not said.
  content_blocked: "Sorry, I can't help with that request. I can answer questions about manga, orders, shipping and our store.",
};

const BUDGET_EXHAUSTED_MESSAGE =
  'The assistant has reached its limit for today and cannot answer this question right now; please try again later or contact our support team.';

const GATEWAY_BUSY_MESSAGE = 'The assistant is answering many questions right now; please send your message again in a moment.';

const LIMIT_MESSAGES: Readonly<Record<LimitName, string>> = {
  message_rate: 'You are sending messages faster than the assistant accepts; please wait a moment and try again.',
  in_flight: 'Please wait for the answer in progress to finish before sending another message.',
  strong_hourly: 'You have reached the hourly limit for detailed answers; please try again later.',
  daily_spend: "You have reached today's limit for the assistant; please try again tomorrow or contact our support team.",
};

/** The one place errors become `error` frames. Unknown errors never leak their message to the client. */
export const errorReply = (error: unknown, requestId: string | null): ErrorReply => {
  let code: ErrorCode = 'internal_error';
  let message = 'Something went wrong on our side; please try again.';
  if (error instanceof InvalidFrameError) {
    code = error.code;
    message = error.message;
  } else if (error instanceof ModelError) {
    code = error.code;
    message = MODEL_MESSAGES[error.code];
  } else if (error instanceof BudgetExhaustedError) {
    code = error.code;
    message = BUDGET_EXHAUSTED_MESSAGE;
  } else if (error instanceof SessionRefusedError || error instanceof FeedbackRefusedError) {
    code = error.code;
    message = error.message;
  } else if (error instanceof GatewayBusyError) {
    return { type: 'error', requestId, code: error.code, message: GATEWAY_BUSY_MESSAGE, retryAfterMs: Math.ceil(error.retryAfterMs) };
  } else if (error instanceof LimitError) {
    return { type: 'error', requestId, code: error.code, message: LIMIT_MESSAGES[error.limit], retryAfterMs: Math.ceil(error.retryAfterMs) };
  }
  return { type: 'error', requestId, code, message };
};

export interface ReplyDeps {
  readonly log: Log;
  readonly metrics: MetricsSink;
}

/** Sends an error frame; a client that already left is not an error of ours. */
export const sendError = async (
  deps: ReplyDeps,
  messenger: Messenger,
  connectionId: string,
  error: unknown,
  requestId: string | null,
): Promise<void> => {
  const reply = errorReply(error, requestId);
  if (reply.code === 'internal_error') deps.log.error('unexpected failure', { error, connectionId, requestId });
  deps.metrics.record('ErrorReplies', 1, 'Count', { Code: reply.code });
  try {
    await messenger.send(connectionId, reply);
  } catch (sendFailure) {
    if (!(sendFailure instanceof ConnectionGoneError)) deps.log.error('error frame not delivered', { sendFailure, connectionId });
  }
};
