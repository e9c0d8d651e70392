import { InvalidFrameError, type ErrorCode } from './errors';
import { CSAT_MAX, CSAT_MIN } from './feedback';
import { FEEDBACK_RATINGS, type FeedbackRating } from './metric-contract';
import type { ExperimentTag } from './experiments/route';
import type { RouteDecision } from './routing';
import type { Intent, Tier } from './vocabulary';

/** API Gateway's WebSocket message limit; frames above it never reach a handler in AWS. */
export const MAX_FRAME_BYTES = 128 * 1024;

export interface FrameLimits {
  readonly maxFrameBytes: number;
  /** A chat message longer than this is refused before any model is called. */
  readonly maxMessageChars: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxFrameBytes: MAX_FRAME_BYTES, maxMessageChars: 4000 };

/**
 * The answer to a binary frame. API Gateway itself disconnects a client that sends one (close code 1003) before any
 * route runs; a handler that still receives one base64-encoded refuses it with `invalid_frame` and this text.
 */
export const BINARY_FRAME_REFUSED = 'binary frames are not accepted; send each frame as JSON text';

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
/** In a `u` regular expression a paired surrogate is one astral code point, so only lone surrogates are `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Characters as a reader counts them: Unicode code points, so an emoji or a kanji outside the BMP counts once, not
 * as its two UTF-16 code units.
 */
export const characterCount = (text: string): number => text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);

export const CLIENT_ACTIONS = ['invoke', 'route', 'feedback'] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

export interface InvokeFrame {
  readonly action: 'invoke';
  readonly message: string;
  readonly sessionId?: string;
  readonly requestId?: string;
}

export interface RouteFrame {
  readonly action: 'route';
  readonly message: string;
  readonly requestId?: string;
}

/**
 * `feedback`: the customer's rating of one answer, named by the `requestId` of its `done` frame, in the session it was
 * asked in (the frame's `sessionId` if the `invoke` named one, else the connection's). Answered by `feedback_ack`.
 */
export interface FeedbackFrame {
  readonly action: 'feedback';
  /** The rated answer's request id (required: it is what is rated). */
  readonly requestId: string;
  readonly rating: FeedbackRating;
  /** Integer 1-5. */
  readonly csat?: number;
  readonly sessionId?: string;
}

export type ClientFrame = InvokeFrame | RouteFrame | FeedbackFrame;

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalId = (frame: Record<string, unknown>, field: string): string | undefined => {
  const value = frame[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !REQUEST_ID_PATTERN.test(value)) {
    throw new InvalidFrameError('invalid_frame', `${field} must be 1-128 characters of letters, digits, '.', ':', '_' or '-'`);
  }
  return value;
};

/**
 * Best-effort request id of a frame that may be invalid, so an `error` reply can still be correlated by the client.
 */
export const peekRequestId = (body: string | undefined): string | undefined => {
  if (body === undefined || body.length > MAX_FRAME_BYTES) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isRecord(parsed)) return undefined;
    const value = parsed['requestId'];
    return typeof value === 'string' && REQUEST_ID_PATTERN.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Parses and validates one client text frame. Throws InvalidFrameError with the most specific code:
 * size first (cheap), then JSON, then shape, then action, then the message.
 */
export const parseClientFrame = (body: string | undefined, limits: FrameLimits = DEFAULT_FRAME_LIMITS): ClientFrame => {
  if (body === undefined || body.length === 0) throw new InvalidFrameError('invalid_frame', 'empty frame');
  if (Buffer.byteLength(body, 'utf8') > limits.maxFrameBytes) {
    throw new InvalidFrameError('frame_too_large', `frame exceeds ${limits.maxFrameBytes} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidFrameError('invalid_json', 'frame is not valid JSON');
  }
  if (!isRecord(parsed)) throw new InvalidFrameError('invalid_frame', 'frame must be a JSON object');
  const action = parsed['action'];
  if (typeof action !== 'string') throw new InvalidFrameError('invalid_frame', 'frame needs a string "action"');
  if (!(CLIENT_ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidFrameError('unknown_action', `unknown action "${action.slice(0, 64)}"; use one of: ${CLIENT_ACTIONS.join(', ')}`);
  }
  const requestId = optionalId(parsed, 'requestId');
  if (action === 'feedback') return parseFeedbackFields(parsed, requestId);
  const message = parsed['message'];
  if (typeof message !== 'string' || message.trim().length === 0) {
    throw new InvalidFrameError('missing_message', 'frame needs a non-empty string "message"');
  }
  // UTF-16 length is an upper bound of the character count: only a long message needs counting.
  if (message.length > limits.maxMessageChars && characterCount(message) > limits.maxMessageChars) {
    throw new InvalidFrameError('message_too_long', `message exceeds ${limits.maxMessageChars} characters`);
  }
  if (LONE_SURROGATE.test(message)) {
    // Only a JSON escape can carry one (raw UTF-8 cannot encode it); no model, store or log should see broken text.
    throw new InvalidFrameError('invalid_frame', 'message must be well-formed Unicode text (it contains a lone surrogate escape)');
  }
  if (action === 'route') return { action, message, ...(requestId && { requestId }) };
  const sessionId = optionalId(parsed, 'sessionId');
  return { action: 'invoke', message, ...(requestId && { requestId }), ...(sessionId && { sessionId }) };
};

const parseFeedbackFields = (frame: Record<string, unknown>, requestId: string | undefined): FeedbackFrame => {
  if (requestId === undefined) throw new InvalidFrameError('invalid_frame', 'feedback needs the "requestId" of the answer it rates');
  const rating = frame['rating'];
  if (typeof rating !== 'string' || !(FEEDBACK_RATINGS as readonly string[]).includes(rating)) {
    throw new InvalidFrameError('invalid_frame', `feedback needs "rating": one of ${FEEDBACK_RATINGS.map((r) => `"${r}"`).join(', ')}`);
  }
  const csat = frame['csat'];
  if (csat !== undefined && csat !== null && !(typeof csat === 'number' && Number.isInteger(csat) && csat >= CSAT_MIN && csat <= CSAT_MAX)) {
    throw new InvalidFrameError('invalid_frame', `"csat" must be an integer from ${CSAT_MIN} to ${CSAT_MAX}`);
  }
  const sessionId = optionalId(frame, 'sessionId');
  return {
    action: 'feedback',
    requestId,
    rating: rating as FeedbackRating,
    ...(typeof csat === 'number' && { csat }),
    ...(sessionId && { sessionId }),
  };
};

/** The routing decision as the `route` frame carries it. */
export interface RouteReply extends RouteDecision {
  readonly type: 'route';
  readonly requestId: string;
}

export interface ChunkReply {
  readonly type: 'chunk';
  readonly requestId: string;
  readonly text: string;
}

export const SERVING_TARGET_KINDS = ['provisioned', 'on_demand'] as const;
export type ServingTargetKind = (typeof SERVING_TARGET_KINDS)[number];

export interface DoneReply {
  readonly type: 'done';
  readonly requestId: string;
  readonly intent: Intent;
  readonly tier: Tier;
  readonly model: string | null;
  /**
   * Where the model call that answered went: provisioned throughput or on-demand (the catalog's profile); null when
   * no model was called for this answer (template tier, cache hit).
   */
  readonly target: ServingTargetKind | null;
  readonly escalated: boolean;
  readonly cacheHit: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  /**
   * Why this answer came from this tier: the routing decision's reasons (as in the `route` frame, budget demotion
   * included), then any the model step added (`budget:refused:<tier>`, `budget:unavailable:cheap_tier`).
   */
  readonly reasons: readonly string[];
  /**
   * The routing experiment this answer was routed under and the principal's arm (`{id, arm, stage}`), as in the
   * `route` frame; absent outside one (lambdas/core/experiments/route.ts).
   */
  readonly experiment?: ExperimentTag;
}

export interface ErrorReply {
  readonly type: 'error';
  readonly requestId: string | null;
  readonly code: ErrorCode;
  readonly message: string;
  /** With `rate_limited`, `limit_exceeded` and `gateway_busy`: when the same message would be admitted (ms from now). */
  readonly retryAfterMs?: number;
}

/** The reply to a `feedback` frame that was recorded: what is now stored for the answer. */
export interface FeedbackAckReply {
  readonly type: 'feedback_ack';
  readonly requestId: string;
  readonly rating: FeedbackRating;
  /** The answer's CSAT score, when one was given (in this frame or an earlier one). */
  readonly csat?: number;
}

export type ServerFrame = RouteReply | ChunkReply | DoneReply | ErrorReply | FeedbackAckReply;
