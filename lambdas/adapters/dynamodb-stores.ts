import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoutingOverride } from '../core/routing';
import type { ConnectionRecord, OrderRecord, OrderStore, RoutingConfigStore, SessionStore } from '../ports';

const connectionKey = (connectionId: string) => ({ pk: `CONNECTION#${connectionId}`, sk: 'META' });
const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'META' });

/** Connections and sessions in the single Sessions table (lambdas/schema/tables.ts). */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async openConnection(connection: ConnectionRecord): Promise<void> {
    // The session first, so a connection item never points at a session that was not written.
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sessionKey(connection.sessionId),
        UpdateExpression: 'SET lastConnectionId = :c, lastSeenAt = :t, expiresAt = :e, createdAt = if_not_exists(createdAt, :t)',
        ExpressionAttributeValues: { ':c': connection.connectionId, ':t': connection.connectedAt, ':e': connection.expiresAt },
      }),
    );
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...connectionKey(connection.connectionId), ...connection } }));
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
      connectedAt: Number(Item['connectedAt']),
      expiresAt: Number(Item['expiresAt']),
    };
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
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) rows.push({ intent: item['intent'], tier: item['tier'], locked: item['locked'] });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }
}

export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { orderId } }));
    if (!Item) return undefined;
    const text = (key: string): string | undefined => (typeof Item[key] === 'string' ? (Item[key] as string) : undefined);
    return {
      orderId,
      status: text('status') ?? 'unknown',
      items: Array.isArray(Item['items']) ? Item['items'].map(String) : [],
      ...(text('carrier') && { carrier: text('carrier') }),
      ...(text('trackingNumber') && { trackingNumber: text('trackingNumber') }),
      ...(text('eta') && { eta: text('eta') }),
    };
  }
}
