import type { ConversationTurn } from '../core/conversation/history';

export type { ConversationTurn } from '../core/conversation/history';

/** A turn as stored: with its expiry (the session's TTL). */
export interface StoredTurn extends ConversationTurn {
  /** Epoch seconds: DynamoDB TTL removes the turn after it. */
  readonly expiresAt: number;
}

/**
 * A session's conversation turns (the Sessions table, under `SESSION#<id>`). Any client can name any sessionId today:
 * ownership of a session by its connection's principal is the security issue's (issue 9).
 */
export interface ConversationStore {
  /** The last `limit` turns of the session, most recent first; none for an unknown session. */
  recentTurns(sessionId: string, limit: number): Promise<readonly ConversationTurn[]>;
  /** Stores turns of the session (one exchange: its user turn and its assistant turn). */
  appendTurns(sessionId: string, turns: readonly StoredTurn[]): Promise<void>;
}
