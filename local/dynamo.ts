import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo, Server, Socket } from 'node:net';
import { DynamoFaqStore } from '../lambdas/adapters/dynamodb-faq';
import { DEFAULT_FAQ, type FaqEntry } from '../lambdas/core/faq';
import { ALL_TABLES, type TableDefinition } from '../lambdas/schema/tables';
import { useCompactDynaliteStorage } from './dynalite-storage';

useCompactDynaliteStorage();
// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalDynamo {
  readonly endpoint: string;
  readonly tableNames: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const keySchema = (table: TableDefinition): { keys: KeySchemaElement[]; attributes: AttributeDefinition[] } => {
  const keys: KeySchemaElement[] = [{ AttributeName: table.partitionKey, KeyType: 'HASH' }];
  const attributes: AttributeDefinition[] = [{ AttributeName: table.partitionKey, AttributeType: 'S' }];
  if (table.sortKey) {
    keys.push({ AttributeName: table.sortKey, KeyType: 'RANGE' });
    attributes.push({ AttributeName: table.sortKey, AttributeType: 'S' });
  }
  return { keys, attributes };
};

/** dynalite (DynamoDB on an in-memory LevelDB) with the tables created from the shared definitions. */
export const startLocalDynamo = async (options: { port?: number; tablePrefix?: string } = {}): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Clients keep sockets alive; closing must not wait for them to go idle.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  const client = new DynamoDBClient({ region: 'ap-northeast-1', endpoint, credentials: LOCAL_CREDENTIALS });
  const tableNames: Record<string, string> = {};
  try {
    for (const table of ALL_TABLES) {
      const name = `${options.tablePrefix ?? 'mangaassist-local-'}${table.logicalName}`;
      const { keys, attributes } = keySchema(table);
      // dynalite has no TTL API (UpdateTimeToLive): items keep their expiresAt attribute but never expire offline.
      await client.send(new CreateTableCommand({ TableName: name, KeySchema: keys, AttributeDefinitions: attributes, BillingMode: 'PAY_PER_REQUEST' }));
      tableNames[table.logicalName] = name;
    }
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableNames, close };
};

/**
 * The demo customers of the offline stack: `npm run chat` signs in as the first (`--customer` picks another), and
 * `npm run --silent cli -- token --customer ID` prints a token for any of them (or any other id: it just owns nothing).
 */
export const DEMO_CUSTOMERS = ['demo-customer-1', 'demo-customer-2'] as const;

/** A few orders so the template tier has something to find offline, each owned by a demo customer. */
export const DEMO_ORDERS = [
  { orderId: '12345', customerId: DEMO_CUSTOMERS[0], status: 'shipped', items: ['ONE PIECE 107', 'Chainsaw Man 16'], carrier: 'Yamato Transport', trackingNumber: '4512-3456-7890', eta: '2026-11-25' },
  { orderId: '98765', customerId: DEMO_CUSTOMERS[0], status: 'processing', items: ['Frieren: Beyond Journey’s End 13'], eta: '2026-11-28' },
  { orderId: '55555', customerId: DEMO_CUSTOMERS[1], status: 'delivered', items: ['Berserk Deluxe Edition 14'], carrier: 'Japan Post', trackingNumber: 'EJ123456789JP' },
] as const;

export const seedOrders = async (documents: DynamoDBDocumentClient, tableName: string): Promise<void> => {
  await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: DEMO_ORDERS.map((order) => ({ PutRequest: { Item: { ...order } } })) } }));
};

/** The embedded default FAQ as table rows, so operators can edit the demo store's answers offline. */
export const seedFaq = async (documents: DynamoDBDocumentClient, tableName: string, entries: readonly FaqEntry[] = DEFAULT_FAQ): Promise<void> => {
  await new DynamoFaqStore(documents, tableName).put(entries, 'seed');
};
