/**
 * The widget's conversation as a pure state machine: events in (a message sent, a server frame, the connection's
 * changes, a rating), the next state out. The DOM layer only draws it, so every edge case of the protocol (chunks
 * after an error, an unknown frame, a connection lost mid-answer) is decided here and unit-tested without a browser.
 */
import type { FeedbackRating } from '../../lambdas/core/metric-contract';

/** What a `done` frame says about how an answer was produced (the developer view). */
export interface AnswerFacts {
  readonly intent: string;
  readonly tier: string;
  readonly model: string | null;
  readonly costUsd: number;
  readonly cacheHit: boolean;
  readonly latencyMs: number;
  readonly escalated: boolean;
}

export type TurnStatus = 'waiting' | 'streaming' | 'done' | 'interrupted' | 'failed';

export interface FeedbackState {
  readonly rating?: FeedbackRating;
  readonly csat?: number;
  /** A `feedback` frame is out and not answered yet. */
  readonly pending: boolean;
  /** The gateway acknowledged what is stored. */
  readonly acknowledged: boolean;
  readonly errorCode?: string;
}

export interface Turn {
  /** The request id of the latest attempt (a retry sends the question again under a new one). */
  readonly requestId: string;
  readonly question: string;
  readonly answer: string;
  readonly status: TurnStatus;
  /** The `error` frame's code, or `connection_lost` when the socket closed before the answer ended. */
  readonly errorCode?: string;
  /** Epoch ms after which the same message would be admitted (`rate_limited`, `limit_exceeded`). */
  readonly retryAt?: number;
  readonly facts?: AnswerFacts;
  readonly feedback: FeedbackState;
}

/** `signInRequired`: connections kept failing with fresh tokens; no retry until the customer signs in again. */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'signInRequired' | 'closed';

export interface ChatState {
  readonly connection: ConnectionStatus;
  /** When the next reconnect attempt starts (epoch ms), while `reconnecting`. */
  readonly reconnectAt?: number;
  readonly turns: readonly Turn[];
}

export const INITIAL_CHAT_STATE: ChatState = { connection: 'idle', turns: [] };

export type ChatEvent =
  | { readonly type: 'sent'; readonly requestId: string; readonly message: string }
  /** A turn that failed is asked again under a new request id. */
  | { readonly type: 'retried'; readonly previousRequestId: string; readonly requestId: string }
  | { readonly type: 'frame'; readonly data: string; readonly now: number }
  | { readonly type: 'connecting' }
  | { readonly type: 'opened' }
  | { readonly type: 'lost'; readonly reconnectAt: number }
  | { readonly type: 'signInRequired' }
  | { readonly type: 'closed' }
  | { readonly type: 'rated'; readonly requestId: string; readonly rating: FeedbackRating; readonly csat?: number };

/** Errors whose retry hint makes a Retry button useful once it has passed. */
const RETRYABLE = new Set(['session_refused', 'rate_limited', 'gateway_busy', 'model_throttled', 'model_unavailable', 'model_timeout', 'model_stream_interrupted', 'connection_lost', 'internal_error']);

export const canRetry = (turn: Turn, now: number): boolean =>
  (turn.status === 'failed' || turn.status === 'interrupted') && turn.errorCode !== undefined && RETRYABLE.has(turn.errorCode) && (turn.retryAt === undefined || now >= turn.retryAt);

/** A rating can be given once an answer is done; the thumb first, then a score may join it (the gateway's rule). */
export const canRate = (turn: Turn): boolean => turn.status === 'done' && !turn.feedback.pending && (turn.feedback.rating === undefined || (turn.feedback.acknowledged && turn.feedback.csat === undefined));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

const factsOf = (frame: Record<string, unknown>): AnswerFacts => ({
  intent: text(frame['intent'], '-'),
  tier: text(frame['tier'], '-'),
  model: typeof frame['model'] === 'string' ? frame['model'] : null,
  costUsd: num(frame['costUsd']),
  cacheHit: frame['cacheHit'] === true,
  latencyMs: num(frame['latencyMs']),
  escalated: frame['escalated'] === true,
});

const updateTurn = (state: ChatState, requestId: string, update: (turn: Turn) => Turn): ChatState => {
  const index = state.turns.findIndex((turn) => turn.requestId === requestId);
  if (index < 0) return state;
  const current = state.turns[index] as Turn;
  const next = update(current);
  if (next === current) return state;
  const turns = state.turns.slice();
  turns[index] = next;
  return { ...state, turns };
};

const inProgress = (turn: Turn): boolean => turn.status === 'waiting' || turn.status === 'streaming';

const applyFrame = (state: ChatState, data: string, now: number): ChatState => {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return state;
  }
  if (!isRecord(frame) || typeof frame['requestId'] !== 'string') return state;
  const requestId = frame['requestId'];
  switch (frame['type']) {
    case 'chunk': {
      const piece = text(frame['text'], '');
      return updateTurn(state, requestId, (turn) => (inProgress(turn) && piece !== '' ? { ...turn, answer: turn.answer + piece, status: 'streaming' } : turn));
    }
    case 'done':
      return updateTurn(state, requestId, (turn) => (inProgress(turn) ? { ...turn, status: 'done', facts: factsOf(frame) } : turn));
    case 'error': {
      const code = text(frame['code'], 'internal_error');
      const retryAfterMs = num(frame['retryAfterMs']);
      return updateTurn(state, requestId, (turn) => {
        // A rating's refusal belongs to the feedback, not to the answer it rates.
        if (turn.feedback.pending) return { ...turn, feedback: { ...turn.feedback, pending: false, errorCode: code } };
        if (!inProgress(turn)) return turn;
        // Text already shown is kept, and marked as not an answer one can rely on; text the guardrail then blocked
        // is no answer at all and goes.
        const blocked = code === 'content_blocked';
        const status: TurnStatus = turn.answer !== '' && !blocked ? 'interrupted' : 'failed';
        return { ...turn, status, errorCode: code, ...(blocked && { answer: '' }), ...(frame['retryAfterMs'] !== undefined && { retryAt: now + retryAfterMs }) };
      });
    }
    case 'feedback_ack': {
      const rating = frame['rating'] === 'up' || frame['rating'] === 'down' ? frame['rating'] : undefined;
      const csat = typeof frame['csat'] === 'number' ? frame['csat'] : undefined;
      return updateTurn(state, requestId, (turn) =>
        rating === undefined ? turn : { ...turn, feedback: { rating, ...(csat !== undefined && { csat }), pending: false, acknowledged: true } },
      );
    }
    default:
      return state;
  }
};

/** API Gateway posts an answer to the connection that asked; on a new connection it never arrives. */
const abandonInFlight = (turns: readonly Turn[]): readonly Turn[] =>
  turns.map((turn) =>
    inProgress(turn) ? { ...turn, status: turn.answer === '' ? 'failed' : 'interrupted', errorCode: 'connection_lost' } : turn.feedback.pending ? { ...turn, feedback: { ...turn.feedback, pending: false, errorCode: 'connection_lost' } } : turn,
  );

export const chatReducer = (state: ChatState, event: ChatEvent): ChatState => {
  switch (event.type) {
    case 'sent':
      return { ...state, turns: [...state.turns, { requestId: event.requestId, question: event.message, answer: '', status: 'waiting', feedback: { pending: false, acknowledged: false } }] };
    case 'retried':
      return updateTurn(state, event.previousRequestId, (turn) => ({ requestId: event.requestId, question: turn.question, answer: '', status: 'waiting', feedback: { pending: false, acknowledged: false } }));
    case 'frame':
      return applyFrame(state, event.data, event.now);
    case 'connecting':
      return { connection: 'connecting', turns: state.turns };
    case 'opened':
      return { connection: 'open', turns: state.turns };
    case 'lost':
      return { connection: 'reconnecting', reconnectAt: event.reconnectAt, turns: abandonInFlight(state.turns) };
    case 'signInRequired':
      return { connection: 'signInRequired', turns: abandonInFlight(state.turns) };
    case 'closed':
      return { connection: 'closed', turns: state.turns };
    case 'rated':
      return updateTurn(state, event.requestId, (turn) =>
        canRate(turn) ? { ...turn, feedback: { ...turn.feedback, rating: event.rating, ...(event.csat !== undefined && { csat: event.csat }), pending: true } } : turn,
      );
  }
};

/** `intent order_status · tier template · model - · $0.000000 · cache miss · 412 ms` for the developer view. */
export const formatFacts = (facts: AnswerFacts): string =>
  [
    `intent ${facts.intent}`,
    `tier ${facts.tier}`,
    `model ${facts.model ?? '-'}`,
    `$${facts.costUsd.toFixed(6)}`,
    `cache ${facts.cacheHit ? 'hit' : 'miss'}`,
    `${Math.round(facts.latencyMs)} ms`,
    ...(facts.escalated ? ['escalated'] : []),
  ].join(' · ');

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
/** Characters as the gateway counts them (code points), so the counter and the gateway's limit agree. */
export const characterCount = (value: string): number => value.length - (value.match(SURROGATE_PAIR)?.length ?? 0);
/** The gateway's message limit (lambdas/core/protocol.ts DEFAULT_FRAME_LIMITS.maxMessageChars). */
export const MAX_MESSAGE_CHARS = 4000;
