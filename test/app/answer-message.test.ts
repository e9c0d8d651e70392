import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps } from '../../lambdas/app/answer-message';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../../lambdas/core/capacity/config';
import type { Principal } from '../../lambdas/core/principal';
import type { RoutingOverride } from '../../lambdas/core/routing';
import { ModelStreamInterruptedError, ModelThrottledError, ModelUnavailableError } from '../../lambdas/core/errors';
import { budgetDay } from '../../lambdas/core/spend';
import type { Classification, Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import {
  FlakyLedger,
  ManualClock,
  MemoryOrders,
  MemoryRoutingConfig,
  RecordingLog,
  RecordingMessenger,
  ScriptedModel,
  textScript,
  type ScriptStep,
} from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const CUSTOMER: Principal = { kind: 'customer', customerId: 'cust-1', scopes: [] };
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
  readonly capacityState?: MemoryCapacityState;
  readonly capacityConfig?: CapacityConfig;
  readonly routingRows?: RoutingOverride[];
  readonly random?: () => number;
}

const setup = ({ intent, scripts = {}, messenger = new RecordingMessenger(), capacityState = new MemoryCapacityState(), capacityConfig = DEFAULT_CAPACITY_CONFIG, routingRows = [], random = () => 0.5 }: Setup) => {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const ledger = new FlakyLedger();
  const model = new ScriptedModel(scripts);
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const deps: AnswerDeps = {
    ...wireAnswer({
      classifier: fixedClassifier(intent),
      routingConfig: new MemoryRoutingConfig(routingRows),
      capacityState,
      capacityConfig,
      catalog,
      clock,
      log,
      metrics,
      orders: new MemoryOrders([{ orderId: '12345', customerId: 'cust-1', status: 'shipped', items: ['Berserk 1'] }]),
      model,
      store,
      ledger,
      calendar: new MemoryCalendar(),
      budgetConfig: DEFAULT_BUDGET_CONFIG,
      random,
      options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 20, maxDelayMs: 10_000 } },
    }),
    messenger,
  };
  const request = { connectionId: 'c-1', requestId: 'r-1', message: 'a question 12345', receivedAt: clock.now(), principal: CUSTOMER };
  /** What the ledger says was spent today on a tier (or in all). */
  const spent = async (tier?: 'haiku' | 'sonnet') => {
    const day = await ledger.daySpend(budgetDay(clock.now()), clock.now());
    return tier ? (day.byTier[tier] ?? 0) : day.spentUsd;
  };
  return { deps, request, clock, store, ledger, spent, model, messenger, metrics, capacityState, log };
};

/** The frames that end a request: there must be exactly one. */
const endings = (messenger: RecordingMessenger) => messenger.frames.filter((f) => f.type === 'done' || f.type === 'error');

describe('answerMessage', () => {
  it('answers an order status from the orders table at zero cost without calling a model', async () => {
    const { deps, request, model, messenger, spent } = setup({ intent: 'order_status' });

    const outcome = await answerMessage(deps, request);

    expect(outcome.kind).toBe('answered');
    expect(messenger.ofType('chunk')[0]?.text).toContain('Order 12345');
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'template', model: null, costUsd: 0, inputTokens: 0 });
    expect(model.requests).toHaveLength(0);
    expect(await spent()).toBe(0);
  });

  it("answers another customer's order exactly as an order that does not exist", async () => {
    const other = setup({ intent: 'order_status' });
    const missing = setup({ intent: 'order_status' });

    await answerMessage(other.deps, { ...other.request, message: 'where is order 12345', principal: { kind: 'customer', customerId: 'cust-2', scopes: [] } });
    await answerMessage(missing.deps, { ...missing.request, message: 'where is order 12345', principal: { kind: 'customer', customerId: 'cust-9', scopes: [] } });
    const own = setup({ intent: 'order_status' });
    await answerMessage(own.deps, { ...own.request, message: 'where is order 12345' });

    const textOf = (messenger: RecordingMessenger) => messenger.ofType('chunk').map((c) => c.text).join('');
    expect(textOf(other.messenger)).toBe(textOf(missing.messenger));
    expect(textOf(other.messenger)).not.toContain('Berserk');
    expect(textOf(own.messenger)).toContain('Berserk');
  });

  it('asks a guest to sign in for an order question and looks nothing up', async () => {
    const guest = setup({ intent: 'order_status' });
    const orders = guest.deps.orders as MemoryOrders;

    await answerMessage(guest.deps, { ...guest.request, principal: { kind: 'guest', guestId: 'c-1' } });
    const { principal: _none, ...anonymous } = guest.request;
    await answerMessage(guest.deps, { ...anonymous, requestId: 'r-2' });

    expect(guest.messenger.ofType('chunk').map((c) => c.text)).toEqual([expect.stringContaining('sign in'), expect.stringContaining('sign in')]);
    expect(guest.messenger.ofType('done')[0]).toMatchObject({ tier: 'template', costUsd: 0 });
    expect(orders.lookups).toEqual([]);
  });

  it('streams a strong-tier answer as coalesced chunks and charges its usage', async () => {
    const text = 'You might enjoy Vinland Saga and Vagabond, both mature and hopeful.';
    const { deps, request, messenger, spent } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript(text) } });

    await answerMessage(deps, request);

    const chunks = messenger.ofType('chunk');
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(chunks.length).toBeLessThan(text.split(' ').length);
    const done = messenger.ofType('done')[0];
    expect(done).toMatchObject({ tier: 'sonnet', model: SONNET, inputTokens: 100, outputTokens: 50, cacheHit: false });
    expect(done?.costUsd).toBeCloseTo((100 * 3 + 50 * 15) / 1e6, 9);
    expect(await spent('sonnet')).toBeCloseTo(done?.costUsd ?? -1, 9);
  });

  it('sends the catalog\'s maxTokens for an intent without a token budget', async () => {
    const { deps, request, model } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('hi there') } });

    await answerMessage(deps, request);

    expect(model.requests[0]?.maxTokens).toBe(catalog.haiku.maxOutputTokens);
  });

  it('falls back to the cheap tier when the strong tier is throttled before any text, and charges only the tier called', async () => {
    const { deps, request, messenger, spent, metrics } = setup({
      intent: 'comparison',
      scripts: {
        [SONNET]: [{ type: 'fail', error: new ModelThrottledError('throttled') }],
        [HAIKU]: textScript('Both editions are great.', { inputTokens: 80, outputTokens: 20 }),
      },
    });

    await answerMessage(deps, request);

    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku', model: HAIKU });
    expect(await spent('sonnet')).toBe(0);
    expect(await spent('haiku')).toBeGreaterThan(0);
    expect(metrics.sum('ModelFallbacks', { Tier: 'sonnet' })).toBe(1);
  });

  it('counts in the done frame the cost of a strong-tier attempt that was accepted but failed before any text', async () => {
    const { deps, request, messenger, spent } = setup({
      intent: 'comparison',
      scripts: {
        [SONNET]: [{ type: 'usage', inputTokens: 400, outputTokens: 0 }, { type: 'fail', error: new ModelUnavailableError('5xx after accept') }],
        [HAIKU]: textScript('Both editions are great.', { inputTokens: 80, outputTokens: 20 }),
      },
    });

    await answerMessage(deps, request);

    const done = messenger.ofType('done')[0];
    expect(done).toMatchObject({ tier: 'haiku' });
    const paid = (await spent('sonnet')) + (await spent('haiku'));
    expect(await spent('sonnet')).toBeGreaterThan(0);
    expect(done?.costUsd).toBeCloseTo(paid, 9);
  });

  it('reports a failure, not a truncated answer, when the stream breaks after text was sent', async () => {
    const { deps, request, messenger, spent } = setup({
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
    expect(await spent('sonnet')).toBeGreaterThan(0);
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

describe('answerMessage with provisioned targets', () => {
  const SONNET_ARN = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/sonnet-a';
  const SONNET_ARN_B = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/sonnet-b';
  const HAIKU_ARN = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/haiku-a';
  const throttled: ScriptStep[] = [{ type: 'fail', error: new ModelThrottledError('throttled') }];

  const provisioned = async (targets: Partial<Record<'haiku' | 'sonnet', { arn: string; units: number }[]>>) => {
    const state = new MemoryCapacityState();
    for (const [tier, list] of Object.entries(targets) as ['haiku' | 'sonnet', { arn: string; units: number }[]][]) {
      await state.switchTarget(tier, 0, list, 0);
    }
    return state;
  };

  it('sends the provisioned throughput ARN as the modelId and reports the catalog model with target provisioned', async () => {
    const { deps, request, model, messenger } = setup({
      intent: 'recommendation',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 2 }] }),
      scripts: { [SONNET_ARN]: textScript('Vinland Saga.') },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET_ARN]);
    // The intent's token budget (800), within the catalog's limit for the model.
    expect(model.requests[0]?.maxTokens).toBe(DEFAULT_BUDGET_CONFIG.tokenBudgets.recommendation?.maxOutputTokens);
    expect(endings(messenger)).toEqual([expect.objectContaining({ type: 'done', tier: 'sonnet', model: SONNET, target: 'provisioned' })]);
  });

  it('charges a provisioned call at the on-demand token prices and records provisioned tokens against capacity', async () => {
    const { deps, request, spent, metrics, messenger } = setup({
      intent: 'recommendation',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 2 }, { arn: SONNET_ARN_B, units: 1 }] }),
      scripts: { [SONNET_ARN]: textScript('Vinland Saga.'), [SONNET_ARN_B]: textScript('Vinland Saga.') },
    });

    await answerMessage(deps, request);

    const expectedCost = (100 * 3 + 50 * 15) / 1e6;
    expect(messenger.ofType('done')[0]?.costUsd).toBeCloseTo(expectedCost, 9);
    expect(await spent('sonnet')).toBeCloseTo(expectedCost, 9);
    expect(metrics.sum('ModelTokens', { Tier: 'sonnet' })).toBe(150);
    expect(metrics.sum('ProvisionedTokens', { Tier: 'sonnet' })).toBe(150);
    expect(metrics.records.find((r) => r.name === 'ProvisionedCapacityTps')).toEqual({
      name: 'ProvisionedCapacityTps',
      value: 3 * DEFAULT_CAPACITY_CONFIG.tiers.sonnet.unitTokensPerSecond,
      unit: 'None',
      dimensions: { Tier: 'sonnet' },
    });
  });

  it.each([
    [0.1, SONNET_ARN],
    [0.9, SONNET_ARN_B],
  ])('picks among provisioned throughputs by units with the injected random draw (%s)', async (draw, expected) => {
    const { deps, request, model } = setup({
      intent: 'recommendation',
      random: () => draw,
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 3 }, { arn: SONNET_ARN_B, units: 1 }] }),
      scripts: { [SONNET_ARN]: textScript('a.'), [SONNET_ARN_B]: textScript('b.') },
    });

    await answerMessage(deps, request);

    expect(model.requests[0]?.modelId).toBe(expected);
  });

  it('falls back from a throttled provisioned target to the same tier on-demand, still cached under that tier', async () => {
    const { deps, request, model, messenger, metrics } = setup({
      intent: 'comparison',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 1 }] }),
      scripts: { [SONNET_ARN]: throttled, [SONNET]: textScript('Both editions are great.') },
    });

    await answerMessage(deps, request);
    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET_ARN, SONNET]);
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'sonnet', model: SONNET, target: 'on_demand' });
    expect(messenger.ofType('done')[1]).toMatchObject({ requestId: 'r-2', cacheHit: true, target: null });
    expect(metrics.sum('ModelThrottles', { Tier: 'sonnet', Target: 'provisioned' })).toBe(1);
    expect(metrics.sum('TargetFallbacks', { Tier: 'sonnet' })).toBe(1);
    expect(metrics.sum('ModelFallbacks')).toBe(0);
  });

  it('falls back provisioned -> on-demand -> the cheaper tier, which picks its own target, and ends in one done frame', async () => {
    const { deps, request, model, messenger, spent, metrics } = setup({
      intent: 'recommendation',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 1 }], haiku: [{ arn: HAIKU_ARN, units: 1 }] }),
      scripts: { [SONNET_ARN]: throttled, [SONNET]: throttled, [HAIKU_ARN]: textScript('Try Vagabond.', { inputTokens: 80, outputTokens: 20 }) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET_ARN, SONNET, HAIKU_ARN]);
    expect(endings(messenger)).toEqual([expect.objectContaining({ type: 'done', tier: 'haiku', model: HAIKU, target: 'provisioned' })]);
    expect(await spent('sonnet')).toBe(0);
    expect(await spent('haiku')).toBeCloseTo((80 * 0.25 + 20 * 1.25) / 1e6, 9);
    expect(metrics.sum('ModelThrottles', { Tier: 'sonnet', Target: 'on_demand' })).toBe(1);
    expect(metrics.sum('ModelFallbacks', { Tier: 'sonnet' })).toBe(1);
  });

  it('fails with no done frame when every target of every tier is throttled', async () => {
    const { deps, request, model, messenger, metrics } = setup({
      intent: 'recommendation',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 1 }], haiku: [{ arn: HAIKU_ARN, units: 1 }] }),
      scripts: { [SONNET_ARN]: throttled, [SONNET]: throttled, [HAIKU_ARN]: throttled, [HAIKU]: throttled },
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', tier: 'haiku', error: { code: 'model_throttled' } });
    expect(model.requests).toHaveLength(4);
    expect(endings(messenger)).toHaveLength(0);
    expect(metrics.sum('ModelThrottles')).toBe(4);
    expect(metrics.sum('FallbackReplies', { Tier: 'haiku' })).toBe(1);
  });

  it('does not fall back to on-demand once provisioned text reached the client', async () => {
    const { deps, request, model, messenger } = setup({
      intent: 'recommendation',
      capacityState: await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 1 }] }),
      scripts: {
        [SONNET_ARN]: [
          { type: 'text', text: 'Here is a long first part of the answer, ' },
          { type: 'fail', error: new ModelStreamInterruptedError('broken') },
        ],
      },
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', tier: 'sonnet', error: { code: 'model_stream_interrupted' } });
    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET_ARN]);
    expect(endings(messenger)).toHaveLength(0);
  });

  it('reports target null for template and cache answers and on_demand without provisioned throughput', async () => {
    const template = setup({ intent: 'order_status' });
    const policy = setup({ intent: 'shipping_info', scripts: { [HAIKU]: textScript('Free over 5000 yen.') } });

    await answerMessage(template.deps, template.request);
    await answerMessage(policy.deps, policy.request);
    await answerMessage(policy.deps, { ...policy.request, requestId: 'r-2' });

    expect(template.messenger.ofType('done')[0]).toMatchObject({ tier: 'template', target: null });
    expect(policy.messenger.ofType('done').map((d) => [d.cacheHit, d.target])).toEqual([
      [false, 'on_demand'],
      [true, null],
    ]);
  });

  it('keeps sending calls to the last good provisioned target when the capacity table becomes unreadable', async () => {
    const capacityState = await provisioned({ sonnet: [{ arn: SONNET_ARN, units: 1 }] });
    const { deps, request, model, clock } = setup({ intent: 'recommendation', capacityState, scripts: { [SONNET_ARN]: textScript('ok.') } });

    await answerMessage(deps, request);
    capacityState.failReads = true;
    clock.advance(31_000);
    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(capacityState.reads).toBe(2);
    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET_ARN, SONNET_ARN]);
  });
});

describe('answerMessage under mitigation', () => {
  const mitigationFor = (clock: ManualClock, state: MemoryCapacityState, ms = 10 * 60_000) => {
    state.mitigation = { until: clock.now() + ms, reason: 'release night', setBy: 'operator:oncall', startedAt: clock.now() };
  };

  it('moves a demotable intent off the strong tier while mitigation is on, and records the mitigation mode', async () => {
    const capacityState = new MemoryCapacityState();
    const { deps, request, model, messenger, metrics, clock } = setup({
      intent: 'chitchat',
      capacityState,
      routingRows: [{ intent: 'chitchat', tier: 'sonnet' }],
      scripts: { [HAIKU]: textScript('Hello!') },
    });
    mitigationFor(clock, capacityState);

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku', model: HAIKU });
    expect(metrics.records.filter((r) => r.name === 'MitigationMode')).toEqual([{ name: 'MitigationMode', value: 1, unit: 'None', dimensions: {} }]);
  });

  it('never moves a locked intent, even one the mitigation config lists', async () => {
    const capacityState = new MemoryCapacityState();
    const config = { ...DEFAULT_CAPACITY_CONFIG, mitigation: { ...DEFAULT_CAPACITY_CONFIG.mitigation, demoteIntents: ['recommendation' as const] } };
    const { deps, request, model, clock } = setup({ intent: 'recommendation', capacityState, capacityConfig: config, scripts: { [SONNET]: textScript('Berserk.') } });
    mitigationFor(clock, capacityState);

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
  });

  it('routes as usual once mitigation has expired', async () => {
    const capacityState = new MemoryCapacityState();
    const { deps, request, model, clock, metrics } = setup({
      intent: 'chitchat',
      capacityState,
      routingRows: [{ intent: 'chitchat', tier: 'sonnet' }],
      scripts: { [SONNET]: textScript('Hello!') },
    });
    mitigationFor(clock, capacityState, 1000);
    clock.advance(1000);

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
    expect(metrics.sum('MitigationMode')).toBe(0);
  });

  it.each([
    ['keeps', true, 2 * 3600, true],
    ['does not keep', false, 2 * 3600, false],
  ])('%s a cached answer past the normal hour when mitigation was on (mitigation: %s)', async (_name, mitigated, laterSeconds, hit) => {
    const capacityState = new MemoryCapacityState();
    const { deps, request, model, clock } = setup({ intent: 'shipping_info', capacityState, scripts: { [HAIKU]: textScript('Ships in 2 days.') } });
    if (mitigated) mitigationFor(clock, capacityState);

    await answerMessage(deps, request);
    clock.advance(laterSeconds * 1000);
    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(model.requests).toHaveLength(hit ? 1 : 2);
  });
});

describe('automatic throttle mitigation', () => {
  const config: CapacityConfig = {
    ...DEFAULT_CAPACITY_CONFIG,
    mitigation: { ...DEFAULT_CAPACITY_CONFIG.mitigation, throttleRateThreshold: 0.5, minCallsInWindow: 4, windowMs: 60_000, autoDurationMs: 15 * 60_000 },
  };
  const throttled: ScriptStep[] = [{ type: 'fail', error: new ModelThrottledError('throttled') }];
  // chitchat on the strong tier: demotable, and never cached, so every request calls a model.
  const scenario = (capacityState = new MemoryCapacityState()) =>
    setup({
      intent: 'chitchat',
      capacityState,
      capacityConfig: config,
      routingRows: [{ intent: 'chitchat', tier: 'sonnet' }],
      scripts: { [SONNET]: throttled, [HAIKU]: textScript('Hi!') },
    });

  it('starts mitigation once the throttled share crosses the threshold, once, and this container sees it at once', async () => {
    const capacityState = new MemoryCapacityState();
    const start = jest.spyOn(capacityState, 'startMitigationIfOff');
    const { deps, request, clock, metrics, model, messenger } = scenario(capacityState);

    // Each answer: a throttled sonnet call, then haiku answers. Two answers = 4 calls at a 50% throttle rate.
    await answerMessage(deps, { ...request, requestId: 'r-1' });
    expect(start).not.toHaveBeenCalled();
    await answerMessage(deps, { ...request, requestId: 'r-2' });
    model.requests.length = 0;
    await answerMessage(deps, { ...request, requestId: 'r-3' });
    await answerMessage(deps, { ...request, requestId: 'r-4' });

    expect(start).toHaveBeenCalledTimes(1);
    expect(capacityState.mitigation).toEqual({ until: clock.now() + 15 * 60_000, reason: 'throttle_rate:0.50', setBy: 'auto:throttle-rate', startedAt: clock.now() });
    expect(metrics.sum('MitigationStarted')).toBe(1);
    // Demoted straight away, without waiting for the next read of the capacity table.
    expect(capacityState.reads).toBe(1);
    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU, HAIKU]);
    expect(endings(messenger).map((f) => f.type)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('answers normally when the mitigation write fails, logs it, and does not retry on every call', async () => {
    const capacityState = new MemoryCapacityState();
    const start = jest.spyOn(capacityState, 'startMitigationIfOff').mockRejectedValue(new Error('capacity table down'));
    const { deps, request, messenger, metrics, log } = scenario(capacityState);

    for (const id of ['r-1', 'r-2', 'r-3', 'r-4']) await answerMessage(deps, { ...request, requestId: id });

    expect(endings(messenger).map((f) => f.type)).toEqual(['done', 'done', 'done', 'done']);
    expect(start).toHaveBeenCalledTimes(1);
    expect(log.messages('error')).toContain('could not start throttle mitigation; answering without it');
    expect(metrics.sum('MitigationStarted')).toBe(0);
  });

  it('does not start mitigation while too few calls were seen to judge', async () => {
    const capacityState = new MemoryCapacityState();
    const start = jest.spyOn(capacityState, 'startMitigationIfOff');
    const { deps, request } = scenario(capacityState);

    await answerMessage(deps, request);

    expect(start).not.toHaveBeenCalled();
  });

  it('leaves mitigation started elsewhere alone and reads it on the next request', async () => {
    const capacityState = new MemoryCapacityState();
    const { deps, request, clock, metrics } = scenario(capacityState);
    await answerMessage(deps, { ...request, requestId: 'r-1' });
    // Another container switched it on after this one last read the table.
    capacityState.mitigation = { until: clock.now() + 60_000, reason: 'throttle_rate:0.90', setBy: 'auto:throttle-rate', startedAt: clock.now() };

    await answerMessage(deps, { ...request, requestId: 'r-2' });
    await answerMessage(deps, { ...request, requestId: 'r-3' });

    expect(metrics.sum('MitigationStarted')).toBe(0);
    expect(capacityState.mitigation.reason).toBe('throttle_rate:0.90');
    expect(capacityState.reads).toBe(2);
    expect(metrics.sum('MitigationMode')).toBe(1);
  });
});

describe('answerMessage capacity metrics', () => {
  it('records tokens per request and a token plan miss, per intent and in total', async () => {
    const { deps, request, metrics } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('Long.', { inputTokens: 1000, outputTokens: 500 }) } });

    await answerMessage(deps, request);

    expect(metrics.sum('TokensPerRequest', { Intent: 'recommendation' })).toBe(1500);
    const misses = metrics.records.filter((r) => r.name === 'TokenPlanExceeded');
    expect(misses).toEqual([
      { name: 'TokenPlanExceeded', value: 1, unit: 'Count', dimensions: { Intent: 'recommendation' } },
      { name: 'TokenPlanExceeded', value: 1, unit: 'Count', dimensions: {} },
    ]);
  });

  it('records no token plan miss within the plan, nor for an intent without one', async () => {
    const planned = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('Short.', { inputTokens: 600, outputTokens: 400 }) } });
    const unplanned = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi.', { inputTokens: 5000, outputTokens: 500 }) } });

    await answerMessage(planned.deps, planned.request);
    await answerMessage(unplanned.deps, unplanned.request);

    expect(planned.metrics.sum('TokenPlanExceeded') + unplanned.metrics.sum('TokenPlanExceeded')).toBe(0);
    expect(unplanned.metrics.sum('ModelTokens', { Tier: 'haiku' })).toBe(5500);
  });

  it('records the wait before the first model call, once per answer', async () => {
    const throttled: ScriptStep[] = [{ type: 'fail', error: new ModelThrottledError('throttled') }];
    const { deps, request, metrics } = setup({ intent: 'comparison', scripts: { [SONNET]: throttled, [HAIKU]: textScript('ok.') } });

    await answerMessage(deps, { ...request, receivedAt: request.receivedAt - 250 });

    expect(metrics.records.filter((r) => r.name === 'QueueWaitMs')).toEqual([{ name: 'QueueWaitMs', value: 250, unit: 'Milliseconds', dimensions: {} }]);
  });

  it('records no model metrics for a template answer', async () => {
    const { deps, request, metrics } = setup({ intent: 'greeting' });

    await answerMessage(deps, request);

    expect(metrics.records.map((r) => r.name)).not.toEqual(expect.arrayContaining(['QueueWaitMs']));
    expect(metrics.sum('ModelTokens') + metrics.sum('TokensPerRequest')).toBe(0);
  });
});
