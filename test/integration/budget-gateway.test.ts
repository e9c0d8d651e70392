import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { CapacityItemError } from '../../lambdas/adapters/dynamodb-capacity';
import { DEFAULT_LEDGER_CACHE_MS } from '../../lambdas/app/budget-source';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { jstDay, maxTokensFor, worstCaseUsd } from '../../lambdas/core/budget/guardian';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { estimateTokens } from '../../lambdas/core/language';
import { delimitUntrusted, systemPrompt } from '../../lambdas/core/prompts';
import type { DoneReply, ServerFrame } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { TestClient } from '../support/ws-client';

/**
 * The budget guardian end to end: real WebSocket clients through the offline stack, the budget ledger in the suite's
 * own redis-server (atomic Lua reservations), the capacity table in dynalite (the published budget status).
 */
const RECOMMENDATION = 'Can you recommend manga like Berserk but less dark and more hopeful?';
const sonnet = MODEL_CATALOGS.current.sonnet;
/** What admission reserves for one strong-tier recommendation: its estimated input plus the intent's maxTokens. */
const SONNET_WORST_CASE = worstCaseUsd(
  sonnet,
  estimateTokens(systemPrompt('recommendation', 'en') + delimitUntrusted(RECOMMENDATION)),
  maxTokensFor(sonnet, DEFAULT_BUDGET_CONFIG.tokenBudgets.recommendation),
);
/** Covers 10 strong-tier worst cases, not 11. */
const DAILY_BUDGET_USD = 10.5 * SONNET_WORST_CASE;

const endings = (frames: readonly ServerFrame[]) => frames.filter((f) => f.type === 'done' || f.type === 'error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const today = () => jstDay(Date.now());

describe('the budget guardian over a real WebSocket and a real redis-server', () => {
  let redis: TestRedis;
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startLocalStack({
      port: 0,
      redisUrl: redis.url,
      log: silentLog,
      bedrockTimeoutMs: 5000,
      bedrock: { seed: 21, latencyScale: 0.05 },
      routingCacheTtlMs: 0,
      servingCacheTtlMs: 0,
      dailyBudgetUsd: DAILY_BUDGET_USD,
    });
    client = await TestClient.connect(stack.url);
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
    await redis.stop();
  });

  it('admits at most 10 of 50 concurrent strong-tier answers at sonnet, degrades the rest, ends each once, and leaks no reservation', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
    for (const requestId of ids) client.send({ action: 'invoke', message: RECOMMENDATION, requestId });

    // Generous: 50 streamed answers share two cores with the rest of the suite.
    await Promise.all(ids.map((id) => client.finish(id, 50_000)));
    await sleep(200);

    const perRequest = ids.map((id) => endings(client.frames.filter((f) => f.requestId === id)));
    expect(perRequest.every((frames) => frames.length === 1)).toBe(true);
    const ends = perRequest.flat();
    const dones = ends.filter((f): f is DoneReply => f.type === 'done');
    const sonnetAnswers = dones.filter((d) => d.tier === 'sonnet');
    expect(sonnetAnswers.length).toBeGreaterThan(0);
    expect(sonnetAnswers.length).toBeLessThanOrEqual(10);
    expect(dones.filter((d) => d.tier === 'haiku').every((d) => d.reasons.some((r) => r.startsWith('budget:')))).toBe(true);
    expect(ends.filter((f) => f.type === 'error').every((f) => f.type === 'error' && f.code === 'budget_exhausted')).toBe(true);
    const day = await stack.ledger.daySpend(today(), Date.now());
    expect(day.reservedUsd).toBe(0);
    expect(day.spentUsd).toBeLessThanOrEqual(DAILY_BUDGET_USD);
    expect(day.spentUsd).toBeCloseTo(dones.reduce((sum, d) => sum + d.costUsd, 0), 5);
  }, 60_000);

  it('applies an override set through the ledger to the next request, and the route frame follows the published status', async () => {
    const ledgerDay = today();
    // Nothing left: even the cheap tier is refused, and the invoke path publishes the exhausted status.
    await stack.ledger.setOverride(ledgerDay, { usd: 0.000001, expiresAt: Date.now() + 3_600_000, setBy: 'test', reason: 'exhaust' });
    await sleep(DEFAULT_LEDGER_CACHE_MS + 100);
    client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'ovr-low' });
    const low = endings(await client.finish('ovr-low'));
    client.send({ action: 'route', message: RECOMMENDATION, requestId: 'ovr-route-low' });
    const routeLow = await client.waitFor((f) => f.requestId === 'ovr-route-low');

    // No wait: the override is read on every request, while the spend reading may be a second old.
    await stack.ledger.setOverride(ledgerDay, { usd: 1000, expiresAt: Date.now() + 3_600_000, setBy: 'test', reason: 'sale' });
    client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'ovr-high' });
    const high = endings(await client.finish('ovr-high'));
    client.send({ action: 'route', message: RECOMMENDATION, requestId: 'ovr-route-high' });
    const routeHigh = await client.waitFor((f) => f.requestId === 'ovr-route-high');

    expect(low).toEqual([expect.objectContaining({ type: 'error', code: 'budget_exhausted' })]);
    expect(routeLow).toMatchObject({ type: 'route', intent: 'recommendation', tier: 'haiku', reasons: expect.arrayContaining(['budget:exhausted:demoted_to_haiku']) });
    expect(high).toEqual([expect.objectContaining({ type: 'done', tier: 'sonnet' })]);
    expect(routeHigh).toMatchObject({ type: 'route', intent: 'recommendation', tier: 'sonnet' });
    expect((await stack.capacityState.readServingState()).budget).toMatchObject({ day: ledgerDay, mode: 'normal', demoted: [] });
    await stack.ledger.clearOverride(ledgerDay);
  });

  it('stores the published budget status in the capacity table as it was written', async () => {
    const status = { day: today(), mode: 'emergency' as const, demoted: ['summarization' as const, 'comparison' as const], partial: [{ intent: 'recommendation' as const, share: 0.25 }], updatedAt: Date.now() };

    await stack.capacityState.publishBudgetStatus(status);

    expect((await stack.capacityState.readServingState()).budget).toEqual(status);
  });

  it('refuses a malformed BUDGET item in the capacity table instead of guessing', async () => {
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    try {
      await documents.send(new PutCommand({ TableName: stack.tables.capacity, Item: { pk: 'BUDGET', day: 'today', mode: 'panic', demoted: ['opus'], partial: [{ intent: 'recommendation', share: 2 }], updatedAt: 1 } }));

      await expect(stack.capacityState.readServingState()).rejects.toThrow(CapacityItemError);
      await expect(stack.capacityState.readServingState()).rejects.toThrow(/day must be a YYYY-MM-DD date.*mode must be one of.*demoted\[0\] must be an intent.*partial\[0\]\.share must be a share/);
    } finally {
      await stack.capacityState.publishBudgetStatus({ day: today(), mode: 'normal', demoted: [], partial: [], updatedAt: Date.now() });
      documents.destroy();
    }
  });
});

describe('the budget guardian with Redis stopped', () => {
  let redis: TestRedis;
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    redis = await startTestRedis();
    stack = await startLocalStack({ port: 0, redisUrl: redis.url, log: silentLog, bedrock: { seed: 5, latencyScale: 0.05 } });
    client = await TestClient.connect(stack.url);
    await redis.stop();
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
  });

  it('fails closed within about a second: a strong-tier intent is answered by the cheap tier, never the strong one', async () => {
    const sonnetCallsBefore = stack.bedrock.stats().requests.byModel[stack.catalog.sonnet.modelId] ?? 0;
    const started = Date.now();
    client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'down-1' });

    const firstFrame = await client.waitFor((f) => f.requestId === 'down-1');
    const waited = Date.now() - started;
    const frames = endings(await client.finish('down-1'));

    expect(waited).toBeLessThan(2000);
    expect(frames).toEqual([expect.objectContaining({ type: 'done', tier: 'haiku', reasons: expect.arrayContaining(['budget:unavailable:cheap_tier']) })]);
    expect(firstFrame.type).toBe('chunk');
    expect(stack.bedrock.stats().requests.byModel[stack.catalog.sonnet.modelId] ?? 0).toBe(sonnetCallsBefore);
    expect(stack.metrics.sum('BudgetFailClosed')).toBe(1);
  });
});
