import { BatchWriteCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, Log } from '../lambdas/ports';
import type { TableDefinition } from '../lambdas/schema/tables';

/** Once every 5 minutes: DynamoDB's own TTL deletes within hours of expiry, so this is sooner than AWS, not later. */
export const DEFAULT_TTL_SWEEP_MS = 5 * 60_000;

export interface TtlSweeper {
  /** Deletes every item whose TTL attribute has passed; resolves to how many were deleted. */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * DynamoDB TTL for dynalite, which has none (no UpdateTimeToLive, items never expire): without it `npm start` kept
 * every conversation turn, answer record, connection and session for ever. Each table with a TTL attribute is
 * scanned for items past it (epoch seconds, as DynamoDB reads it) and those are deleted, every `intervalMs`. So what
 * the stack keeps in dynalite is bounded by the traffic of one TTL (2 h 10 min for sessions), as in AWS.
 */
export const startTtlSweeper = (
  documents: DynamoDBDocumentClient,
  tables: readonly { readonly name: string; readonly definition: TableDefinition }[],
  options: { readonly intervalMs: number; readonly clock: Clock; readonly log: Log },
): TtlSweeper => {
  const sweepTable = async (name: string, definition: TableDefinition & { ttlAttribute: string }): Promise<number> => {
    const now = Math.floor(options.clock.now() / 1000);
    const keyNames = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
    let deleted = 0;
    const expired = paginateScan(
      { client: documents },
      {
        TableName: name,
        FilterExpression: '#ttl < :now',
        ProjectionExpression: keyNames.map((_, index) => `#k${index}`).join(', '),
        ExpressionAttributeNames: { '#ttl': definition.ttlAttribute, ...Object.fromEntries(keyNames.map((key, index) => [`#k${index}`, key])) },
        ExpressionAttributeValues: { ':now': now },
      },
    );
    for await (const page of expired) {
      const keys = page.Items ?? [];
      for (let start = 0; start < keys.length; start += 25) {
        const batch = keys.slice(start, start + 25).map((key) => ({ DeleteRequest: { Key: key } }));
        await documents.send(new BatchWriteCommand({ RequestItems: { [name]: batch } }));
        deleted += batch.length;
      }
    }
    return deleted;
  };

  const sweepOnce = async (): Promise<number> => {
    let deleted = 0;
    for (const { name, definition } of tables) {
      const { ttlAttribute } = definition;
      if (ttlAttribute !== undefined) deleted += await sweepTable(name, { ...definition, ttlAttribute });
    }
    return deleted;
  };

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepOnce()
      .then((deleted) => deleted > 0 && options.log.debug('expired items deleted', { deleted }))
      .catch((error: unknown) => options.log.warn('TTL sweep failed; retried at the next interval', { error }));
  }, options.intervalMs);
  timer.unref();
  return {
    sweepOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
