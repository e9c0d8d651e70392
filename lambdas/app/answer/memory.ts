import { historyWithinBudget, previousExchange, type ConversationTurn, type HistoryMessage, type PreviousExchange } from '../../core/conversation';
import { estimateTokens } from '../../core/language';
import type { RouteDecision } from '../../core/routing';
import type { Intent, Tier } from '../../core/vocabulary';
import type { Log, SessionStore } from '../../ports';
import type { AnswerDeps, AnswerRequest, AnswerSession } from './types';

/** How many turns are read per request (five exchanges). */
export const DEFAULT_MEMORY_TURNS = 10;
/** The history's input budget for intents without a token budget of their own (tokens, the new message included). */
export const DEFAULT_HISTORY_INPUT_TOKENS = 1000;

/** A session's recent turns, read once per request, and the previous exchange's routing (for follow-ups). */
export interface Memory {
  readonly turns: readonly ConversationTurn[];
  readonly previous: PreviousExchange | undefined;
}

export const NO_MEMORY: Memory = { turns: [], previous: undefined };

/**
 * Reads the session's recent turns. Memory is best-effort: without a session or a store, or when the read fails
 * (logged, `ConversationErrors`), the message is answered without history.
 */
export const recallMemory = async (deps: Pick<AnswerDeps, 'conversation' | 'log' | 'metrics'>, request: AnswerRequest): Promise<Memory> => {
  const store = deps.conversation;
  if (store === undefined || request.session === undefined) return NO_MEMORY;
  try {
    const turns = await store.store.recentTurns(request.session.id, store.turns ?? DEFAULT_MEMORY_TURNS);
    return { turns, previous: previousExchange(turns) };
  } catch (error) {
    deps.log.warn('conversation history unavailable; answering without it', { sessionId: request.session.id, error });
    deps.metrics.record('ConversationErrors', 1, 'Count', { Operation: 'read' });
    return NO_MEMORY;
  }
};

/**
 * The history sent before the message: whole exchanges, most recent first, within the intent's input budget less
 * what the message itself takes (lambdas/core/conversation/history.ts).
 */
export const historyFor = (deps: Pick<AnswerDeps, 'budgetConfig'>, memory: Memory, intent: Intent, message: string): HistoryMessage[] => {
  if (memory.turns.length === 0) return [];
  const budget = deps.budgetConfig.tokenBudgets[intent]?.maxInputTokens ?? DEFAULT_HISTORY_INPUT_TOKENS;
  return historyWithinBudget(memory.turns, Math.max(0, budget - estimateTokens(message)), estimateTokens);
};

/**
 * Stores a complete exchange: the user turn (at the frame's arrival, with the tier routing decided it needed) and
 * the assistant turn (now, with the tier that answered). Called only after the `done` frame of a complete answer:
 * an error, an interrupted stream or a client that left stores nothing. A failed write is logged, never fails the
 * answer that was already delivered.
 */
export const rememberExchange = async (
  deps: Pick<AnswerDeps, 'conversation' | 'clock' | 'log' | 'metrics'>,
  request: AnswerRequest,
  decision: RouteDecision,
  answer: { readonly text: string; readonly tier: Tier },
): Promise<void> => {
  const store = deps.conversation;
  const session = request.session;
  if (store === undefined || session === undefined || answer.text.length === 0) return;
  const common = { intent: decision.intent, requestId: request.requestId, expiresAt: session.expiresAt };
  try {
    await store.store.appendTurns(session.id, [
      { ...common, role: 'user', text: request.message, tier: decision.tier, at: request.receivedAt },
      // Strictly after the user turn, so the two never share a sort key.
      { ...common, role: 'assistant', text: answer.text, tier: answer.tier, at: Math.max(deps.clock.now(), request.receivedAt + 1) },
    ]);
  } catch (error) {
    deps.log.warn('conversation turn not stored', { sessionId: session.id, requestId: request.requestId, error });
    deps.metrics.record('ConversationErrors', 1, 'Count', { Operation: 'write' });
  }
};

/**
 * A session's lifetime from its last connection: the `$connect` TTL (API Gateway's 2 h connection limit, plus ten
 * minutes; lambdas/app/sessions.ts). A frame that names its session gets this from the frame's arrival.
 */
export const SESSION_TTL_SECONDS = 2 * 60 * 60 + 10 * 60;

/**
 * The session an `invoke` belongs to: the one the frame names, else its connection's (read through the session
 * store; the connection's expiry is the session's TTL). Undefined (no memory) when neither is known or the read
 * fails (logged).
 *
 * SECURITY (issue 9): any client can name any sessionId and so read another session's history into its answers.
 * Binding a session to its connection's principal (and refusing a frame's sessionId that is not the caller's) is
 * the security issue's; nothing here authenticates.
 */
export const resolveSession = async (
  deps: { readonly sessions?: SessionStore; readonly log: Log },
  frameSessionId: string | undefined,
  connectionId: string,
  receivedAt: number,
): Promise<AnswerSession | undefined> => {
  if (frameSessionId !== undefined) return { id: frameSessionId, expiresAt: Math.floor(receivedAt / 1000) + SESSION_TTL_SECONDS };
  if (deps.sessions === undefined) return undefined;
  try {
    const connection = await deps.sessions.getConnection(connectionId);
    return connection && { id: connection.sessionId, expiresAt: connection.expiresAt };
  } catch (error) {
    deps.log.warn("connection's session unavailable; answering without conversation memory", { connectionId, error });
    return undefined;
  }
};
