import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../../lambdas/app/answer-message';
import { DEFAULT_BUDGET_CONFIG, type BudgetConfig } from '../../lambdas/core/budget/config';
import { jstDay, maxTokensFor, worstCaseUsd } from '../../lambdas/core/budget/guardian';
import { cascadeFor } from '../../lambdas/core/cascade';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { costUsd, MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelStreamInterruptedError, ModelThrottledError } from '../../lambdas/core/errors';
import { estimateTokens } from '../../lambdas/core/language';
import { delimitUntrusted, systemPrompt } from '../../lambdas/core/prompts';
import type { RoutingOverride } from '../../lambdas/core/routing';
import type { Intent, IntentClassifier, ModelTier } from '../../lambdas/core/vocabulary';
import type { ModelClient, ModelRequest, ModelStreamEvent } from '../../lambdas/ports';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { FlakyLedger, ManualClock, MemoryRoutingConfig, RecordingLog, RecordingMessenger, ScriptedModel, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;
const MESSAGE = 'how do the kanzenban and the original Berserk editions differ';
const NOON_JST = parseInstant('2026-11-22T12:00:00+09:00') ?? Number.NaN;

const CONFIDENT = 'The kanzenban collects two original volumes per book, in a larger trim with colour pages restored.';
const HEDGING = "I'm not sure, but it might be that the kanzenban has larger pages.";
const STRONG = 'The kanzenban is larger (B5), collects about two tankobon per book and restores the colour pages.';

const HAIKU_USAGE = { inputTokens: 120, outputTokens: 40 };
const SONNET_USAGE = { inputTokens: 130, outputTokens: 60 };
const haikuCost = costUsd(catalog.haiku, HAIKU_USAGE);
const sonnetCost = costUsd(catalog.sonnet, SONNET_USAGE);

const fixedClassifier = (intent: Intent): IntentClassifier => ({ classify: () => ({ intent, confidence: 0.9, complexity: 5, signals: [] }) });

/** What admission reserves for MESSAGE at a tier: estimated input + the intent's maxTokens. */
const worstCase = (intent: Intent, tier: ModelTier) => {
  const spec = catalog[tier];
  return worstCaseUsd(spec, estimateTokens(systemPrompt(intent, 'en') + delimitUntrusted(MESSAGE)), maxTokensFor(spec, DEFAULT_BUDGET_CONFIG.tokenBudgets[intent]));
};

/** A model that moves the clock while it answers, as a slow call would. */
class SlowModel implements ModelClient {
  constructor(
    private readonly inner: ModelClient,
    private readonly clock: ManualClock,
    private readonly msByModel: Readonly<Record<string, number>>,
  ) {}
  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    this.clock.advance(this.msByModel[request.modelId] ?? 0);
    yield* this.inner.stream(request);
  }
}

interface Setup {
  readonly intent?: Intent;
  readonly scripts: Record<string, readonly ScriptStep[]>;
  readonly cascade?: AnswerOptions['cascade'] | null;
  readonly dailyUsd?: number;
  readonly routingRows?: RoutingOverride[];
  readonly slowMs?: Record<string, number>;
  /** The client leaves after this many frames. */
  readonly goneAfter?: number;
}

const setup = ({ intent = 'comparison', scripts, cascade = cascadeFor(), dailyUsd = 2500, routingRows = [], slowMs = {}, goneAfter }: Setup) => {
  const clock = new ManualClock(NOON_JST);
  const ledger = new FlakyLedger();
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const messenger = new RecordingMessenger(goneAfter);
  const scripted = new ScriptedModel(scripts);
  const config: BudgetConfig = { ...DEFAULT_BUDGET_CONFIG, dailyUsd };
  let ids = 0;
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier: fixedClassifier(intent),
      routingConfig: new MemoryRoutingConfig(routingRows),
      clock,
      log,
      metrics,
      model: new SlowModel(scripted, clock, slowMs),
      ledger,
      budgetConfig: config,
      newId: () => `n${++ids}`,
      options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 20, maxDelayMs: 10_000 }, ...(cascade !== null && { cascade }) },
    })),
    messenger,
  };
  const request = { connectionId: 'c-1', requestId: 'r-1', message: MESSAGE, receivedAt: clock.now() };
  const day = jstDay(clock.now());
  const daySpend = () => ledger.inner.daySpend(day, clock.now());
  const text = () => messenger.ofType('chunk').map((chunk) => chunk.text).join('');
  const done = () => messenger.ofType('done')[0];
  const endings = () => messenger.frames.filter((frame) => frame.type === 'done' || frame.type === 'error');
  return { deps, request, model: scripted, messenger, metrics, ledger, daySpend, text, done, endings };
};

describe('confidence cascade', () => {
  it('releases a confident cheap answer as coalesced chunks without calling the strong tier', async () => {
    const { deps, request, model, messenger, metrics, daySpend, text, done } = setup({
      scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(text()).toBe(CONFIDENT);
    expect(messenger.ofType('chunk').length).toBeLessThan(CONFIDENT.split(' ').length);
    expect(done()).toMatchObject({ intent: 'comparison', tier: 'haiku', model: HAIKU, escalated: false, inputTokens: 120, outputTokens: 40 });
    expect(done()?.costUsd).toBeCloseTo(haikuCost, 9);
    expect(done()?.reasons.at(-1)).toBe('cascade:accepted:1.00');
    expect(metrics.sum('CascadeAccepted', { Intent: 'comparison' })).toBe(1);
    expect(metrics.sum('CascadeEscalations', { Intent: 'comparison' })).toBe(0);
    expect((await daySpend()).byTier.sonnet).toBeUndefined();
  });

  it('escalates a hedging cheap answer: the client sees only the strong answer, escalated, and pays for both calls', async () => {
    const { deps, request, model, messenger, metrics, ledger, daySpend, text, done, endings } = setup({
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU, SONNET]);
    expect(text()).toBe(STRONG);
    expect(messenger.frames.some((frame) => frame.type === 'chunk' && /not sure|might be/.test(frame.text))).toBe(false);
    expect(endings()).toHaveLength(1);
    expect(done()).toMatchObject({ tier: 'sonnet', model: SONNET, escalated: true, inputTokens: 130, outputTokens: 60 });
    expect(done()?.costUsd).toBeCloseTo(haikuCost + sonnetCost, 9);
    expect(done()?.reasons.at(-1)).toBe('cascade:escalated:0.50');
    expect(metrics.sum('CascadeEscalations', { Intent: 'comparison' })).toBe(1);
    expect(metrics.records.filter((r) => r.name === 'QueueWaitMs')).toHaveLength(1);
    // Both calls were reserved before they ran and settled after.
    expect(ledger.reserved.map((r) => r.id)).toEqual(['r-1:n1:1', 'r-1:n1:2']);
    expect(ledger.settled.map((s) => s.tier).sort()).toEqual(['haiku', 'sonnet']);
    const day = await daySpend();
    expect(day.byTier.haiku).toBeCloseTo(haikuCost, 9);
    expect(day.byTier.sonnet).toBeCloseTo(sonnetCost, 9);
    expect(day.reservedUsd).toBe(0);
  });

  it('escalates a Japanese hedge', async () => {
    const hedge = 'その版の違いはわかりません。大きさが違うかもしれません。';
    const strong = '完全版はB5判で、通常版約2冊分を1冊に収録し、カラーページも再現しています。';
    const { deps, request, text, done } = setup({ scripts: { [HAIKU]: textScript(hedge, HAIKU_USAGE), [SONNET]: textScript(strong, SONNET_USAGE) } });

    await answerMessage(deps, { ...request, message: '完全版と通常版の違いは？' });

    expect(text()).toBe(strong);
    expect(done()).toMatchObject({ tier: 'sonnet', escalated: true });
    expect(done()?.reasons.at(-1)).toBe('cascade:escalated:0.50');
  });

  it('releases the cheap answer when too little of the deadline is left to escalate', async () => {
    const { deps, request, model, metrics, text, done } = setup({
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
      // 25 s deadline: 18 s for the cheap call leaves 7 s, under the 8 s the escalation needs.
      slowMs: { [HAIKU]: 18_000 },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(text()).toBe(HEDGING);
    expect(done()).toMatchObject({ tier: 'haiku', escalated: false });
    expect(done()?.reasons.at(-1)).toBe('cascade:kept:0.50:deadline');
    expect(metrics.sum('CascadeKept', { Intent: 'comparison' })).toBe(1);
  });

  it('releases the cheap answer when the budget refuses the strong tier, and charges only the cheap call', async () => {
    // Room for the cheap call's worst case and half the strong one's: the escalation's reservation is refused.
    const dailyUsd = worstCase('comparison', 'haiku') + worstCase('comparison', 'sonnet') / 2;
    const { deps, request, model, text, done, daySpend } = setup({
      dailyUsd,
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(text()).toBe(HEDGING);
    expect(done()).toMatchObject({ tier: 'haiku', escalated: false });
    expect(done()?.costUsd).toBeCloseTo(haikuCost, 9);
    expect(done()?.reasons.slice(-2)).toEqual(['budget:refused:sonnet', 'cascade:kept:0.50:budget']);
    const day = await daySpend();
    expect(day.byTier.sonnet).toBeUndefined();
    expect(day.reservedUsd).toBe(0);
  });

  it('releases the cheap answer when the strong tier fails before any text, without calling the cheap tier again', async () => {
    const { deps, request, model, text, done, metrics } = setup({
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: [{ type: 'fail', error: new ModelThrottledError('throttled') }] },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU, SONNET]);
    expect(text()).toBe(HEDGING);
    expect(done()).toMatchObject({ tier: 'haiku', escalated: false });
    expect(done()?.reasons.at(-1)).toBe('cascade:kept:0.50:strong_failed');
    expect(metrics.sum('FallbackReplies')).toBe(0);
  });

  it('fails the answer when the strong tier breaks after its text reached the client: never the cheap answer after it', async () => {
    const { deps, request, text, endings } = setup({
      scripts: {
        [HAIKU]: textScript(HEDGING, HAIKU_USAGE),
        [SONNET]: [{ type: 'text', text: 'The kanzenban is larger and it collects' }, { type: 'fail', error: new ModelStreamInterruptedError('reset') }],
      },
    });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(text()).not.toContain('not sure');
    expect(endings()).toHaveLength(0);
  });

  it('answers from the strong tier as usual when the cheap call fails', async () => {
    const { deps, request, model, text, done } = setup({
      scripts: { [HAIKU]: [{ type: 'fail', error: new ModelThrottledError('throttled') }], [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU, SONNET]);
    expect(text()).toBe(STRONG);
    expect(done()).toMatchObject({ tier: 'sonnet', escalated: false });
    expect(done()?.reasons.at(-1)).toBe('cascade:cheap_failed');
  });

  it('never cascades a locked intent, even one the configuration lists', async () => {
    const { deps, request, model, done } = setup({
      intent: 'recommendation',
      cascade: cascadeFor(['recommendation', 'comparison']),
      scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
    expect(done()).toMatchObject({ tier: 'sonnet', escalated: false });
    expect(done()?.reasons.some((r) => r.startsWith('cascade:'))).toBe(false);
  });

  it('never cascades an intent the routing table locked', async () => {
    const { deps, request, model } = setup({
      routingRows: [{ intent: 'comparison', tier: 'sonnet', locked: true }],
      scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
  });

  it('is off without configuration: the strong tier answers directly', async () => {
    const { deps, request, model, done } = setup({
      cascade: null,
      scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([SONNET]);
    expect(done()).toMatchObject({ tier: 'sonnet', escalated: false });
  });

  it('does not cache an accepted cheap answer under the strong tier, and caches an escalated strong answer', async () => {
    const strongSummary = setup({
      intent: 'summarization',
      routingRows: [{ intent: 'summarization', tier: 'sonnet' }],
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });
    await answerMessage(strongSummary.deps, strongSummary.request);
    await answerMessage(strongSummary.deps, { ...strongSummary.request, requestId: 'r-2' });
    expect(strongSummary.model.requests.map((r) => r.modelId)).toEqual([HAIKU, SONNET]);
    expect(strongSummary.messenger.ofType('done')[1]).toMatchObject({ tier: 'sonnet', cacheHit: true, escalated: false });

    const cheapSummary = setup({
      intent: 'summarization',
      routingRows: [{ intent: 'summarization', tier: 'sonnet' }],
      scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });
    await answerMessage(cheapSummary.deps, cheapSummary.request);
    await answerMessage(cheapSummary.deps, { ...cheapSummary.request, requestId: 'r-2' });
    expect(cheapSummary.model.requests.map((r) => r.modelId)).toEqual([HAIKU, HAIKU]);
    expect(cheapSummary.messenger.ofType('done').map((d) => d.cacheHit)).toEqual([false, false]);
  });

  it('stops when the client leaves while the cheap answer is released, and still charges the call', async () => {
    const { deps, request, daySpend } = setup({ goneAfter: 1, scripts: { [HAIKU]: textScript(CONFIDENT, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) } });

    const outcome = await answerMessage(deps, request);

    expect(outcome.kind).toBe('client_gone');
    const day = await daySpend();
    expect(day.byTier.haiku).toBeCloseTo(haikuCost, 9);
    expect(day.reservedUsd).toBe(0);
  });

  it('does not cascade an intent routed to the cheap tier', async () => {
    const { deps, request, model } = setup({
      routingRows: [{ intent: 'comparison', tier: 'haiku' }],
      scripts: { [HAIKU]: textScript(HEDGING, HAIKU_USAGE), [SONNET]: textScript(STRONG, SONNET_USAGE) },
    });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
  });
});
