import { DeleteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFaqStore, parseFaqItem } from '../../lambdas/adapters/dynamodb-faq';
import { FaqSource } from '../../lambdas/app/faq-source';
import { DEFAULT_FAQ, FaqError, matchFaq, type FaqEntry } from '../../lambdas/core/faq';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { FAQ_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, seedFaq, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import type { Log } from '../../lambdas/ports';

const GIFT_CARDS: FaqEntry = {
  id: 'gift-cards',
  intent: 'store_policy',
  patterns: ['Do you sell gift cards?', 'ギフトカードはありますか'],
  answer: { en: 'Yes: gift cards from ¥1,000.', ja: 'はい、1,000円からのギフトカードがございます。' },
};

const T0 = Date.parse('2026-11-22T03:00:00Z');

describe('DynamoFaqStore against dynalite', () => {
  let dynamo: LocalDynamo;
  let documents: DynamoDBDocumentClient;
  const table = () => dynamo.tableNames[FAQ_TABLE.logicalName] ?? '';
  const store = () => new DynamoFaqStore(documents, table(), { now: () => T0 });
  const putRow = (row: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table(), Item: row }));

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'faq-store-test-' });
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    documents.destroy();
    await dynamo.close();
  });
  beforeEach(async () => {
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: table() }));
    await Promise.all(Items.map((row) => documents.send(new DeleteCommand({ TableName: table(), Key: { id: row['id'] } }))));
  });

  it('creates the FAQ table offline with the id partition key', () => {
    expect(table()).toBe('faq-store-test-Faq');
    expect(FAQ_TABLE).toEqual({ logicalName: 'Faq', partitionKey: 'id' });
  });

  it('reads back what it wrote: entries in both languages, stamped, sorted by id', async () => {
    await store().put([GIFT_CARDS, DEFAULT_FAQ[0] as FaqEntry], 'ops@example.com');

    const listing = await store().listWithProblems();
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: table() }));

    expect(listing).toEqual({ entries: [GIFT_CARDS, DEFAULT_FAQ[0]].sort((a, b) => (a?.id ?? '').localeCompare(b?.id ?? '')), disabled: [], rejected: [] });
    expect(Items.find((item) => item['id'] === 'gift-cards')).toEqual({
      id: 'gift-cards',
      intent: 'store_policy',
      patterns: GIFT_CARDS.patterns,
      answer_en: GIFT_CARDS.answer.en,
      answer_ja: GIFT_CARDS.answer.ja,
      updatedAt: '2026-11-22T03:00:00.000Z',
      updatedBy: 'ops@example.com',
    });
  });

  it('seeds the embedded default FAQ (more rows than one batch write takes) and reads it back whole', async () => {
    const many = Array.from({ length: 30 }, (_, index) => ({ ...GIFT_CARDS, id: `extra-${String(index).padStart(2, '0')}` }));

    await seedFaq(documents, table());
    await store().put(many);
    const listing = await store().listWithProblems();

    expect(listing.rejected).toEqual([]);
    expect(listing.entries.filter((entry) => !entry.id.startsWith('extra-'))).toEqual([...DEFAULT_FAQ].sort((a, b) => a.id.localeCompare(b.id)));
    expect(listing.entries).toHaveLength(DEFAULT_FAQ.length + 30);
  });

  it('skips and reports the rows an operator broke, keeps the good ones, and reads string-set patterns', async () => {
    await store().put([GIFT_CARDS]);
    await putRow({ id: 'set-patterns', intent: 'payment', patterns: new Set(['Do you take JCB?', 'JCBは使えますか']), answer_en: 'Yes.', answer_ja: 'はい。' });
    await putRow({ id: 'no-intent', patterns: ['x'], answer_en: 'a', answer_ja: 'b' });
    await putRow({ id: 'strong-intent', intent: 'recommendation', patterns: ['x'], answer_en: 'a', answer_ja: 'b' });
    await putRow({ id: 'bad-patterns', intent: 'payment', patterns: 'just one string', answer_en: 'a', answer_ja: 'b' });
    await putRow({ id: 'no-answer-ja', intent: 'payment', patterns: ['x'], answer_en: 'a' });
    await putRow({ id: 'empty-patterns', intent: 'payment', patterns: [], answer_en: 'a', answer_ja: 'b' });
    await putRow({ id: 'Bad Id!', intent: 'payment', patterns: ['x'], answer_en: 'a', answer_ja: 'b' });
    await putRow({ id: 'odd-enabled', enabled: 'no' });

    const listing = await store().listWithProblems();

    expect(listing.entries.map((entry) => entry.id)).toEqual(['gift-cards', 'set-patterns']);
    expect(listing.entries[1]?.patterns).toEqual(['Do you take JCB?', 'JCBは使えますか']);
    expect(listing.rejected.map(({ id, problems }) => ({ id, problems }))).toEqual([
      { id: 'Bad Id!', problems: [expect.stringContaining('id must be')] },
      { id: 'bad-patterns', problems: ['patterns must be a list of strings, got "just one string"'] },
      { id: 'empty-patterns', problems: ['patterns must hold at least one question'] },
      { id: 'no-answer-ja', problems: ['answer_ja must be a string, got nothing'] },
      { id: 'no-intent', problems: [expect.stringContaining('intent must be one of shipping_info, payment')] },
      { id: 'odd-enabled', problems: ['enabled must be a boolean, got "no"'] },
      { id: 'strong-intent', problems: [expect.stringContaining('got "recommendation"')] },
    ]);
    expect(listing.rejected[0]?.item).toMatchObject({ id: 'Bad Id!' });
  });

  it('lists a row with enabled false as switched off, whatever else it holds', async () => {
    await putRow({ id: 'points', enabled: false });

    expect(await store().listWithProblems()).toEqual({ entries: [], disabled: ['points'], rejected: [] });
  });

  it('refuses to write an entry its own read would reject, writing nothing', async () => {
    const broken = { ...GIFT_CARDS, id: 'broken', patterns: [] };

    await expect(store().put([GIFT_CARDS, broken])).rejects.toBeInstanceOf(FaqError);
    expect((await store().listWithProblems()).entries).toEqual([]);
  });

  it('removes a row and says whether there was one', async () => {
    await store().put([GIFT_CARDS]);

    expect(await store().remove('gift-cards')).toBe(true);
    expect(await store().remove('gift-cards')).toBe(false);
  });

  it('serves the table through FaqSource: a new entry answers, a disabled one no longer does', async () => {
    const warnings: unknown[] = [];
    const log: Log = { debug: () => undefined, info: () => undefined, warn: (message, extra) => warnings.push({ message, ...extra }), error: () => undefined };
    await store().put([GIFT_CARDS]);
    await putRow({ id: 'gift-wrapping', enabled: false });
    await putRow({ id: 'half-row', intent: 'payment' });
    const source = new FaqSource(store(), { now: () => T0 }, log);

    const entries = await source.get();

    expect(matchFaq('Do you sell gift cards?', entries)?.entry.id).toBe('gift-cards');
    expect(matchFaq('Do you offer gift wrapping?', DEFAULT_FAQ)?.entry.id).toBe('gift-wrapping');
    expect(matchFaq('Do you offer gift wrapping?', entries)?.entry.id).not.toBe('gift-wrapping');
    expect(warnings).toEqual([{ message: 'FAQ table row ignored', id: 'half-row', problems: expect.any(Array) }]);
  });
});

describe('parseFaqItem', () => {
  it('names every shape problem of a row at once', () => {
    expect(parseFaqItem({ id: 'x', intent: 'greeting', patterns: [1], answer_en: 2 })).toEqual({
      problems: [
        expect.stringContaining('intent must be one of'),
        'patterns must be a list of strings, got [1]',
        'answer_en must be a string, got 2',
        'answer_ja must be a string, got nothing',
      ],
    });
  });
});
