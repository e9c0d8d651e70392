import { historyWithinBudget, previousExchange, type ConversationTurn, type HistoryMessage, type PreviousExchange } from '../../core/conversation';
import { estimateTokens } from '../../core/language';
import type { RouteDecision } from '../../core/routing';
import type { Intent, Tier } from '../../core/vocabulary';
import { SessionRefusedError } from '../../core/errors';
import { principalKey, type Principal } from '../../core/principal';
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
 * The session an `invoke` belongs to: the one the frame names, if the principal owns it (a session that does not
 * exist yet becomes theirs), else its connection's (read through the session store; the connection's expiry is the
 * session's TTL). A named session owned by another principal is refused (SessionRefusedError: an `error` frame, never
 * the other conversation). Undefined (no memory) when no session is known or the store cannot be read (logged): the
 * message is then answered without history, and a named session is never used unchecked.
 */
export const resolveSession = async (
  deps: { readonly sessions?: SessionStore; readonly log: Log },
  request: { readonly frameSessionId: string | undefined; readonly connectionId: string; readonly principal: Principal; readonly receivedAt: number },
): Promise<AnswerSession | undefined> => {
  const { frameSessionId, connectionId } = request;
  if (deps.sessions === undefined) return undefined;
  const owner = principalKey(request.principal);
  try {
    if (frameSessionId !== undefined) {
      const expiresAt = Math.floor(request.receivedAt / 1000) + SESSION_TTL_SECONDS;
      const claim = await deps.sessions.claimSession(frameSessionId, owner, expiresAt);
      if (claim === 'owned_by_another') {
        deps.log.warn("invoke named another principal's session; refused", { connectionId, principal: owner });
        throw new SessionRefusedError();
      }
      return { id: frameSessionId, expiresAt };
    }
    const connection = await deps.sessions.getConnection(connectionId);
    // The connection's session was opened for its principal at $connect; a record of another owner is not used.
    return connection && connection.principalKey === owner ? { id: connection.sessionId, expiresAt: connection.expiresAt } : undefined;
  } catch (error) {
    if (error instanceof SessionRefusedError) throw error;
    deps.log.warn("session unavailable; answering without conversation memory", { connectionId, error });
    return undefined;
  }
};
