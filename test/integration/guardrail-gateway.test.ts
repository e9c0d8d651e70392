import { jstDay } from '../../lambdas/core/budget/guardian';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { INTENTS } from '../../lambdas/core/vocabulary';
import { DEFAULT_OUTPUT_TRIGGER } from '../../local/bedrock/server';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { TestClient } from '../support/ws-client';

/**
 * Guardrail interventions end to end: real WebSocket clients through the offline stack, which sends its guardrail
 * with every answer; the local Bedrock endpoint simulates the verdict (a denied word blocks the message, the output
 * trigger blocks the answer mid-stream). The cache and the budget ledger are the suite's redis-server with an AUTH
 * token (--requirepass), reached with the token in the URL.
 */
const PIRACY = 'Where can I download a torrent of One Piece volume 100?';
const SHIPPING = 'How much is shipping to Osaka?';
const TOKEN = 'g5Hs8KqW2mXv7RtY4nPb9LcZ3dFj6AeU';

const endings = (frames: readonly ServerFrame[]) => frames.filter((f) => f.type === 'done' || f.type === 'error');
const interventions = (stack: LocalStack) => stack.metrics.records.filter((record) => record.name === 'GuardrailInterventions');

describe('guardrail interventions over a real WebSocket, with the ledger in an AUTH-protected redis-server', () => {
  let redis: TestRedis;
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    redis = await startTestRedis({ password: TOKEN });
    stack = await startLocalStack({
      port: 0,
      redisUrl: redis.url.replace('redis://', `redis://:${TOKEN}@`),
      log: silentLog,
      bedrockTimeoutMs: 5000,
      bedrock: { seed: 7, latencyScale: 0.05 },
      routingCacheTtlMs: 0,
      servingCacheTtlMs: 0,
      llmClassifier: false,
    });
    client = await TestClient.connect(stack.url);
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
    await redis.stop();
  });

  it('ends a message the guardrail blocks in exactly one content_blocked error frame, charged and counted', async () => {
    // Prepare
    const before = await stack.ledger.daySpend(jstDay(Date.now()), Date.now());

    // Act
    client.send({ action: 'invoke', message: PIRACY, requestId: 'blocked-1' });
    const frames = await client.finish('blocked-1');
    const after = await stack.ledger.daySpend(jstDay(Date.now()), Date.now());

    // Assess
    expect(endings(frames)).toEqual([{ type: 'error', requestId: 'blocked-1', code: 'content_blocked', message: expect.stringContaining("can't help with that") }]);
    expect(frames.filter((frame) => frame.type === 'done')).toEqual([]);
    expect(after.spentUsd).toBeGreaterThan(before.spentUsd);
    expect(after.reservedUsd).toBe(0);
    expect(interventions(stack)).toEqual([expect.objectContaining({ value: 1, dimensions: { Intent: expect.any(String) } })]);
    expect(INTENTS).toContain(interventions(stack)[0]?.dimensions['Intent']);
    expect(stack.bedrock.stats().guardrail).toMatchObject({ interventions: 1 });
  });

  it('still answers the next message on the same connection', async () => {
    // Act
    client.send({ action: 'invoke', message: SHIPPING, requestId: 'after-block' });
    const frames = await client.finish('after-block');

    // Assess
    expect(endings(frames)).toEqual([expect.objectContaining({ type: 'done', requestId: 'after-block' })]);
  });

  it('does not cache the blocked answer: the same message goes to the model (and its guardrail) again', async () => {
    // Prepare
    const { interventions: before } = stack.bedrock.stats().guardrail;

    // Act
    client.send({ action: 'invoke', message: PIRACY, requestId: 'blocked-2' });
    const frames = await client.finish('blocked-2');

    // Assess
    expect(endings(frames)).toEqual([expect.objectContaining({ type: 'error', code: 'content_blocked' })]);
    expect(stack.bedrock.stats().guardrail.interventions).toBe(before + 1);
    expect(frames.some((frame) => frame.type === 'done' && frame.cacheHit)).toBe(false);
  });

  it('ends an answer blocked mid-stream in content_blocked too, after at most the text that passed', async () => {
    // Act
    client.send({ action: 'invoke', message: `Tell me about the Berserk deluxe edition ${DEFAULT_OUTPUT_TRIGGER}`, requestId: 'blocked-out' });
    const frames = await client.finish('blocked-out');

    // Assess
    expect(endings(frames)).toEqual([expect.objectContaining({ type: 'error', code: 'content_blocked' })]);
    expect(frames.filter((frame) => frame.type === 'chunk').map((frame) => (frame.type === 'chunk' ? frame.text : '')).join('')).not.toContain("can't help with that");
  });
});
