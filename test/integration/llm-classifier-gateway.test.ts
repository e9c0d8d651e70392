import { silentLog } from '../support/fakes';
import { unsureMessages } from '../support/unsure-messages';
import { TestClient } from '../support/ws-client';
import { startLocalStack, type LocalStack } from '../../local/stack';

/**
 * The LLM classifier fallback through the offline stack: the real route / invoke handlers, the real Bedrock SDK
 * client, and the local endpoint's deterministic stand-in answering the forced classification tool.
 */
describe('LLM classifier fallback through the offline stack', () => {
  // Distinct messages: the LLM's answers are cached by normalized text, so each test needs its own.
  const [unsureJa = '', unsureGuestJa = '', unsureHangJa = ''] = unsureMessages('ja', 3);
  const [unsureEn = ''] = unsureMessages('en', 1);
  let stack: LocalStack;
  let client: TestClient;
  /** An operator's connection: only an operator's `route` preview may ask the LLM classifier. */
  let operator: TestClient;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrockTimeoutMs: 1500, bedrock: { seed: 11, latencyScale: 0.02 }, routingCacheTtlMs: 0 });
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    client = await TestClient.connect(stack.url);
    operator = await TestClient.connect(`${stack.url}?token=${stack.issuer.sign({ customerId: 'ops-1', scope: 'mangaassist/operator' })}`);
  });

  afterEach(async () => {
    stack.bedrock.setFaults({ hangRate: 0 });
    await client.close();
    await operator.close();
  });

  const route = async (message: string, requestId: string, from: TestClient = operator) => {
    from.send({ action: 'route', message, requestId });
    const reply = await from.waitFor((f) => f.requestId === requestId);
    if (reply.type !== 'route') throw new Error(`expected a route frame, got ${JSON.stringify(reply)}`);
    return reply;
  };

  it('asks the LLM for a low-confidence message: the route frame says llm:<intent> (Japanese input)', async () => {
    const before = stack.bedrock.stats().requests.total;
    const reply = await route(unsureJa, 'llm-ja-1');
    expect(reply.reasons.some((reason) => reason.startsWith('llm:'))).toBe(true);
    expect(stack.bedrock.stats().requests.total).toBe(before + 1);
    expect(stack.metrics.sum('ClassifierSource', { Source: 'llm' })).toBeGreaterThanOrEqual(1);
    expect(stack.metrics.sum('ClassifierCostMicroUsd')).toBeGreaterThan(0);

    // The same text again (full-width / spacing aside): the cached answer, no second model call.
    const again = await route(` ${unsureJa.replace('？', '?')} `, 'llm-ja-2');
    expect(again.reasons.some((reason) => reason.startsWith('llm:'))).toBe(true);
    expect(stack.bedrock.stats().requests.total).toBe(before + 1);
  });

  it("previews a guest's low-confidence message by the fast path: no model call, the steps only", async () => {
    const before = stack.bedrock.stats().requests.total;
    const reply = await route(unsureGuestJa, 'llm-guest', client);
    expect(reply.reasons.some((reason) => reason === 'classifier:llm' || reason.startsWith('llm:'))).toBe(false);
    expect(reply.reasons.some((reason) => reason.startsWith('kw:') || reason.startsWith('model:'))).toBe(false);
    expect(stack.bedrock.stats().requests.total).toBe(before);
    // The same message from an operator is one the LLM is asked about.
    const operatorReply = await route(unsureGuestJa, 'llm-operator');
    expect(operatorReply.reasons.some((reason) => reason.startsWith('llm:'))).toBe(true);
    expect(stack.bedrock.stats().requests.total).toBe(before + 1);
  });

  it('does not ask the LLM when the fast path is confident', async () => {
    const before = stack.bedrock.stats().requests.total;
    const reply = await route('注文番号１２３４５はどこ？', 'llm-confident');
    expect(reply).toMatchObject({ intent: 'order_status', tier: 'template' });
    expect(reply.reasons.some((reason) => reason.startsWith('llm:'))).toBe(false);
    expect(stack.bedrock.stats().requests.total).toBe(before);
  });

  it('answers an invoke after the fallback: the done frame carries the llm reason', async () => {
    client.send({ action: 'invoke', message: unsureEn, requestId: 'llm-invoke' });
    const done = await client.waitFor((f) => f.requestId === 'llm-invoke' && (f.type === 'done' || f.type === 'error'));
    // A guest's done frame names the step (the LLM classifier), not its answer.
    expect(done).toMatchObject({ type: 'done', reasons: expect.arrayContaining(['classifier:llm']) });
  });

  it('keeps the fast path when the model hangs, within the fallback timeout', async () => {
    stack.bedrock.setFaults({ hangRate: 1 });
    const startedAt = Date.now();
    const reply = await route(unsureHangJa, 'llm-hang');
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(reply.reasons.some((reason) => reason.startsWith('llm:'))).toBe(false);
    expect(stack.metrics.sum('LlmFallbackFailures', { Reason: 'timeout' })).toBeGreaterThanOrEqual(1);
  });
});
