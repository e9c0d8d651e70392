import { BatchWriteCommand, QueryCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isIntent, isTier } from '../core/vocabulary';
import type { ConversationStore, ConversationTurn, StoredTurn } from '../ports';

/** 15 digits: epoch ms sort as strings until the year 33658. */
const TIME_DIGITS = 15;

export const turnSortKey = (at: number, requestId: string): string => `TURN#${String(Math.max(0, Math.floor(at))).padStart(TIME_DIGITS, '0')}#${requestId}`;

/**
 * Conversation turns in the Sessions table (lambdas/schema/tables.ts) next to the session's `META` item:
 * `pk` = `SESSION#<id>`, `sk` = `TURN#<zero-padded epoch ms>#<requestId>`, `role`, `text`, `intent`, `tier`, `at`,
 * `requestId`, `expiresAt` (epoch seconds, the session's TTL). Read newest first with one Query.
 */
export class DynamoConversationStore implements ConversationStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recentTurns(sessionId: string, limit: number): Promise<readonly ConversationTurn[]> {
    if (limit <= 0) return [];
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :turn)',
        ExpressionAttributeValues: { ':pk': `SESSION#${sessionId}`, ':turn': 'TURN#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const turns: ConversationTurn[] = [];
    for (const item of Items ?? []) {
      const role = item['role'];
      const intent = item['intent'];
      const tier = item['tier'];
      // A row this reader cannot use is skipped: the history simply has a hole the pairing step closes.
      if ((role !== 'user' && role !== 'assistant') || typeof item['text'] !== 'string' || !isIntent(intent) || !isTier(tier)) continue;
      turns.push({ role, text: item['text'], intent, tier, at: Number(item['at']), requestId: String(item['requestId']) });
    }
    return turns;
  }

  async appendTurns(sessionId: string, turns: readonly StoredTurn[]): Promise<void> {
    if (turns.length === 0) return;
    const request = {
      [this.tableName]: turns.map((turn) => ({
        PutRequest: { Item: { pk: `SESSION#${sessionId}`, sk: turnSortKey(turn.at, turn.requestId), ...turn } },
      })),
    };
    // At most a handful of items: one batch, retrying what DynamoDB left unprocessed a few times.
    let pending: typeof request | undefined = request;
    for (let attempt = 0; pending && attempt < 3; attempt += 1) {
      const written: BatchWriteCommandOutput = await this.documents.send(new BatchWriteCommand({ RequestItems: pending }));
      const unprocessed = written.UnprocessedItems;
      pending = unprocessed && Object.keys(unprocessed).length > 0 ? (unprocessed as typeof request) : undefined;
    }
    if (pending) throw new Error(`conversation turns of session ${sessionId} not written: DynamoDB left them unprocessed`);
  }
}
