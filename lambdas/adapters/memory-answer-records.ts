import type { AnswerRecord, AnswerRecordStore, FeedbackInput, RatingPrecondition, StoredAnswer } from '../ports';

const keyOf = (sessionId: string, requestId: string): string => `${sessionId}\u0000${requestId}`;

/**
 * Answered requests in one process: unit tests and fakes only (no TTL; one container's memory is not shared). Each
 * method is synchronous between awaits, so the precondition check and the write are as atomic as DynamoDB's.
 */
export class MemoryAnswerRecordStore implements AnswerRecordStore {
  private readonly answers = new Map<string, AnswerRecord>();

  async recordAnswer(sessionId: string, answer: StoredAnswer): Promise<void> {
    const { requestId, intent, tier, owner, answeredAt, experiment } = answer;
    this.answers.set(keyOf(sessionId, requestId), { requestId, intent, tier, owner, answeredAt, ...(experiment && { experiment }) });
  }

  async findAnswer(sessionId: string, requestId: string): Promise<AnswerRecord | undefined> {
    return this.answers.get(keyOf(sessionId, requestId));
  }

  async rateAnswer(sessionId: string, requestId: string, owner: string, rating: FeedbackInput & { readonly ratedAt: number }, precondition: RatingPrecondition): Promise<boolean> {
    const key = keyOf(sessionId, requestId);
    const current = this.answers.get(key);
    if (current === undefined || current.owner !== owner || !matches(current, precondition)) return false;
    this.answers.set(key, { ...current, rating: rating.rating, ...(rating.csat !== undefined && { csat: rating.csat }) });
    return true;
  }
}

const matches = (record: AnswerRecord, precondition: RatingPrecondition): boolean =>
  precondition.kind === 'unrated' ? record.rating === undefined : record.rating === precondition.rating && record.csat === undefined;
