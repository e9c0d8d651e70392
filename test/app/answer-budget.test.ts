import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../../lambdas/app/answer-message';
import { DEFAULT_BUDGET_CONFIG, type BudgetConfig } from '../../lambdas/core/budget/config';
import { expectedShareElapsed, jstDay, maxTokensFor, worstCaseUsd } from '../../lambdas/core/budget/guardian';
import type { CalendarEvent } from '../../lambdas/core/capacity/calendar';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelStreamInterruptedError, ModelThrottledError } from '../../lambdas/core/errors';
import { estimateTokens } from '../../lambdas/core/language';
import { delimitUntrusted, systemPrompt } from '../../lambdas/core/prompts';
import type { RoutingOverride } from '../../lambdas/core/routing';
import type { Intent, IntentClassifier, ModelTier } from '../../lambdas/core/vocabulary';
import type { ModelClient, ModelRequest, ModelStreamEvent } from '../../lambdas/ports';
import { wireAnswer, wireRouter } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { FlakyLedger, ManualClock, MemoryOrders, MemoryRoutingConfig, RecordingLog, RecordingMessenger, ScriptedModel, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;
const MESSAGE = 'a question about manga';
const NOON_JST = parseInstant('2026-11-22T12:00:00+09:00') ?? Number.NaN;

const fixedClassifier = (intent: Intent): IntentClassifier => ({ classify: () => ({ intent, confidence: 0.9, complexity: 4, signals: [] }) });

/** The worst case admission reserves for MESSAGE at a tier: estimated input + the intent's maxTokens. */
const worstCase = (intent: Intent, tier: ModelTier, config: BudgetConfig = DEFAULT_BUDGET_CONFIG, message = MESSAGE) => {
  const spec = catalog[tier];
  return worstCaseUsd(spec, estimateTokens(systemPrompt(intent, 'en') + delimitUntrusted(message)), maxTokensFor(spec, config.tokenBudgets[intent]));
};

interface Setup {
  readonly intent: Intent;
  readonly scripts?: Record<string, readonly ScriptStep[]>;
  readonly model?: ModelClient;
  readonly dailyUsd?: number;
  readonly budgetConfig?: Partial<BudgetConfig>;
  readonly events?: CalendarEvent[];
  readonly routingRows?: RoutingOverride[];
  readonly capacityState?: MemoryCapacityState;
  readonly messenger?: RecordingMessenger;
  readonly clock?: ManualClock;
  readonly options?: Partial<AnswerOptions>;
  readonly random?: () => number;
}

const setup = ({ intent, scripts = {}, model, dailyUsd = 2500, budgetConfig = {}, events = [], routingRows = [], capacityState = new MemoryCapacityState(), messenger = new RecordingMessenger(), clock = new ManualClock(NOON_JST), options = {}, random = () => 0.5 }: Setup) => {
  const ledger = new FlakyLedger();
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const scripted = new ScriptedModel(scripts);
  const config: BudgetConfig = { ...DEFAULT_BUDGET_CONFIG, ...budgetConfig, dailyUsd };
  const calendar = new MemoryCalendar(events);
  let ids = 0;
  const wiring = {
    classifier: fixedClassifier(intent),
    routingConfig: new MemoryRoutingConfig(routingRows),
    capacityState,
    capacityConfig: DEFAULT_CAPACITY_CONFIG,
    catalog,
    clock,
    log,
    metrics,
    random,
  };
  const deps: AnswerDeps = {
    ...wireAnswer({
      ...wiring,
      orders: new MemoryOrders([]),
      model: model ?? scripted,
      store: new MemoryStore(clock),
      ledger,
      calendar,
      budgetConfig: config,
      newId: () => `n${++ids}`,
      options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 20, maxDelayMs: 10_000 }, ...options },
    }),
    messenger,
  };
  const route = wireRouter(wiring);
  const request = { connectionId: 'c-1', requestId: 'r-1', message: MESSAGE, receivedAt: clock.now() };
  const day = jstDay(clock.now());
  /**
   * Spend already settled today, at the strong tier, in equal parts by the intents of the ramp (what moving each one
   * would save); the projection reads it against the share of the day's traffic so far.
   */
  const spendSoFar = async (usd: number, intents: readonly Intent[] = config.rampOrder) => {
    for (const intent of intents) await ledger.inner.settle({ day, id: `earlier-${intent}`, usd: usd / intents.length, tier: 'sonnet', intent });
  };
  const daySpend = () => ledger.inner.daySpend(day, clock.now());
  return { deps, route, request, clock, ledger, model: scripted, messenger, metrics, log, capacityState, calendar, config, day, spendSoFar, daySpend };
};

const endings = (messenger: RecordingMessenger) => messenger.frames.filter((f) => f.type === 'done' || f.type === 'error');

/**
 * Spend that projects to `ratio` of the day's budget at `now` (default calendar: no event). Spread evenly over the
 * seven intents of the ramp, at 118% each move saves about 9.4% of the projection (its rest of the day at the cheap
 * tier's price), so three moves bring it under conserveAt (90%) and two do not.
 */
const CONSERVE_3 = 1.18;
const spendProjecting = (ratio: number, budgetUsd: number, now: number) => ratio * budgetUsd * expectedShareElapsed(DEFAULT_BUDGET_CONFIG, [], now);

describe('the budget step: the ramp demotes strong-tier intents in order', () => {
  it('moves the first intents of the ramp to the cheap tier in conserve, says so in the done frame, and keeps the rest', async () => {
    // The first three intents of the ramp (summarization, translation, comparison) move; manga_qa is next.
    const comparison = setup({ intent: 'comparison', scripts: { [HAIKU]: textScript('Both are good.') } });
    await comparison.spendSoFar(spendProjecting(CONSERVE_3, 2500, NOON_JST));
    const qa = setup({ intent: 'manga_qa', scripts: { [SONNET]: textScript('Guts.') } });
    await qa.spendSoFar(spendProjecting(CONSERVE_3, 2500, NOON_JST));

    await answerMessage(comparison.deps, comparison.request);
    await answerMessage(qa.deps, qa.request);

    const demoted = comparison.messenger.ofType('done')[0];
    expect(demoted).toMatchObject({ intent: 'comparison', tier: 'haiku', model: HAIKU });
    expect(demoted?.reasons).toEqual(expect.arrayContaining(['intent:comparison', 'budget:conserve:demoted_to_haiku']));
    expect(comparison.metrics.sum('BudgetDemotions', { Intent: 'comparison' })).toBe(1);
    expect(comparison.model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(qa.messenger.ofType('done')[0]).toMatchObject({ intent: 'manga_qa', tier: 'sonnet' });
    expect(qa.messenger.ofType('done')[0]?.reasons.some((r) => r.startsWith('budget:'))).toBe(false);
  });

  it('keeps a locked intent on the strong tier in conserve and moves it only in emergency', async () => {
    const conserve = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('Vinland Saga.') } });
    await conserve.spendSoFar(spendProjecting(CONSERVE_3, 2500, NOON_JST));
    const emergency = setup({ intent: 'recommendation', scripts: { [HAIKU]: textScript('Vinland Saga.') } });
    // 96% of the day's budget committed: emergency moves everything.
    await emergency.spendSoFar(0.96 * 2500);

    await answerMessage(conserve.deps, conserve.request);
    await answerMessage(emergency.deps, emergency.request);

    expect(conserve.messenger.ofType('done')[0]).toMatchObject({ tier: 'sonnet' });
    expect(emergency.messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku' });
    expect(emergency.messenger.ofType('done')[0]?.reasons).toContain('budget:emergency:demoted_to_haiku');
  });

  it('moves a locked intent for a share of its requests only when moving every other intent is not enough', async () => {
    // At 240% every movable intent is not enough: recommendation gives up about two thirds of its requests.
    const capacityState = new MemoryCapacityState();
    const drawn = setup({ intent: 'recommendation', capacityState, random: () => 0.5, scripts: { [HAIKU]: textScript('Vagabond.') } });
    await drawn.spendSoFar(spendProjecting(2.4, 2500, NOON_JST));
    const spared = setup({ intent: 'recommendation', random: () => 0.9, scripts: { [SONNET]: textScript('Vagabond.') } });
    await spared.spendSoFar(spendProjecting(2.4, 2500, NOON_JST));

    await answerMessage(drawn.deps, drawn.request);
    await answerMessage(spared.deps, spared.request);

    const share = capacityState.budget?.partial.find((p) => p.intent === 'recommendation')?.share ?? 0;
    expect(capacityState.budget).toMatchObject({ mode: 'emergency', demoted: expect.not.arrayContaining(['recommendation']) });
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.9);
    expect(drawn.messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku', reasons: expect.arrayContaining(['budget:emergency:demoted_to_haiku']) });
    expect(spared.messenger.ofType('done')[0]).toMatchObject({ tier: 'sonnet' });
  });

  it('publishes a changed reading to the capacity table once, and the route frame shows the demotion from it', async () => {
    const capacityState = new MemoryCapacityState();
    const { deps, request, route, spendSoFar, day } = setup({ intent: 'comparison', capacityState, scripts: { [HAIKU]: textScript('Both are good.') } });
    await spendSoFar(spendProjecting(CONSERVE_3, 2500, NOON_JST));

    await answerMessage(deps, request);
    await answerMessage(deps, { ...request, requestId: 'r-2' });
    const decision = await route(MESSAGE);

    expect(capacityState.budget).toEqual({ day, mode: 'conserve', demoted: ['summarization', 'translation', 'comparison'], partial: [], updatedAt: NOON_JST });
    expect(capacityState.budgetWrites).toBe(1);
    expect(decision).toMatchObject({ intent: 'comparison', tier: 'haiku', model: HAIKU });
    expect(decision.reasons).toContain('budget:conserve:demoted_to_haiku');
  });

  it('writes nothing to the capacity table on a normal day', async () => {
    const capacityState = new MemoryCapacityState();
    const { deps, request } = setup({ intent: 'comparison', capacityState, scripts: { [SONNET]: textScript('Both are good.') } });

    await answerMessage(deps, request);

    expect(capacityState.budgetWrites).toBe(0);
  });

  it('has the route frame ignore a published status of another day', async () => {
    const capacityState = new MemoryCapacityState();
    capacityState.budget = { day: '2026-11-21', mode: 'emergency', demoted: ['comparison'], partial: [], updatedAt: NOON_JST - 86_400_000 };
    const { route } = setup({ intent: 'comparison', capacityState });

    const decision = await route(MESSAGE);

    expect(decision).toMatchObject({ tier: 'sonnet' });
    expect(decision.reasons.some((r) => r.startsWith('budget:'))).toBe(false);
  });

  it.each([
    [0.4, 'haiku'],
    [0.6, 'sonnet'],
  ])('has the route frame draw a partly demoted intent like the invoke path (draw %s of a 0.5 share: %s)', async (draw, tier) => {
    const capacityState = new MemoryCapacityState();
    capacityState.budget = { day: jstDay(NOON_JST), mode: 'emergency', demoted: [], partial: [{ intent: 'recommendation', share: 0.5 }], updatedAt: NOON_JST };
    const { route } = setup({ intent: 'recommendation', capacityState, random: () => draw });

    expect(await route(MESSAGE)).toMatchObject({ tier });
  });

  it('records spend, projection, utilisation and mode with every model answer', async () => {
    const { deps, request, metrics, spendSoFar } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });
    await spendSoFar(spendProjecting(CONSERVE_3, 2500, NOON_JST));

    await answerMessage(deps, request);

    const names = ['SpendUsd', 'ProjectedSpendUsd', 'BudgetUtilisation', 'BudgetMode'];
    expect(metrics.records.filter((r) => names.includes(r.name)).map((r) => [r.name, r.unit])).toEqual(names.map((n) => [n, 'None']));
    expect(metrics.sum('BudgetMode')).toBe(1);
    expect(metrics.sum('ProjectedSpendUsd')).toBeCloseTo(CONSERVE_3 * 2500, 3);
    expect(metrics.sum('BudgetUtilisation')).toBeGreaterThan(0);
  });

  it('gives an event day its own pool: a call the ordinary budget refuses is admitted', async () => {
    const dailyUsd = worstCase('recommendation', 'sonnet') / 2;
    const sale: CalendarEvent = { id: 'sale', name: 'Sale', kind: 'once', start: NOON_JST - 3_600_000, end: NOON_JST + 3_600_000, multiplier: 3, leadMs: 0, budgetMultiplier: 3 };
    const ordinary = setup({ intent: 'recommendation', dailyUsd, scripts: { [HAIKU]: textScript('ok.') } });
    const eventDay = setup({ intent: 'recommendation', dailyUsd, events: [sale], scripts: { [SONNET]: textScript('ok.') } });

    await answerMessage(ordinary.deps, ordinary.request);
    await answerMessage(eventDay.deps, eventDay.request);

    expect(ordinary.messenger.ofType('done')[0]).toMatchObject({ tier: 'haiku' });
    expect(eventDay.messenger.ofType('done')[0]).toMatchObject({ tier: 'sonnet' });
  });
});

describe('admission before every model call', () => {
  it('reserves the worst case of each attempt on the request\'s day with a unique id, and settles it with the actual cost', async () => {
    const { deps, request, ledger, day, daySpend, messenger } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('Vinland Saga.') } });

    await answerMessage(deps, request);

    expect(ledger.reserved).toEqual([expect.objectContaining({ day, id: 'r-1:n1:1', usd: worstCase('recommendation', 'sonnet'), limitUsd: 2500 })]);
    const cost = messenger.ofType('done')[0]?.costUsd;
    expect(ledger.settled).toEqual([{ day, id: 'r-1:n1:1', usd: cost, tier: 'sonnet', intent: 'recommendation' }]);
    expect(await daySpend()).toMatchObject({ spentUsd: cost, reservedUsd: 0 });
  });

  it('falls to the cheap tier when the budget refuses the strong tier, with the reason, and charges only the cheap tier', async () => {
    const dailyUsd = (worstCase('recommendation', 'sonnet') + worstCase('recommendation', 'haiku')) / 2;
    const { deps, request, model, messenger, metrics, daySpend } = setup({ intent: 'recommendation', dailyUsd, scripts: { [HAIKU]: textScript('Try Vagabond.') } });

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    const done = messenger.ofType('done')[0];
    expect(done).toMatchObject({ tier: 'haiku', model: HAIKU });
    expect(done?.reasons.at(-1)).toBe('budget:refused:sonnet');
    expect(metrics.sum('BudgetDemotions', { Intent: 'recommendation' })).toBe(1);
    const day = await daySpend();
    expect(day.byTier.sonnet).toBeUndefined();
    expect(day.byTier.haiku).toBeCloseTo(done?.costUsd ?? -1, 6);
    expect(day.reservedUsd).toBe(0);
  });

  it('ends in budget_exhausted without calling a model when even the cheap tier is refused', async () => {
    const dailyUsd = worstCase('recommendation', 'haiku') / 2;
    const { deps, request, model, messenger, daySpend } = setup({ intent: 'recommendation', dailyUsd });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', tier: 'haiku', error: { code: 'budget_exhausted' } });
    expect(model.requests).toHaveLength(0);
    expect(endings(messenger)).toHaveLength(0);
    expect(await daySpend()).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
  });

  it('reserves again for a fallback attempt and settles each attempt for the tier it called', async () => {
    const { deps, request, ledger, daySpend, messenger } = setup({
      intent: 'comparison',
      scripts: { [SONNET]: [{ type: 'fail', error: new ModelThrottledError('throttled') }], [HAIKU]: textScript('Both.') },
    });

    await answerMessage(deps, request);

    expect(ledger.reserved.map((r) => r.id)).toEqual(['r-1:n1:1', 'r-1:n1:2']);
    expect(ledger.settled.map((s) => [s.id, s.tier, s.usd])).toEqual([
      ['r-1:n1:1', 'sonnet', 0],
      ['r-1:n1:2', 'haiku', messenger.ofType('done')[0]?.costUsd],
    ]);
    expect((await daySpend()).reservedUsd).toBe(0);
  });

  it('never shares a reservation between two requests with the same client request id', async () => {
    const { deps, request, ledger } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });

    await answerMessage(deps, request);
    await answerMessage(deps, request);

    expect(ledger.settled.map((s) => s.id)).toEqual(['r-1:n1:1', 'r-1:n2:1']);
  });

  it('keeps a request on the day it started: one at 23:59:59.9 JST reserves and settles on that day', async () => {
    const clock = new ManualClock(parseInstant('2026-12-02T23:59:59.900+09:00'));
    // The model answers after midnight.
    const late: ModelClient = {
      async *stream(): AsyncIterable<ModelStreamEvent> {
        clock.advance(2000);
        yield { type: 'text', text: 'Vinland Saga.' };
        yield { type: 'stop', reason: 'end_turn' };
        yield { type: 'usage', inputTokens: 100, outputTokens: 50 };
      },
    };
    const { deps, request, ledger } = setup({ intent: 'recommendation', clock, model: late });

    await answerMessage(deps, request);

    expect(jstDay(clock.now())).toBe('2026-12-03');
    expect(ledger.reserved.map((r) => r.day)).toEqual(['2026-12-02']);
    expect(ledger.settled.map((s) => s.day)).toEqual(['2026-12-02']);
    expect((await ledger.inner.daySpend('2026-12-03', clock.now())).spentUsd).toBe(0);
    expect((await ledger.inner.daySpend('2026-12-02', clock.now())).spentUsd).toBeGreaterThan(0);
  });
});

describe('the charge step settles every reservation, whatever happened', () => {
  /** A model that sends some text, then waits until its call is aborted. */
  const hanging: ModelClient = {
    async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
      yield { type: 'text', text: 'Here is the start of a long answer, ' };
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
      throw request.signal.reason;
    },
  };

  it('after a stream that broke mid-answer: what was generated is charged, nothing stays reserved', async () => {
    const { deps, request, daySpend } = setup({
      intent: 'recommendation',
      scripts: { [SONNET]: [{ type: 'text', text: 'Here is a long first part of the answer, ' }, { type: 'fail', error: new ModelStreamInterruptedError('broken') }] },
    });

    await answerMessage(deps, request);

    const day = await daySpend();
    expect(day.reservedUsd).toBe(0);
    expect(day.spentUsd).toBeGreaterThan(0);
  });

  it('after the deadline cut a hung stream', async () => {
    const { deps, request, daySpend, ledger } = setup({ intent: 'recommendation', model: hanging, options: { deadlineMs: 30 } });

    const outcome = await answerMessage(deps, request);

    // The text before the hang reached the client: an interruption, whatever cut the stream.
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(ledger.settled).toHaveLength(1);
    expect((await daySpend()).reservedUsd).toBe(0);
  });

  it('after the client left mid-answer', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `word${i} `).join('');
    const { deps, request, daySpend, ledger } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript(long) }, messenger: new RecordingMessenger(1) });

    const outcome = await answerMessage(deps, request);

    expect(outcome.kind).toBe('client_gone');
    expect(ledger.settled).toEqual([expect.objectContaining({ tier: 'sonnet', usd: expect.any(Number) })]);
    expect((await daySpend()).reservedUsd).toBe(0);
  });

  it('after an unexpected error posting a chunk', async () => {
    const long = Array.from({ length: 50 }, (_, i) => `word${i} `).join('');
    const { deps, request, daySpend } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript(long) } });
    const failing = { ...deps, messenger: { send: () => Promise.reject(new Error('API Gateway 500')) } };

    await expect(answerMessage(failing, request)).rejects.toThrow('API Gateway 500');

    expect((await daySpend()).reservedUsd).toBe(0);
  });

  it('logs a settlement that failed with its amount, and still answers', async () => {
    const { deps, request, ledger, log, messenger, metrics } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });
    ledger.failing.add('settle');

    await answerMessage(deps, request);

    const entry = log.entries.find((e) => e.message.startsWith('budget settlement failed'));
    expect(entry?.extra).toMatchObject({ id: 'r-1:n1:1', tier: 'haiku', intent: 'chitchat', usd: messenger.ofType('done')[0]?.costUsd, reserved: true });
    expect(metrics.sum('BudgetSettleErrors')).toBe(1);
    expect(endings(messenger)).toEqual([expect.objectContaining({ type: 'done' })]);
  });
});

describe('fail closed when the ledger is unreachable', () => {
  it('sends a strong-tier intent to the cheap tier without a reservation, says why, counts and logs it', async () => {
    const { deps, request, ledger, model, messenger, metrics, log } = setup({ intent: 'recommendation', scripts: { [HAIKU]: textScript('Vagabond.') } });
    ledger.down();

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    const done = messenger.ofType('done')[0];
    expect(done).toMatchObject({ tier: 'haiku', model: HAIKU });
    expect(done?.reasons).toContain('budget:unavailable:cheap_tier');
    expect(ledger.reserved).toHaveLength(0);
    expect(metrics.sum('BudgetFailClosed')).toBe(1);
    expect(log.messages('error')).toContain('budget ledger unreadable; failing closed to the cheap tier');
    // The settlement was tried (and failed, logged with the amount for reconciliation).
    expect(log.entries.find((e) => e.message.startsWith('budget settlement failed'))?.extra).toMatchObject({ reserved: false, tier: 'haiku' });
  });

  it('fails closed when only the reservation fails: never the strong tier unreserved', async () => {
    const { deps, request, ledger, model, messenger, metrics } = setup({ intent: 'comparison', scripts: { [HAIKU]: textScript('Both.') } });
    ledger.failing.add('reserve');

    await answerMessage(deps, request);

    expect(model.requests.map((r) => r.modelId)).toEqual([HAIKU]);
    expect(messenger.ofType('done')[0]?.reasons.at(-1)).toBe('budget:unavailable:cheap_tier');
    expect(metrics.sum('BudgetFailClosed')).toBe(1);
    // Counted without a reservation.
    expect(ledger.settled).toEqual([expect.objectContaining({ tier: 'haiku', id: 'r-1:n1:2' })]);
  });

  it('leaves the template tier alone: no ledger read, no reason', async () => {
    const { deps, request, ledger, messenger, metrics } = setup({ intent: 'greeting' });
    ledger.down();

    await answerMessage(deps, request);

    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'template' });
    expect(messenger.ofType('done')[0]?.reasons.some((r) => r.startsWith('budget:'))).toBe(false);
    expect(ledger.reads).toBe(0);
    expect(metrics.sum('BudgetFailClosed')).toBe(0);
  });

  it('still answers from the cache', async () => {
    const { deps, request, ledger, model, messenger, clock } = setup({ intent: 'shipping_info', scripts: { [HAIKU]: textScript('Ships in 2 days.') } });
    await answerMessage(deps, request);
    ledger.down();
    clock.advance(5000);

    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(model.requests).toHaveLength(1);
    expect(messenger.ofType('done')[1]).toMatchObject({ requestId: 'r-2', cacheHit: true, costUsd: 0 });
  });

  it('tries the ledger about once a second while it is down, not on every message', async () => {
    const { deps, request, ledger, clock } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });
    ledger.down();

    for (const id of ['r-1', 'r-2', 'r-3']) await answerMessage(deps, { ...request, requestId: id });
    clock.advance(1001);
    await answerMessage(deps, { ...request, requestId: 'r-4' });

    expect(ledger.reads).toBe(2);
  });
});

describe('the ledger read cache and overrides', () => {
  it('reuses one ledger read for a second, then reads again', async () => {
    const { deps, request, ledger, clock } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });

    await answerMessage(deps, request);
    clock.advance(500);
    await answerMessage(deps, { ...request, requestId: 'r-2' });
    clock.advance(600);
    await answerMessage(deps, { ...request, requestId: 'r-3' });

    expect(ledger.reads).toBe(2);
  });

  it('applies an override set in the ledger to the requests after the read cache expired', async () => {
    const { deps, request, ledger, day, clock, messenger, daySpend } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('a.'), [HAIKU]: textScript('b.') } });
    await answerMessage(deps, request);
    // Room for one more cheap answer, not for a strong one.
    const usd = (await daySpend()).spentUsd + 2 * worstCase('recommendation', 'haiku');

    await ledger.setOverride(day, { usd, expiresAt: clock.now() + 3_600_000, setBy: 'oncall', reason: 'test' });
    clock.advance(1001);
    await answerMessage(deps, { ...request, requestId: 'r-2' });

    expect(messenger.ofType('done').map((d) => d.tier)).toEqual(['sonnet', 'haiku']);
    expect(ledger.reserved.at(-1)).toMatchObject({ limitUsd: usd });
  });
});

describe('token budgets per intent', () => {
  const budgetConfig = { tokenBudgets: { chitchat: { maxInputTokens: 20, maxOutputTokens: 50 } } };

  it('trims a message over the intent\'s input budget, sends its output budget as maxTokens, and counts the trim', async () => {
    const long = `Hello there, ${'tell me more about that '.repeat(30)}and thanks!`;
    const { deps, request, model, metrics } = setup({ intent: 'chitchat', budgetConfig, scripts: { [HAIKU]: textScript('Hi!') } });

    await answerMessage(deps, { ...request, message: long });

    const sent = model.requests[0];
    expect(sent?.maxTokens).toBe(50);
    // The message within its budget, then delimited as untrusted data (the tags are the prompt's, not the budget's).
    const inner = (sent?.messages[0]?.text ?? '').replace(/^<customer_message>\n|\n<\/customer_message>$/g, '');
    expect(sent?.messages[0]?.text).toBe(delimitUntrusted(inner));
    expect(inner).toContain('[…]');
    expect(estimateTokens(inner)).toBeLessThanOrEqual(20);
    expect(metrics.records.filter((r) => r.name === 'InputTrimmed')).toEqual([{ name: 'InputTrimmed', value: 1, unit: 'Count', dimensions: { Intent: 'chitchat' } }]);
  });

  it('sends a message within the budget as it is, without counting a trim', async () => {
    const { deps, request, model, metrics } = setup({ intent: 'chitchat', budgetConfig, scripts: { [HAIKU]: textScript('Hi!') } });

    await answerMessage(deps, request);

    expect(model.requests[0]?.messages[0]?.text).toBe(delimitUntrusted(MESSAGE));
    expect(metrics.sum('InputTrimmed')).toBe(0);
  });
});

describe('cost metrics', () => {
  it('records the strong tier\'s cost, the tokens per intent and the tier share', async () => {
    const { deps, request, metrics, messenger } = setup({ intent: 'recommendation', scripts: { [SONNET]: textScript('Vinland.', { inputTokens: 100, outputTokens: 50 }) } });

    await answerMessage(deps, request);

    const micro = Math.round((messenger.ofType('done')[0]?.costUsd ?? 0) * 1e6);
    expect(metrics.sum('StrongTierCostMicroUsd')).toBe(micro);
    expect(metrics.sum('ModelCostMicroUsd', { Tier: 'sonnet' })).toBe(micro);
    expect(metrics.sum('TokensPerIntent', { Intent: 'recommendation' })).toBe(150);
    expect(metrics.sum('Requests', { Tier: 'sonnet' })).toBe(1);
  });

  it('records no strong-tier cost for a cheap-tier answer', async () => {
    const { deps, request, metrics } = setup({ intent: 'chitchat', scripts: { [HAIKU]: textScript('Hi!') } });

    await answerMessage(deps, request);

    expect(metrics.sum('StrongTierCostMicroUsd')).toBe(0);
    expect(metrics.sum('ModelCostMicroUsd', { Tier: 'haiku' })).toBeGreaterThan(0);
  });
});

describe('the LLM classification call is paid like any model call', () => {
  it('settles it on the cheap tier and counts it in done.costUsd, even for a template answer', async () => {
    const { deps, request, messenger, daySpend } = setup({ intent: 'greeting' });
    const route = deps.route;
    const withClassifier = { ...deps, route: async (text: string) => ({ ...(await route(text)), classifierCostUsd: 0.000123 }) };

    await answerMessage(withClassifier, request);

    expect(messenger.ofType('done')[0]).toMatchObject({ tier: 'template', costUsd: 0.000123 });
    expect((await daySpend()).byTier).toEqual({ haiku: 0.000123 });
  });
});
