import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseRoutingVersion, type RoutingVersion } from '../core/routing-versions';
import type { RoutingCommitResult, RoutingVersionStore } from '../ports/routing-versions';

/** The one routing map the table holds today; the partition leaves room for more (a map per tenant) later. */
const PARTITION = 'ROUTING';
const VERSION_PREFIX = 'VERSION#';
/** Zero-padded, so the sort key orders versions numerically and the newest is the last item of the partition. */
const versionKey = (version: number) => ({ pk: PARTITION, sk: `${VERSION_PREFIX}${String(version).padStart(10, '0')}` });

/**
 * Versioned routing in the RoutingVersions table (lambdas/schema/tables.ts ROUTING_VERSIONS_TABLE). The active version
 * is the newest item of the partition: versions are numbered without gaps (n+1 only on top of n), so "the version
 * after n does not exist yet" is exactly "n is active", and a commit is ONE conditional put (`attribute_not_exists`
 * on VERSION#n+1). Two operators planning on n race for the same key: DynamoDB lets one put through and fails the
 * other's condition, which then writes nothing. There is no separate pointer item that a crash between two writes
 * could leave stale, and no transaction (dynalite, the offline table, has no TransactWriteItems).
 */
export class DynamoRoutingVersionStore implements RoutingVersionStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async active(): Promise<RoutingVersion | null> {
    // Strongly consistent: a handler that just saw a commit's effect elsewhere must not read the version before it.
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': PARTITION, ':prefix': VERSION_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = page.Items?.[0];
    return item ? this.parse(item) : null;
  }

  async get(version: number): Promise<RoutingVersion | undefined> {
    if (!Number.isInteger(version) || version < 0) return undefined;
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: versionKey(version), ConsistentRead: true }));
    return Item ? this.parse(Item) : undefined;
  }

  async history(limit: number): Promise<readonly RoutingVersion[]> {
    const versions: RoutingVersion[] = [];
    const newestFirst = paginateQuery(
      { client: this.documents, pageSize: limit },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': PARTITION, ':prefix': VERSION_PREFIX },
        ScanIndexForward: false,
      },
    );
    for await (const page of newestFirst) {
      for (const item of page.Items ?? []) versions.push(this.parse(item));
      if (versions.length >= limit) break;
    }
    return versions.slice(0, limit);
  }

  async commit(expected: number | null, next: RoutingVersion): Promise<RoutingCommitResult> {
    // The gapless numbering is what makes the single conditional put safe: refuse anything else outright.
    if (next.version !== (expected === null ? 0 : expected + 1)) {
      throw new Error(`routing version ${next.version} cannot follow ${expected ?? 'none'}: versions are numbered without gaps`);
    }
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...versionKey(next.version), ...next },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { ok: true, version: next };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException')) throw error;
      const active = await this.active();
      return { ok: false, conflict: true, expected, active: active?.version ?? null };
    }
  }

  private parse(item: Record<string, unknown>): RoutingVersion {
    const parsed = parseRoutingVersion(item);
    // A malformed version is an error, never a silent default: RoutingMapSource then keeps the last good map.
    if ('error' in parsed) throw new Error(`RoutingVersions item ${String(item['sk'])} is malformed: ${parsed.error}`);
    return parsed;
  }
}
