import { DynamoOrderStore, DynamoRoutingConfigStore, DynamoSessionStore } from '../../lambdas/adapters/dynamodb-stores';
import { createRedisClient, RedisStore } from '../../lambdas/adapters/redis-store';
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ORDERS_TABLE, ROUTING_CONFIG_TABLE, SESSIONS_TABLE } from '../../lambdas/schema/tables';
import { DEMO_CUSTOMERS, LOCAL_CREDENTIALS, seedOrders, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import { startTestRedis, type TestRedis } from '../support/redis-server';

describe('Redis answer cache against a real redis-server', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('stores cached answers with an expiry', async () => {
    const client = createRedisClient(redis.url);
    const store = new RedisStore(client);

    await store.set('answer:v1:test', 'cached text', 60);

    expect(await store.get('answer:v1:test')).toBe('cached text');
    expect(await client.ttl('answer:v1:test')).toBeGreaterThan(50);
    expect(await store.get('answer:v1:absent')).toBeUndefined();
    await client.quit();
  });
});

describe('DynamoDB stores against dynalite', () => {
  let dynamo: LocalDynamo;
  const clients: ReturnType<typeof createDocumentClient>[] = [];
  const documents = () => {
    const client = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    clients.push(client);
    return client;
  };
  const table = (logicalName: string) => dynamo.tableNames[logicalName] ?? '';

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await dynamo.close();
  });

  it('writes a connection and its session together, with the TTL attribute and the owner', async () => {
    const client = documents();
    const sessions = new DynamoSessionStore(client, table(SESSIONS_TABLE.logicalName));

    expect(await sessions.openConnection({ connectionId: 'c1', sessionId: 's1', principalKey: 'customer:a', connectedAt: 1000, expiresAt: 9999 })).toBe('claimed');

    expect(await sessions.getConnection('c1')).toEqual({ connectionId: 'c1', sessionId: 's1', principalKey: 'customer:a', connectedAt: 1000, expiresAt: 9999 });
    const session = await client.send(new GetCommand({ TableName: table(SESSIONS_TABLE.logicalName), Key: { pk: 'SESSION#s1', sk: 'META' } }));
    expect(session.Item).toMatchObject({ lastConnectionId: 'c1', expiresAt: 9999, owner: 'customer:a' });
    await sessions.closeConnection('c1');
    expect(await sessions.getConnection('c1')).toBeUndefined();
  });

  it("never opens or claims another principal's session, and leaves it untouched", async () => {
    const client = documents();
    const sessions = new DynamoSessionStore(client, table(SESSIONS_TABLE.logicalName));
    await sessions.openConnection({ connectionId: 'c-own', sessionId: 's-owned', principalKey: 'customer:a', connectedAt: 1000, expiresAt: 9999 });

    expect(await sessions.openConnection({ connectionId: 'c-x', sessionId: 's-owned', principalKey: 'customer:b', connectedAt: 2000, expiresAt: 19999 })).toBe('owned_by_another');
    expect(await sessions.claimSession('s-owned', 'customer:b', 19999)).toBe('owned_by_another');
    expect(await sessions.claimSession('s-owned', 'customer:a', 19999)).toBe('claimed');
    expect(await sessions.claimSession('s-new', 'customer:b', 19999)).toBe('claimed');
    expect(await sessions.claimSession('s-new', 'customer:a', 19999)).toBe('owned_by_another');

    expect(await sessions.getConnection('c-x')).toBeUndefined();
    const session = await client.send(new GetCommand({ TableName: table(SESSIONS_TABLE.logicalName), Key: { pk: 'SESSION#s-owned', sk: 'META' } }));
    expect(session.Item).toMatchObject({ owner: 'customer:a', lastConnectionId: 'c-own', expiresAt: 9999 });
  });

  it('reads a seeded demo order for its owner only: another customer gets exactly what a missing order gets', async () => {
    const client = documents();
    await seedOrders(client, table(ORDERS_TABLE.logicalName));
    const orders = new DynamoOrderStore(client, table(ORDERS_TABLE.logicalName));

    const order = await orders.getOrderFor(DEMO_CUSTOMERS[0], '12345');

    expect(order).toMatchObject({ orderId: '12345', customerId: DEMO_CUSTOMERS[0], status: 'shipped', carrier: 'Yamato Transport' });
    expect(await orders.getOrderFor(DEMO_CUSTOMERS[1], '12345')).toBeUndefined();
    expect(await orders.getOrderFor(DEMO_CUSTOMERS[0], '00000')).toBeUndefined();
  });

  it('reads every routing row as written, valid or not', async () => {
    const client = documents();
    const name = table(ROUTING_CONFIG_TABLE.logicalName);
    await client.send(new PutCommand({ TableName: name, Item: { intent: 'manga_qa', tier: 'haiku', updatedBy: 'oncall' } }));
    await client.send(new PutCommand({ TableName: name, Item: { intent: 'bogus', tier: 'opus' } }));

    const rows = await new DynamoRoutingConfigStore(client, name).loadOverrides();

    expect(rows).toEqual(expect.arrayContaining([{ intent: 'manga_qa', tier: 'haiku', locked: undefined }, { intent: 'bogus', tier: 'opus', locked: undefined }]));
  });
});
