import type { AnswerRecord, FeedbackInput, RatingPrecondition } from '../core/feedback';

export type { AnswerRecord, FeedbackInput, RatingPrecondition } from '../core/feedback';

/** An answer as recorded after its `done` frame: with the session's expiry. */
export interface StoredAnswer extends Omit<AnswerRecord, 'rating' | 'csat' | 'answeredAt'> {
  /** When the `done` frame went out (epoch ms). */
  readonly answeredAt: number;
  /** Epoch seconds: the session's TTL; the record (and its rating) goes with the conversation. */
  readonly expiresAt: number;
  /** The answer's quality score (0-1, the cascade's confidence estimate) when routed under an experiment. */
  readonly quality?: number;
}

/**
 * The answered requests of a session, by requestId (the Sessions table, `SESSION#<id>` / `ANSWER#<requestId>`): what
 * a `feedback` frame rates.
 */
export interface AnswerRecordStore {
  /** Records an answered request (a later answer with the same requestId in the session replaces it). */
  recordAnswer(sessionId: string, answer: StoredAnswer): Promise<void>;
  /** The answer of that requestId in the session, with its rating if any; undefined when there is none. */
  findAnswer(sessionId: string, requestId: string): Promise<AnswerRecord | undefined>;
  /**
   * Stores the rating if the record still matches `precondition` and still belongs to `owner` (atomically: two
   * ratings racing, one wins). False when it did not apply.
   */
  rateAnswer(sessionId: string, requestId: string, owner: string, rating: FeedbackInput & { readonly ratedAt: number }, precondition: RatingPrecondition): Promise<boolean>;
}
