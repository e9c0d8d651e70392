import { LIMIT_ERROR_CODES, type LimitName } from './limits';

/**
 * Typed errors of the gateway. Each carries a stable machine-readable `code` that the handlers put in the `error`
 * frame (DESIGN section 3); handlers map errors to replies in one place (lambdas/handlers/reply.ts).
 */

export const ERROR_CODES = [
  'frame_too_large',
  'invalid_json',
  'invalid_frame',
  'unknown_action',
  'missing_message',
  'message_too_long',
  'model_throttled',
  'model_unavailable',
  'model_timeout',
  'model_stream_interrupted',
  'content_blocked',
  'budget_exhausted',
  'gateway_busy',
  'session_refused',
  'unknown_request',
  'already_rated',
  'rate_limited',
  'limit_exceeded',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type FrameErrorCode = Extract<
  ErrorCode,
  'frame_too_large' | 'invalid_json' | 'invalid_frame' | 'unknown_action' | 'missing_message' | 'message_too_long'
>;

/** A client frame the gateway cannot act on. The connection stays open; nothing was charged. */
export class InvalidFrameError extends Error {
  override readonly name = 'InvalidFrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Base of failures talking to a model; `retryable` says whether another tier may still answer. */
export abstract class ModelError extends Error {
  abstract readonly code: Extract<ErrorCode, `model_${string}` | 'content_blocked'>;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ModelThrottledError extends ModelError {
  override readonly name = 'ModelThrottledError';
  readonly code = 'model_throttled' as const;
  readonly retryable = true;
}

export class ModelUnavailableError extends ModelError {
  override readonly name = 'ModelUnavailableError';
  readonly code = 'model_unavailable' as const;
  readonly retryable = true;
}

export class ModelTimeoutError extends ModelError {
  override readonly name = 'ModelTimeoutError';
  readonly code = 'model_timeout' as const;
  readonly retryable = true;
}

/** The stream broke after it started (errors inside an HTTP 200 stream, which SDK retries do not cover). */
export class ModelStreamInterruptedError extends ModelError {
  override readonly name = 'ModelStreamInterruptedError';
  readonly code = 'model_stream_interrupted' as const;
  readonly retryable = true;
}

/**
 * The Bedrock guardrail intervened (stop reason `guardrail_intervened`): a denied topic, a content filter or a PII
 * block, on the customer's message or on the answer. Not retryable: another tier or target behind the same guardrail
 * would be stopped again, and trying would only multiply the spend. Any text the client already received is not an
 * answer (like `model_stream_interrupted`). The call is still charged for the tokens Bedrock reports.
 */
export class ContentBlockedError extends ModelError {
  /** The model stream's stop reason for it (Bedrock's `StopReason`). */
  static readonly STOP_REASON = 'guardrail_intervened';
  override readonly name = 'ContentBlockedError';
  readonly code = 'content_blocked' as const;
  readonly retryable = false;
}

/** The client left (API Gateway answered 410 Gone): stop posting and stop spending. */
export class ConnectionGoneError extends Error {
  override readonly name = 'ConnectionGoneError';
  constructor(
    readonly connectionId: string,
    options?: { cause?: unknown },
  ) {
    super(`connection ${connectionId} is gone`, options);
  }
}

/**
 * The day's model budget cannot admit even a call to the cheapest tier (every worst case would overspend it). Stable
 * code `budget_exhausted`; nothing was sent to a model and nothing was charged for this request.
 */
export class BudgetExhaustedError extends Error {
  override readonly name = 'BudgetExhaustedError';
  readonly code = 'budget_exhausted' as const;
  constructor(
    readonly day: string,
    message = `the model budget of ${day} (JST) is exhausted`,
  ) {
    super(message);
  }
}

/**
 * A limit per principal or connection refused the message before anything was routed or called (lambdas/core/limits):
 * `rate_limited` (messages per minute, answers in flight) or `limit_exceeded` (the daily spend cap). Nothing was
 * charged; `retryAfterMs` says when the same message would be admitted.
 */
export class LimitError extends Error {
  override readonly name = 'LimitError';
  readonly code: (typeof LIMIT_ERROR_CODES)[LimitName];
  constructor(
    readonly limit: LimitName,
    readonly retryAfterMs: number,
  ) {
    super(`limit ${limit} reached; retry after ${retryAfterMs} ms`);
    this.code = LIMIT_ERROR_CODES[limit];
  }
}

/** Why the gateway was too busy: its own cap of answers in flight, or a model call that waited too long for a connection. */
export type GatewayBusyReason = 'answers_in_flight' | 'connection_wait';

/**
 * The gateway itself is saturated: not a fault of the model, so never a reason to fall back to the cheaper tier (the
 * fallback goes through the same process and connection pool, and would only double the load). Stable code
 * `gateway_busy`; `retryAfterMs` says when to try again. Refused at admission nothing was routed or charged; a call
 * that never got a connection was never accepted by the model, so it costs nothing either.
 */
export class GatewayBusyError extends Error {
  override readonly name = 'GatewayBusyError';
  readonly code = 'gateway_busy' as const;
  constructor(
    readonly reason: GatewayBusyReason,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'answers_in_flight'
        ? `the gateway is answering as many messages as it takes at once; retry after ${retryAfterMs} ms`
        : `no connection to the model could be acquired in time; retry after ${retryAfterMs} ms`,
      options,
    );
  }
}

/**
 * An `invoke` named a session the caller does not own (another principal's). Stable code `session_refused`; nothing
 * was answered or charged, and the other conversation was neither read nor written.
 */
export class SessionRefusedError extends Error {
  override readonly name = 'SessionRefusedError';
  readonly code = 'session_refused' as const;
  constructor(message = 'This session belongs to someone else. Send the message without sessionId to continue your own conversation, or reconnect to start a new one.') {
    super(message);
  }
}

/**
 * A `feedback` frame the gateway did not apply: `unknown_request` (no answer of that requestId in the caller's
 * session, or one another principal asked) or `already_rated` (the answer's rating is final). Nothing changed and
 * nothing was published.
 */
export class FeedbackRefusedError extends Error {
  override readonly name = 'FeedbackRefusedError';
  constructor(
    readonly code: Extract<ErrorCode, 'unknown_request' | 'already_rated'>,
    message = code === 'unknown_request'
      ? 'There is no answer with this requestId in your conversation to rate.'
      : 'This answer is already rated; a rating is final (a CSAT score may be added once to a rating without one).',
  ) {
    super(message);
  }
}
