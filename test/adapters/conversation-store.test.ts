import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoConversationStore, turnSortKey } from '../../lambdas/adapters/dynamodb-conversation';
import { DynamoSessionStore } from '../../lambdas/adapters/dynamodb-stores';
import type { StoredTurn } from '../../lambdas/ports';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { SESSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';

const exchange = (n: number, at: number, expiresAt = 99_999): StoredTurn[] => [
  { role: 'user', text: `question ${n}`, intent: 'recommendation', tier: 'sonnet', at, requestId: `req-${n}`, expiresAt },
  { role: 'assistant', text: `answer ${n}`, intent: 'recommendation', tier: 'haiku', at: at + 5, requestId: `req-${n}`, expiresAt },
];

describe('DynamoConversationStore against dynalite', () => {
  let dynamo: LocalDynamo;
  let documents: ReturnType<typeof createDocumentClient>;
  let table: string;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    table = dynamo.tableNames[SESSIONS_TABLE.logicalName] ?? '';
  });
  afterAll(async () => {
    documents.destroy();
    await dynamo.close();
  });

  it('round-trips a turn with its session TTL under the session; the META item is not read as a turn', async () => {
    const sessions = new DynamoSessionStore(documents, table);
    const store = new DynamoConversationStore(documents, table);
    await sessions.openConnection({ connectionId: 'c-rt', sessionId: 's-rt', principalKey: 'customer:c-rt', connectedAt: 1_000, expiresAt: 12_345 });

    await store.appendTurns('s-rt', exchange(1, 1_700_000_000_000, 12_345));

    expect(await store.recentTurns('s-rt', 10)).toEqual([
      { role: 'assistant', text: 'answer 1', intent: 'recommendation', tier: 'haiku', at: 1_700_000_000_005, requestId: 'req-1' },
      { role: 'user', text: 'question 1', intent: 'recommendation', tier: 'sonnet', at: 1_700_000_000_000, requestId: 'req-1' },
    ]);
    const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: 'SESSION#s-rt', sk: 'TURN#001700000000000#req-1' } }));
    expect(Item).toMatchObject({ role: 'user', expiresAt: 12_345 });
  });

  it('reads the most recent turns first, by time not by string length, within the limit', async () => {
    const store = new DynamoConversationStore(documents, table);
    // 999 ms sorts before 1,000,000 ms only with zero padding.
    await store.appendTurns('s-order', exchange(1, 999));
    await store.appendTurns('s-order', exchange(2, 1_000_000));
    await store.appendTurns('s-order', exchange(3, 2_000_000));

    const all = await store.recentTurns('s-order', 10);
    const lastThree = await store.recentTurns('s-order', 3);

    expect(all.map((turn) => turn.text)).toEqual(['answer 3', 'question 3', 'answer 2', 'question 2', 'answer 1', 'question 1']);
    expect(lastThree.map((turn) => turn.text)).toEqual(['answer 3', 'question 3', 'answer 2']);
    expect(await store.recentTurns('s-order', 0)).toEqual([]);
  });

  it('reads nothing for an unknown session and keeps sessions apart', async () => {
    const store = new DynamoConversationStore(documents, table);
    await store.appendTurns('s-a', exchange(1, 5_000));

    expect(await store.recentTurns('s-unknown', 10)).toEqual([]);
    expect(await store.recentTurns('s-a-other', 10)).toEqual([]);
  });

  it('pads the epoch ms of the sort key', () => {
    expect(turnSortKey(42, 'r1')).toBe('TURN#000000000000042#r1');
  });
});
