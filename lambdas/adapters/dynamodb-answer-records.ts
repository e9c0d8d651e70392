import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isArm } from '../core/experiments/assignment';
import type { ExperimentTag } from '../core/experiments/route';
import { CSAT_MAX, CSAT_MIN } from '../core/feedback';
import { FEEDBACK_RATINGS, type FeedbackRating } from '../core/metric-contract';
import { isIntent, isTier } from '../core/vocabulary';
import type { AnswerRecord, AnswerRecordStore, FeedbackInput, RatingPrecondition, StoredAnswer } from '../ports';

export const answerSortKey = (requestId: string): string => `ANSWER#${requestId}`;

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';
const isExperimentTag = (value: unknown): value is ExperimentTag => {
  const tag = value as Partial<ExperimentTag> | null | undefined;
  return typeof tag?.id === 'string' && isArm(tag.arm) && typeof tag.stage === 'number';
};
const isRating = (value: unknown): value is FeedbackRating => typeof value === 'string' && (FEEDBACK_RATINGS as readonly string[]).includes(value);

/**
 * Answered requests in the Sessions table (lambdas/schema/tables.ts), next to the session's `META` and `TURN#` items:
 * `pk` = `SESSION#<id>`, `sk` = `ANSWER#<requestId>`, `requestId`, `intent`, `tier`, `owner` (principal key),
 * `answeredAt` (epoch ms), `expiresAt` (epoch seconds, the session's TTL), `experiment` (`{id, arm, stage}`) and `quality`
 * when routed under an experiment; after feedback `rating`, `csat`, `ratedAt`.
 * One GetItem finds an answer by requestId; the rating is one conditional UpdateItem.
 */
export class DynamoAnswerRecordStore implements AnswerRecordStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordAnswer(sessionId: string, answer: StoredAnswer): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: `SESSION#${sessionId}`, sk: answerSortKey(answer.requestId), ...answer } }));
  }

  async findAnswer(sessionId: string, requestId: string): Promise<AnswerRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `SESSION#${sessionId}`, sk: answerSortKey(requestId) }, ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const { intent, tier, owner, rating, csat, answeredAt, experiment } = Item;
    // A record this reader cannot use cannot be rated: it reads as unknown.
    if (!isIntent(intent) || !isTier(tier) || typeof owner !== 'string') return undefined;
    const score = typeof csat === 'number' && Number.isInteger(csat) && csat >= CSAT_MIN && csat <= CSAT_MAX ? csat : undefined;
    return {
      requestId,
      intent,
      tier,
      owner,
      ...(isRating(rating) && { rating }),
      ...(score !== undefined && { csat: score }),
      ...(typeof answeredAt === 'number' && { answeredAt }),
      ...(isExperimentTag(experiment) && { experiment: { id: experiment.id, arm: experiment.arm, stage: experiment.stage } }),
    };
  }

  async rateAnswer(sessionId: string, requestId: string, owner: string, rating: FeedbackInput & { readonly ratedAt: number }, precondition: RatingPrecondition): Promise<boolean> {
    const condition =
      precondition.kind === 'unrated' ? 'attribute_not_exists(#rating)' : '#rating = :expected AND attribute_not_exists(#csat)';
    // DynamoDB refuses an expression attribute name the expressions do not use.
    const needsCsatName = rating.csat !== undefined || precondition.kind === 'rated_without_csat';
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SESSION#${sessionId}`, sk: answerSortKey(requestId) },
          UpdateExpression: rating.csat === undefined ? 'SET #rating = :rating, ratedAt = :at' : 'SET #rating = :rating, #csat = :csat, ratedAt = :at',
          // attribute_exists(pk): an update must never create a record the answer step did not write.
          ConditionExpression: `attribute_exists(pk) AND #owner = :owner AND ${condition}`,
          // Names aliased: `owner` is a DynamoDB reserved word, and so may any future one be.
          ExpressionAttributeNames: { '#owner': 'owner', '#rating': 'rating', ...(needsCsatName && { '#csat': 'csat' }) },
          ExpressionAttributeValues: {
            ':rating': rating.rating,
            ':at': rating.ratedAt,
            ':owner': owner,
            ...(rating.csat !== undefined && { ':csat': rating.csat }),
            ...(precondition.kind === 'rated_without_csat' && { ':expected': precondition.rating }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
