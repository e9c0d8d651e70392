import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps } from '../../lambdas/app/answer-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelStreamInterruptedError, ModelThrottledError } from '../../lambdas/core/errors';
import { budgetDay } from '../../lambdas/core/spend';
import type { Classification, Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import {
  ManualClock,
  MemoryOrders,
  MemoryRoutingConfig,
  RecordingMessenger,
  ScriptedModel,
  silentLog,
  textScript,
  type ScriptStep,
} from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;

/** A classifier that answers what the test says, so these tests exercise the use case, not the keywords. */
const fixedClassifier = (intent: Intent, overrides: Partial<Classification> = {}): IntentClassifier => ({
  classify: () => ({ intent, confidence: 0.9, complexity: 4, signals: [], ...overrides }),
});

interface Setup {
  readonly intent: Intent;
  readonly scripts?: Record<string, readonly ScriptStep[]>;
  readonly messenger?: RecordingMessenger;
}

const setup = ({ intent, scripts = {}, messenger = new RecordingMessenger() }: Setup) => {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const model = new ScriptedModel(scripts);
  const metrics = new RecordingMetrics();
  const deps: AnswerDeps = {
    ...wireAnswer({
      classifier: fixedClassifier(intent),
      routingConfig: new MemoryRoutingConfig(),
      catalog,
      clock,
      log: silentLog,
      metrics,
      orders: new MemoryOrders([{ orderId: '12345', status: 'shipped', items: ['Berserk 1'] }]),
      model,
      store,
      options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 20, maxDelayMs: 10_000 } },
    }),
    messenger,
  };
  const request = { connectionId: 'c-1', requestId: 'r-1', message: 'a question 12345', receivedAt: clock.now() };
  return { deps, request, clock, store, model, messenger, metrics };
};

describe('answerMessage', () => {
  it('answers an order status from the orders table at zero cost without calling a model', async () => {
    const { deps, request, model, messenger, store, clock } = setup({ intent: 'order_status' });

    const outcome = await answerMessage(deps, request);

    expect(outcome.kind).toBe('answered');
    expect(messenger.ofType('chunk')[0]?.text).toContain('Order 12345');
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'template', model: null, costUsd: 0, inputTokens: 0 });
    expect(model.requests).toHaveLength(0);
    expect(await store.total(budgetDay(clock.now()))).toBe(0);
  });

  it('streams a strong-tier answer as coalesced chunks and charges its usage', async () => {
    const text = 'You might enjoy Vinland Saga and Vagabond, both mature and hopeful.';
    const { deps, request, messenger, store, clock } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript(text) } });

    await answerMessage(deps, request);

    const chunks = messenger.ofType('chunk');
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks.length).toBeLessThan(text.split(' ').length);
    const done = messenger.ofType('done')[0];
    expect(done).toMatchObject({ tier: 'sonnet', model: SONNET, inputTokens: 100, outputTokens: 50, cacheHit: false });
    expect(done?.costUsd).toBeCloseTo((100 * 3 + 50 * 15) / 1e6, 9);
    expect(await store.spentOn(budgetDay(clock.now()), 'sonnet')).toBeCloseTo(done?.costUsd ?? -1, 9);
  });

  it('always sends maxTokens from the catalog', async () => {
    const { deps, request, model } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('hi there') } });

    await answerMessage(deps, request);

    expect(model.requests[0]?.maxTokens).toBe(catalog.haiku.maxOutputTokens);
  });

  it('falls back to the cheap tier when the strong tier is throttled before any text, and charges only the tier called', async () => {
    const { deps, request, messenger, store, clock, metrics } = setup({
      intent: 'comparison',
      scripts: {
        [SONNET]: [{ type: 'fail', error: new ModelThrottledError('throttled') }],
        [HAIKU]: textScript('Both editions are great.', { inputTokens: 80, outputTokens: 20 }),
      },
    });

    await answerMessage(deps, request);

    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku', model: HAIKU });
    expect(await store.spentOn(budgetDay(clock.now()), 'sonnet')).toBe(0);
    expect(await store.spentOn(budgetDay(clock.now()), 'haiku')).toBeGreaterThan(0);
    expect(metrics.sum('ModelFallbacks', { Tier: 'sonnet' })).toBe(1);
  });

  it('reports a failure, not a truncated answer, when the stream breaks after text was sent', async () => {
    const { deps, request, messenger, store, clock } = setup({
      intent: 'recommendation',
      scripts: {
        [SONNET]: [
          { type: 'text', text: 'Here is a long first part of the answer, ' },
          { type: 'fail', error: new ModelStreamInterruptedError('broken') },
        ],
      },
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(messenger.ofType('done')).toHaveLength(0);
    // What was generated before the break is still paid for.
    expect(await store.spentOn(budgetDay(clock.now()), 'sonnet')).toBeGreaterThan(0);
  });

  it('treats a stream that ends without its stop event as interrupted, never as a complete answer', async () => {
    const { deps, request, messenger } = setup({
      intent: 'recommendation',
      scripts: { [SONNET]: [{ type: 'text', text: 'A first part of the answer that is long enough to be sent, ' }] },
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(messenger.ofType('done')).toHaveLength(0);
  });

  it('fails with the last error when every tier is throttled', async () => {
    const throttled: ScriptStep[] = [{ type: 'fail', error: new ModelThrottledError('throttled') }];
    const { deps, request } = setup({ intent: 'recommendation', scripts: { [SONNET]: throttled, [HAIKU]: throttled } });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', tier: 'haiku', error: { code: 'model_throttled' } });
  });

  it('stops streaming and aborts the model call when the client has left', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `word${i} `).join('');
    const { deps, request, model } = setup({
      intent: 'recommendation',
      scripts: { [SONNET]: textScript(long) },
      messenger: new RecordingMessenger(1),
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome.kind).toBe('client_gone');
    expect(model.requests[0]?.signal.aborted).toBe(true);
  });

  it('answers a repeated policy question from the cache at zero cost', async () => {
    const { deps, request, messenger, model } = setup({ intent: 'shipping_info', scripts: { [HAIKU]: textScript('Shipping is free over 5000 yen.') } });

    await answerMessage(deps, request);
    await answerMessage(deps, { ...request, requestId: 'r-2', message: 'A QUESTION 12345?' });

    const dones = messenger.ofType('done');
    expect(dones[1]).toMatchObject({ requestId: 'r-2', cacheHit: true, costUsd: 0 });
    expect(model.requests).toHaveLength(1);
  });

  it('does not cache an answer that came from the fallback tier', async () => {
    const { deps, request, model } = setup({
      intent: 'comparison',
      scripts: {
        [SONNET]: [{ type: 'fail', error: new ModelThrottledError('throttled') }],
        [HAIKU]: textScript('Both editions are great.'),
      },
    });

    await answerMessage(deps, request);
    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET, HAIKU, SONNET, HAIKU]);
  });

  it('aborts the model stream when posting a chunk fails for any reason', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `word${i} `).join('');
    const { deps, request, model } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript(long) } });
    const failing = { ...deps, messenger: { send: () => Promise.reject(new Error('API Gateway 500')) } };

    await expect(answerMessage(failing, request)).rejects.toThrow('API Gateway 500');

    expect(model.requests[0]?.signal.aborted).toBe(true);
  });

  it('still answers from the model when the cache is down', async () => {
    const { deps, request, messenger } = setup({ intent: 'shipping_info', scripts: { [HAIKU]: textScript('Ships in 2 days.') } });
    const broken = { ...deps, cache: { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) } };

    await answerMessage(broken, request);

    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku', cacheHit: false });
  });
});
