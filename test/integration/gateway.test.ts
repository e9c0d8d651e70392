import { silentLog } from '../support/fakes';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { TestClient, textOf } from '../support/ws-client';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signedInUrl } from '../support/auth';
import type { DoneReply, ErrorReply } from '../../lambdas/core/protocol';
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { DEMO_CUSTOMERS, LOCAL_CREDENTIALS } from '../../local/dynamo';

/**
 * The offline stack end to end: real WebSocket clients, the emulated API Gateway, dynalite, the local Bedrock
 * Runtime endpoint (real SDK client, event-stream framing) and a private redis-server.
 */
describe('gateway over a real WebSocket', () => {
  let redis: TestRedis;
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startLocalStack({
      port: 0,
      redisUrl: redis.url,
      log: silentLog,
      bedrockTimeoutMs: 1500,
      bedrock: { seed: 7, latencyScale: 0.05 },
      routingCacheTtlMs: 0,
    });
  });

  afterAll(async () => {
    await stack.close();
    await redis.stop();
  });

  beforeEach(async () => {
    client = await TestClient.connect(stack.url);
  });

  afterEach(async () => {
    await client.close();
  });

  it('streams an English recommendation on the sonnet tier and ends with a done frame', async () => {
    client.send({ action: 'invoke', message: 'Can you recommend manga like Berserk but less dark and more hopeful?', requestId: 'rec-1' });

    const frames = await client.finish('rec-1');

    const done = frames.at(-1) as DoneReply;
    expect(done).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'sonnet', model: stack.catalog.sonnet.modelId, target: 'on_demand', escalated: false, cacheHit: false });
    expect(frames.filter((f) => f.type === 'chunk').length).toBeGreaterThanOrEqual(1);
    expect(textOf(frames).length).toBeGreaterThan(20);
    expect(done.outputTokens).toBeGreaterThan(0);
    expect(done.costUsd).toBeGreaterThan(0);
    expect(done.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['注文番号１２３４５はどこ？', '発送済み'],
    ['where is my order 12345', 'shipped'],
  ])("answers \"%s\" from the orders table on the template tier at zero cost, to the order's signed-in owner", async (message, status) => {
    const modelCallsBefore = stack.bedrock.stats().requests.total;
    const owner = await TestClient.connect(signedInUrl(stack, DEMO_CUSTOMERS[0]));
    owner.send({ action: 'invoke', message, requestId: 'order-1' });

    const frames = await owner.finish('order-1').finally(() => owner.close());

    expect(frames.at(-1)).toMatchObject({ type: 'done', intent: 'order_status', tier: 'template', model: null, target: null, costUsd: 0, inputTokens: 0, outputTokens: 0 });
    expect(textOf(frames)).toContain('12345');
    expect(textOf(frames)).toContain(status);
    expect(stack.bedrock.stats().requests.total).toBe(modelCallsBefore);
  });

  it('returns a route frame for route without calling a model or charging', async () => {
    const modelCallsBefore = stack.bedrock.stats().requests.total;
    const spentBefore = (await stack.ledger.daySpend(todayJst(), Date.now())).spentUsd;
    client.send({ action: 'route', message: 'Compare the Viz and Kodansha editions of Akira', requestId: 'route-1' });

    const reply = await client.waitFor((f) => f.requestId === 'route-1');

    expect(reply).toMatchObject({ type: 'route', intent: 'comparison', tier: 'sonnet', model: stack.catalog.sonnet.modelId });
    expect(reply.type === 'route' && reply.reasons.length).toBeGreaterThan(0);
    expect(stack.bedrock.stats().requests.total).toBe(modelCallsBefore);
    expect((await stack.ledger.daySpend(todayJst(), Date.now())).spentUsd).toBe(spentBefore);
  });

  it('applies an operator routing change from the DynamoDB routing table and ignores an invalid row', async () => {
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    await documents.send(new PutCommand({ TableName: stack.tables.routing, Item: { intent: 'comparison', tier: 'haiku', updatedBy: 'oncall' } }));
    await documents.send(new PutCommand({ TableName: stack.tables.routing, Item: { intent: 'manga_qa', tier: 'opus' } }));
    try {
      client.send({ action: 'route', message: 'Compare the Viz and Kodansha editions of Akira', requestId: 'ops-1' });
      client.send({ action: 'route', message: 'Who is the author of Berserk and why did the story change after the eclipse?', requestId: 'ops-2' });

      const [changed, untouched] = await Promise.all([client.waitFor((f) => f.requestId === 'ops-1'), client.waitFor((f) => f.requestId === 'ops-2')]);

      expect(changed).toMatchObject({ type: 'route', intent: 'comparison', tier: 'haiku' });
      expect(untouched).toMatchObject({ type: 'route', intent: 'manga_qa', tier: 'sonnet' });
    } finally {
      await documents.send(new DeleteCommand({ TableName: stack.tables.routing, Key: { intent: 'comparison' } }));
      await documents.send(new DeleteCommand({ TableName: stack.tables.routing, Key: { intent: 'manga_qa' } }));
      documents.destroy();
    }
  });

  it('registers a connection and its session on $connect and removes the connection on $disconnect', async () => {
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const items = async (prefix: string) =>
      ((await documents.send(new ScanCommand({ TableName: stack.tables.sessions }))).Items ?? []).filter((item) => String(item['pk']).startsWith(prefix));
    try {
      const before = await items('CONNECTION#');
      const extra = await TestClient.connect(`${stack.url}/?sessionId=resumed-session-0001`);
      const during = await items('CONNECTION#');
      const sessions = await items('SESSION#resumed-session-0001');

      await extra.close();
      await eventually(async () => (await items('CONNECTION#')).length === before.length);
      const after = await items('CONNECTION#');

      expect(during).toHaveLength(before.length + 1);
      expect(during.find((item) => item['sessionId'] === 'resumed-session-0001')).toMatchObject({ sk: 'META', expiresAt: expect.any(Number) });
      expect(sessions).toHaveLength(1);
      expect(after).toHaveLength(before.length);
    } finally {
      documents.destroy();
    }
  });

  it('answers malformed frames with error frames and keeps the connection usable', async () => {
    client.send('this is not json');
    client.send({ action: 'dance', message: 'hi', requestId: 'bad-2' });
    client.send({ action: 'invoke', requestId: 'bad-3' });
    client.send({ action: 'invoke', message: 'x'.repeat(130 * 1024), requestId: 'bad-4' });

    const errors = await Promise.all([
      client.waitFor((f) => f.type === 'error' && f.code === 'invalid_json'),
      client.finish('bad-2'),
      client.finish('bad-3'),
      client.waitFor((f) => f.type === 'error' && f.code === 'frame_too_large'),
    ]);
    client.send({ action: 'invoke', message: 'hello!', requestId: 'good-1' });
    const frames = await client.finish('good-1');

    expect((errors[1].at(-1) as ErrorReply).code).toBe('unknown_action');
    expect((errors[2].at(-1) as ErrorReply).code).toBe('missing_message');
    expect(frames.at(-1)).toMatchObject({ type: 'done', intent: 'greeting', tier: 'template' });
  });

  it('stops posting and aborts the model stream when the client disconnects mid-answer', async () => {
    const slow = await startLocalStack({ port: 0, redisUrl: redis.url, log: silentLog, bedrock: { seed: 3, latencyScale: 1 } });
    try {
      const leaving = await TestClient.connect(slow.url);
      leaving.send({ action: 'invoke', message: 'Recommend manga like Berserk but less dark, with a long explanation of each pick', requestId: 'gone-1' });
      await leaving.waitFor((f) => f.type === 'chunk', 15_000);

      await leaving.close();
      await slow.bedrock.waitForStreamAborted(10_000);

      await eventually(() => slow.metrics.sum('ClientGoneAborts') === 1);

      expect(slow.bedrock.stats().streams.aborted).toBe(1);
      expect(slow.bedrock.stats().streams.completed).toBe(0);
      expect(slow.emulator.stats().goneResponses).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

/**
 * Fault injection in the local Bedrock endpoint. Every token is posted at once here (no coalescing), so that a
 * fault after the first deltas is known to hit an answer the client has already started to see.
 */
describe('gateway under Bedrock faults', () => {
  let redis: TestRedis;
  let faulty: LocalStack;
  let faultyClient: TestClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    faulty = await startLocalStack({
      port: 0,
      redisUrl: redis.url,
      log: silentLog,
      bedrockTimeoutMs: 1000,
      bedrock: { seed: 11, latencyScale: 0.05 },
      answer: { coalescer: { maxChars: 1, maxDelayMs: 0 } },
    });
  });

  afterAll(async () => {
    await faulty.close();
    await redis.stop();
  });

  beforeEach(async () => {
    faultyClient = await TestClient.connect(faulty.url);
  });

  afterEach(async () => {
    await faultyClient.close();
  });

  it('recovers from throttling by retrying and falling back to the cheaper tier', async () => {
    // Three throttles exhaust the SDK's three attempts on Sonnet; Haiku then answers.
    faulty.bedrock.setFaults({ throttleNext: 3 });
    faultyClient.send({ action: 'invoke', message: 'Please recommend a manga similar to Monster with a mystery plot', requestId: 'thr-1' });

    const frames = await faultyClient.finish('thr-1');

    expect(frames.at(-1)).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'haiku', model: faulty.catalog.haiku.modelId });
    expect(faulty.bedrock.stats().faults.throttle).toBeGreaterThanOrEqual(3);
  });

  it('falls back to the cheaper tier when the strong tier keeps answering 5xx', async () => {
    faulty.bedrock.setFaults({ serverErrorNext: 3 });
    faultyClient.send({ action: 'invoke', message: 'Recommend a sports manga like Slam Dunk for a beginner', requestId: 'srv-1' });

    const frames = await faultyClient.finish('srv-1');

    expect(frames.at(-1)).toMatchObject({ type: 'done', tier: 'haiku' });
    expect(faulty.bedrock.stats().faults.serverError).toBe(3);
  });

  it('ends a stream that breaks midway with an error frame, not a silently truncated answer', async () => {
    faulty.bedrock.setFaults({ midStreamErrorNext: 1 });
    faultyClient.send({ action: 'invoke', message: 'Recommend a long fantasy manga series like Frieren for a new reader', requestId: 'mid-1' });

    const frames = await faultyClient.finish('mid-1');

    // Text already reached the client, so the break is reported instead of ending the answer as if complete.
    expect(textOf(frames).length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'model_stream_interrupted' });
    expect(frames.filter((f) => f.type === 'done')).toHaveLength(0);
  });

  it('does not hang on a stalled model stream', async () => {
    faulty.bedrock.setFaults({ hangNext: 1 });
    faultyClient.send({ action: 'invoke', message: 'Recommend manga like Vagabond with great art', requestId: 'hang-1' });

    const frames = await faultyClient.finish('hang-1', 15_000);

    // Text reached the client before the stall: the answer is interrupted, whatever cut it (here the idle timeout).
    expect(textOf(frames).length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'model_stream_interrupted' });
  });

});

/** Polls a condition the system reaches asynchronously; fails after `timeoutMs` instead of hanging. */
const eventually = async (condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const todayJst = (): string => new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
