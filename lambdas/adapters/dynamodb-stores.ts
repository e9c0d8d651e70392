import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, paginateScan, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoutingOverride } from '../core/routing';
import type { ConnectionRecord, OrderRecord, OrderStore, RoutingConfigStore, SessionClaim, SessionStore } from '../ports';

const connectionKey = (connectionId: string) => ({ pk: `CONNECTION#${connectionId}`, sk: 'META' });
const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'META' });

/**
 * Connections and sessions in the single Sessions table. A session's `META` item names its `owner` (a principal key,
 * lambdas/core/principal.ts); every write to it is conditional on that owner, so a session is never taken over.
 */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async openConnection(connection: ConnectionRecord): Promise<SessionClaim> {
    // The session first, so a connection item never points at a session that was not written (or not its own).
    const claimed = await this.updateOwned(connection.sessionId, connection.principalKey, {
      expression: 'SET lastConnectionId = :c, lastSeenAt = :t, expiresAt = :e, createdAt = if_not_exists(createdAt, :t), #owner = :owner',
      values: { ':c': connection.connectionId, ':t': connection.connectedAt, ':e': connection.expiresAt },
    });
    if (claimed === 'owned_by_another') return claimed;
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...connectionKey(connection.connectionId), ...connection } }));
    return 'claimed';
  }

  async claimSession(sessionId: string, owner: string, expiresAt: number): Promise<SessionClaim> {
    return this.updateOwned(sessionId, owner, {
      // A claim never shortens a session's life: the expiry only moves forward.
      expression: 'SET #owner = :owner, expiresAt = if_not_exists(expiresAt, :e)',
      values: { ':e': expiresAt },
    });
  }

  async closeConnection(connectionId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: connectionKey(connectionId) }));
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: connectionKey(connectionId) }));
    if (!Item) return undefined;
    return {
      connectionId: String(Item['connectionId']),
      sessionId: String(Item['sessionId']),
      // A connection written before sessions had owners belongs to no one: it can never match a principal.
      principalKey: typeof Item['principalKey'] === 'string' ? Item['principalKey'] : '',
      connectedAt: Number(Item['connectedAt']),
      expiresAt: Number(Item['expiresAt']),
    };
  }

  /** An update of the session's META item that succeeds only if the session is new or already the owner's. */
  private async updateOwned(
    sessionId: string,
    owner: string,
    update: { readonly expression: string; readonly values: Record<string, unknown> },
  ): Promise<SessionClaim> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(sessionId),
          UpdateExpression: update.expression,
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ...update.values, ':owner': owner },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return 'owned_by_another';
      throw error;
    }
  }
}

/** The routing table is a few dozen rows at most: a paginated scan reads all of it. */
export class DynamoRoutingConfigStore implements RoutingConfigStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadOverrides(): Promise<readonly RoutingOverride[]> {
    const rows: RoutingOverride[] = [];
    for await (const page of paginateScan({ client: this.documents }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        rows.push({ intent: item['intent'], tier: item['tier'], locked: item['locked'], unlock: item['unlock'], reason: item['reason'] });
      }
    }
    return rows;
  }
}

/**
 * Orders keyed by `orderId`, each naming its owner in `customerId`. A lookup returns the order only to its owner: an
 * order of someone else reads exactly like one that does not exist. (Keyed by order, checked by customer: the table's
 * key stays what the store's order system writes.)
 */
export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getOrderFor(customerId: string, orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { orderId } }));
    if (!Item || Item['customerId'] !== customerId) return undefined;
    const text = (key: string): string | undefined => (typeof Item[key] === 'string' ? (Item[key] as string) : undefined);
    return {
      orderId,
      customerId,
      status: text('status') ?? 'unknown',
      items: Array.isArray(Item['items']) ? Item['items'].map(String) : [],
      ...(text('carrier') && { carrier: text('carrier') }),
      ...(text('trackingNumber') && { trackingNumber: text('trackingNumber') }),
      ...(text('eta') && { eta: text('eta') }),
    };
  }
}
