import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ALL_TABLES, SESSIONS_TABLE } from '../../lambdas/schema/tables';
import { openIteratorCount } from '../../local/dynalite-storage';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import { startTtlSweeper } from '../../local/ttl-sweeper';
import { silentLog } from '../support/fakes';

/** What dynalite keeps offline is bounded: items expire by their TTL attribute, and reads leave nothing open. */
describe('dynalite offline memory', () => {
  let dynamo: LocalDynamo;
  const documents = () => createDocumentClient({ region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint });

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'ttl-test-' });
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it('the TTL sweep deletes the items past their TTL attribute and keeps the rest', async () => {
    const client = documents();
    const table = dynamo.tableNames[SESSIONS_TABLE.logicalName] ?? '';
    const now = 1_800_000_000_000;
    try {
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'SESSION#old', sk: 'META', expiresAt: now / 1000 - 1 } }));
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'SESSION#old', sk: 'TURN#1', expiresAt: now / 1000 - 60 } }));
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'SESSION#live', sk: 'META', expiresAt: now / 1000 + 60 } }));
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'SESSION#none', sk: 'META' } }));
      const sweeper = startTtlSweeper(
        client,
        ALL_TABLES.map((definition) => ({ name: dynamo.tableNames[definition.logicalName] ?? '', definition })),
        { intervalMs: 3_600_000, clock: { now: () => now }, log: silentLog },
      );

      expect(await sweeper.sweepOnce()).toBe(2);
      await sweeper.stop();

      const left = await client.send(new ScanCommand({ TableName: table }));
      expect((left.Items ?? []).map((item) => item['pk']).sort()).toEqual(['SESSION#live', 'SESSION#none']);
    } finally {
      client.destroy();
    }
  });

  it('reads close their iterators, so the store keeps no snapshot per Query or Scan', async () => {
    const client = documents();
    const table = dynamo.tableNames[SESSIONS_TABLE.logicalName] ?? '';
    try {
      for (let i = 0; i < 5; i += 1) await client.send(new PutCommand({ TableName: table, Item: { pk: 'SESSION#q', sk: `TURN#${i}` } }));
      for (let i = 0; i < 20; i += 1) {
        await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SESSION#q' }, Limit: 2, ScanIndexForward: false }));
        await client.send(new ScanCommand({ TableName: table }));
      }
      expect(await client.send(new GetCommand({ TableName: table, Key: { pk: 'SESSION#q', sk: 'TURN#4' } }))).toMatchObject({ Item: { sk: 'TURN#4' } });
      expect(openIteratorCount()).toBe(0);
    } finally {
      client.destroy();
    }
  });
});
