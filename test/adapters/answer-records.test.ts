import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAnswerRecordStore } from '../../lambdas/adapters/dynamodb-answer-records';
import { DynamoConversationStore } from '../../lambdas/adapters/dynamodb-conversation';
import type { StoredAnswer } from '../../lambdas/ports';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { SESSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';

const answer = (requestId: string, owner = 'customer:alice'): StoredAnswer => ({
  requestId,
  intent: 'recommendation',
  tier: 'haiku',
  owner,
  answeredAt: 1_700_000_000_000,
  expiresAt: 12_345,
});

describe('DynamoAnswerRecordStore against dynalite', () => {
  let dynamo: LocalDynamo;
  let documents: ReturnType<typeof createDocumentClient>;
  let store: DynamoAnswerRecordStore;
  let table: string;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    table = dynamo.tableNames[SESSIONS_TABLE.logicalName] ?? '';
    store = new DynamoAnswerRecordStore(documents, table);
  });
  afterAll(async () => {
    documents.destroy();
    await dynamo.close();
  });

  it('records an answer under its session with the session TTL and finds it by requestId; not in another session', async () => {
    await store.recordAnswer('s-1', answer('q-1'));

    expect(await store.findAnswer('s-1', 'q-1')).toEqual({ requestId: 'q-1', intent: 'recommendation', tier: 'haiku', owner: 'customer:alice', answeredAt: 1_700_000_000_000 });
    expect(await store.findAnswer('s-2', 'q-1')).toBeUndefined();
    const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: 'SESSION#s-1', sk: 'ANSWER#q-1' } }));
    expect(Item).toMatchObject({ expiresAt: 12_345, answeredAt: 1_700_000_000_000 });
  });

  it('is not read as a conversation turn', async () => {
    await store.recordAnswer('s-turns', answer('q-1'));

    expect(await new DynamoConversationStore(documents, table).recentTurns('s-turns', 10)).toEqual([]);
  });

  it('rates once: the first write applies, a second rating does not, a score is added once to a rating without one', async () => {
    await store.recordAnswer('s-rate', answer('q-1'));

    expect(await store.rateAnswer('s-rate', 'q-1', 'customer:alice', { rating: 'up', ratedAt: 1 }, { kind: 'unrated' })).toBe(true);
    expect(await store.rateAnswer('s-rate', 'q-1', 'customer:alice', { rating: 'down', ratedAt: 2 }, { kind: 'unrated' })).toBe(false);
    expect(await store.rateAnswer('s-rate', 'q-1', 'customer:alice', { rating: 'down', csat: 1, ratedAt: 3 }, { kind: 'rated_without_csat', rating: 'down' })).toBe(false);
    expect(await store.rateAnswer('s-rate', 'q-1', 'customer:alice', { rating: 'up', csat: 4, ratedAt: 4 }, { kind: 'rated_without_csat', rating: 'up' })).toBe(true);
    expect(await store.rateAnswer('s-rate', 'q-1', 'customer:alice', { rating: 'up', csat: 2, ratedAt: 5 }, { kind: 'rated_without_csat', rating: 'up' })).toBe(false);

    expect(await store.findAnswer('s-rate', 'q-1')).toEqual({ requestId: 'q-1', intent: 'recommendation', tier: 'haiku', owner: 'customer:alice', rating: 'up', csat: 4, answeredAt: 1_700_000_000_000 });
  });

  it("never writes another owner's answer, nor creates a record that was never answered", async () => {
    await store.recordAnswer('s-own', answer('q-1'));

    expect(await store.rateAnswer('s-own', 'q-1', 'customer:bob', { rating: 'down', ratedAt: 1 }, { kind: 'unrated' })).toBe(false);
    expect(await store.rateAnswer('s-own', 'q-missing', 'customer:alice', { rating: 'down', ratedAt: 1 }, { kind: 'unrated' })).toBe(false);

    expect(await store.findAnswer('s-own', 'q-1')).not.toHaveProperty('rating');
    const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: 'SESSION#s-own', sk: 'ANSWER#q-missing' } }));
    expect(Item).toBeUndefined();
  });
});
