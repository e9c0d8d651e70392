import type { Intent, Tier } from '../vocabulary';

/** One stored turn of a conversation (the Sessions table's `TURN#` items). */
export interface ConversationTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  /** The routed intent of the exchange. */
  readonly intent: Intent;
  /**
   * User turn: the tier routing decided the message needed. Assistant turn: the tier that answered (after any
   * fallback or budget demotion).
   */
  readonly tier: Tier;
  /** Epoch ms: the user turn when the frame arrived, the assistant turn when the answer was done. */
  readonly at: number;
  readonly requestId: string;
}

export interface HistoryMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/**
 * The previous exchange's routing, for follow-up routing: the most recent complete exchange's user turn (what it
 * needed), undefined when there is none.
 */
export interface PreviousExchange {
  readonly intent: Intent;
  readonly tier: Tier;
}

/**
 * Complete exchanges (a user turn followed by its assistant turn), most recent first. Turns are read most recent
 * first; an orphan (a user turn without an answer, two assistants in a row, a pair cut by the read limit) is skipped.
 */
export const completeExchanges = (turnsRecentFirst: readonly ConversationTurn[]): { user: ConversationTurn; assistant: ConversationTurn }[] => {
  const exchanges: { user: ConversationTurn; assistant: ConversationTurn }[] = [];
  let assistant: ConversationTurn | undefined;
  for (const turn of turnsRecentFirst) {
    if (turn.role === 'assistant') {
      assistant = turn;
    } else if (assistant !== undefined) {
      exchanges.push({ user: turn, assistant });
      assistant = undefined;
    }
  }
  return exchanges;
};

export const previousExchange = (turnsRecentFirst: readonly ConversationTurn[]): PreviousExchange | undefined => {
  const [latest] = completeExchanges(turnsRecentFirst);
  return latest && { intent: latest.user.intent, tier: latest.user.tier };
};

/**
 * The history sent before the new user message: whole exchanges, oldest first, so the messages alternate user /
 * assistant and start with a user turn (as Converse requires) and the new user message follows an assistant turn.
 * Exchanges are taken most recent first while they fit `budgetTokens`; the first one that does not fit ends the
 * history (older ones are dropped too: the model never sees a conversation with a hole in it).
 */
export const historyWithinBudget = (
  turnsRecentFirst: readonly ConversationTurn[],
  budgetTokens: number,
  estimateTokens: (text: string) => number,
): HistoryMessage[] => {
  const kept: HistoryMessage[][] = [];
  let used = 0;
  for (const { user, assistant } of completeExchanges(turnsRecentFirst)) {
    const cost = estimateTokens(user.text) + estimateTokens(assistant.text);
    if (used + cost > budgetTokens) break;
    used += cost;
    kept.push([
      { role: 'user', text: user.text },
      { role: 'assistant', text: assistant.text },
    ]);
  }
  return kept.reverse().flat();
};
