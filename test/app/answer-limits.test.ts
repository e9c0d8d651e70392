import { MemoryLimitStore } from '../../lambdas/adapters/memory-limits';
import { answerMessage, type AnswerDeps, type AnswerOutcome } from '../../lambdas/app/answer-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelUnavailableError } from '../../lambdas/core/errors';
import { defaultIntentClassifier } from '../../lambdas/core/intent-model';
import { DEFAULT_LIMITS_CONFIG, HOUR_MS, msUntilNextJstDay, type LimitsConfig, type PrincipalLimits } from '../../lambdas/core/limits';
import { principalKey, type Principal } from '../../lambdas/core/principal';
import { budgetDay } from '../../lambdas/core/spend';
import type { Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import type { LimitStore, ModelClient, ModelRequest, ModelStreamEvent } from '../../lambdas/ports';
import { errorReply } from '../../lambdas/handlers/reply';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { FlakyLedger, ManualClock, RecordingLog, RecordingMessenger, ScriptedModel, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.current;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;
const CUSTOMER: Principal = { kind: 'customer', customerId: 'cust-1', scopes: [] };
const ROOMY: PrincipalLimits = { messagesPerMinute: 100, invokesInFlight: 100, strongAnswersPerHour: 100, dailySpendUsd: 100 };

const limitsWith = (customer: Partial<PrincipalLimits>, guest: Partial<PrincipalLimits> = {}): LimitsConfig => ({
  ...DEFAULT_LIMITS_CONFIG,
  customer: { ...ROOMY, ...customer },
  guest: { ...ROOMY, ...guest },
});

const fixedClassifier = (intent: Intent): IntentClassifier => ({ classify: () => ({ intent, confidence: 0.9, complexity: 4, signals: [] }) });

/** A model whose streams wait for the test to open the gate: answers stay in flight as long as the test wants. */
class GatedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    this.requests.push(request);
    await this.gate;
    yield { type: 'text', text: 'Done.' };
    yield { type: 'stop', reason: 'end_turn' };
    yield { type: 'usage', inputTokens: 100, outputTokens: 20 };
  }
}

interface Setup {
  readonly limits: LimitsConfig;
  readonly intent?: Intent;
  readonly classifier?: IntentClassifier;
  readonly model?: ModelClient;
  readonly scripts?: Record<string, readonly ScriptStep[]>;
  readonly store?: LimitStore;
}

const setup = ({ limits, intent = 'shipping_info', classifier, model, scripts, store = new MemoryLimitStore() }: Setup) => {
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 3, 0, 0));
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const messenger = new RecordingMessenger();
  const ledger = new FlakyLedger();
  const models = model ?? new ScriptedModel(scripts ?? { [HAIKU]: textScript('Cheap answer.'), [SONNET]: textScript('Strong answer.', { inputTokens: 200, outputTokens: 400 }) });
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      ...(classifier ? { classifier } : { classifier: fixedClassifier(intent) }),
      catalog,
      clock,
      log,
      metrics,
      model: models,
      ledger,
      limits: { store, config: limits },
    })),
    messenger,
  };
  let n = 0;
  const ask = (message = 'How much is shipping to Osaka?', principal: Principal = CUSTOMER, connectionId = 'conn-1'): Promise<AnswerOutcome> =>
    answerMessage(deps, { connectionId, principal, requestId: `r-${(n += 1)}`, message, receivedAt: clock.now() });
  const modelCalls = () => (models instanceof ScriptedModel || models instanceof GatedModel ? models.requests.length : NaN);
  return { deps, ask, clock, metrics, log, messenger, ledger, store, modelCalls };
};

const breach = (outcome: AnswerOutcome) => (outcome.kind === 'limited' ? { code: outcome.error.code, limit: outcome.error.limit, retryAfterMs: outcome.error.retryAfterMs } : outcome.kind);

describe('the admit step: limits per principal and connection', () => {
  it('refuses the message past the rate before routing, with no model call, no charge and a retry hint', async () => {
    const { ask, clock, metrics, modelCalls, ledger } = setup({ limits: limitsWith({ messagesPerMinute: 3 }) });
    for (let i = 0; i < 3; i += 1) {
      expect((await ask()).kind).toBe('answered');
      clock.advance(10_000);
    }
    const calls = modelCalls();
    const decisions = metrics.sum('RoutingDecisions');

    const refused = await ask();

    expect(breach(refused)).toEqual({ code: 'rate_limited', limit: 'message_rate', retryAfterMs: 30_000 });
    expect(modelCalls()).toBe(calls);
    expect(metrics.sum('RoutingDecisions')).toBe(decisions);
    expect(metrics.sum('LimitBreaches', { Limit: 'message_rate' })).toBe(1);
    expect(ledger.reserved).toHaveLength(calls);
    clock.advance(30_000);
    expect((await ask()).kind).toBe('answered');
  });

  it('keeps one connection to its answers in flight, and frees the slot when an answer ends', async () => {
    const model = new GatedModel();
    const { ask, metrics } = setup({ limits: limitsWith({ invokesInFlight: 1 }), model });

    const first = ask();
    await new Promise((resolve) => setImmediate(resolve));
    const second = await ask();
    const otherConnection = ask(undefined, CUSTOMER, 'conn-2');
    model.release();

    expect(breach(second)).toEqual({ code: 'rate_limited', limit: 'in_flight', retryAfterMs: DEFAULT_LIMITS_CONFIG.inFlightRetryAfterMs });
    expect((await first).kind).toBe('answered');
    expect((await otherConnection).kind).toBe('answered');
    expect(model.requests).toHaveLength(2);
    expect(metrics.sum('LimitBreaches', { Limit: 'in_flight' })).toBe(1);
    expect((await ask()).kind).toBe('answered');
  });

  it('frees the slot and charges the spend before the done frame, so a client that waits for done is never refused', async () => {
    const store = new MemoryLimitStore();
    const { deps, ask, clock } = setup({ limits: limitsWith({ invokesInFlight: 1 }), store });
    const atDone: { inFlight: boolean; spentUsd: number }[] = [];
    const messenger = deps.messenger;
    Object.assign(deps, {
      messenger: {
        send: async (connectionId: string, frame: Parameters<typeof messenger.send>[1]) => {
          if (frame.type === 'done') {
            const probe = await store.admitMessage({ principalKey: principalKey(CUSTOMER), connectionId, id: 'probe', day: budgetDay(clock.now()), now: clock.now(), limits: { ...ROOMY, invokesInFlight: 1 }, config: DEFAULT_LIMITS_CONFIG });
            atDone.push({ inFlight: !probe.admitted, spentUsd: await store.spentUsd(principalKey(CUSTOMER), budgetDay(clock.now())) });
            await store.releaseInFlight({ principalKey: principalKey(CUSTOMER), connectionId, id: 'probe' });
          }
          await messenger.send(connectionId, frame);
        },
      },
    });

    const outcome = await ask();

    expect(outcome.kind).toBe('answered');
    expect(atDone).toEqual([{ inFlight: false, spentUsd: outcome.kind === 'answered' ? outcome.done.costUsd : NaN }]);
  });

  it('releases the in-flight slot when the answer fails', async () => {
    const failing: ScriptStep[] = [{ type: 'fail', error: new ModelUnavailableError('down') }];
    const { ask } = setup({ limits: limitsWith({ invokesInFlight: 1 }), scripts: { [HAIKU]: failing } });

    expect((await ask()).kind).toBe('failed');
    expect((await ask()).kind).toBe('failed');
  });

  it('charges each answer to the principal\'s day and refuses at the daily cap until JST midnight', async () => {
    const store = new MemoryLimitStore();
    const { ask, clock, modelCalls, metrics } = setup({ limits: limitsWith({ dailySpendUsd: 0.0002 }), store });

    const first = await ask();
    const cost = first.kind === 'answered' ? first.done.costUsd : NaN;
    expect(await store.spentUsd(principalKey(CUSTOMER), budgetDay(clock.now()))).toBeCloseTo(cost, 6);
    const calls = modelCalls();
    const refused = await ask();

    expect(cost).toBeGreaterThanOrEqual(0.0002);
    expect(breach(refused)).toEqual({ code: 'limit_exceeded', limit: 'daily_spend', retryAfterMs: msUntilNextJstDay(clock.now()) });
    expect(modelCalls()).toBe(calls);
    expect(metrics.sum('LimitBreaches', { Limit: 'daily_spend' })).toBe(1);
    clock.advance(msUntilNextJstDay(clock.now()));
    expect((await ask()).kind).toBe('answered');
  });

  it('counts a guest per connection, apart from customers', async () => {
    const { ask } = setup({ limits: limitsWith({}, { messagesPerMinute: 1 }) });
    const guest = (connectionId: string): Principal => ({ kind: 'guest', guestId: connectionId });

    expect((await ask(undefined, guest('g-1'), 'g-1')).kind).toBe('answered');
    expect(breach(await ask(undefined, guest('g-1'), 'g-1'))).toMatchObject({ limit: 'message_rate' });
    expect((await ask(undefined, guest('g-2'), 'g-2')).kind).toBe('answered');
    expect((await ask(undefined, CUSTOMER, 'g-1')).kind).toBe('answered');
  });

  it('turns a refusal into an error frame with the code, a message and retryAfterMs', async () => {
    const { ask } = setup({ limits: limitsWith({ messagesPerMinute: 0 }) });
    const refused = await ask();
    if (refused.kind !== 'limited') throw new Error('expected a limit');

    expect(errorReply(refused.error, 'r-1')).toEqual({
      type: 'error',
      requestId: 'r-1',
      code: 'rate_limited',
      message: expect.stringMatching(/faster than the assistant accepts/),
      retryAfterMs: 60_000,
    });
  });
});

describe('the strong-tier allowance', () => {
  it('demotes the answer past the hourly allowance to the cheap tier with a reason, and gives it back an hour later', async () => {
    const { ask, clock, metrics } = setup({ limits: limitsWith({ strongAnswersPerHour: 2 }), intent: 'recommendation' });
    const outcomes: AnswerOutcome[] = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await ask('Recommend manga like Berserk but less dark'));

    expect(outcomes.map((outcome) => (outcome.kind === 'answered' ? outcome.done.tier : outcome.kind))).toEqual(['sonnet', 'sonnet', 'haiku']);
    expect(outcomes[2]?.kind === 'answered' && outcomes[2].done.reasons).toContain('limit:strong_hourly:demoted_to_haiku');
    expect(metrics.sum('LimitBreaches', { Limit: 'strong_hourly' })).toBe(1);
    clock.advance(HOUR_MS);
    const later = await ask('Recommend manga like Berserk but less dark');
    expect(later.kind === 'answered' && later.done.tier).toBe('sonnet');
  });

  it('takes no allowance for a cheap-tier answer', async () => {
    const store = new MemoryLimitStore();
    const { ask } = setup({ limits: limitsWith({ strongAnswersPerHour: 1 }), store });
    await ask();
    await ask();
    expect(await store.takeStrongAnswer({ principalKey: principalKey(CUSTOMER), id: 'probe', now: Date.UTC(2026, 11, 2, 3, 0, 0), limits: { ...ROOMY, strongAnswersPerHour: 1 } })).toEqual({ admitted: true });
  });

  it('cannot be bought by padding a summary request to raise its complexity (the real classifier)', async () => {
    const { ask } = setup({ limits: limitsWith({ strongAnswersPerHour: 2 }), classifier: defaultIntentClassifier() });
    // A short summary request is a cheap-tier one; padded with constraints and steps it reaches the strong tier.
    const padding = ' I mean the whole volume, all chapters, every event, in order, and the ending too, with the main characters, their goals, and the setting, please.';
    const short = await ask('Please summarize volume 3 of Berserk.');
    // Each a new question (another volume): an identical one would be a free answer-cache hit, which takes nothing.
    const padded = (volume: number) => `Please summarize volume ${volume} of Berserk.${padding}${padding}`;
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await ask(padded(4 + i)));

    const done = outcomes.map((outcome) => (outcome.kind === 'answered' ? outcome.done : undefined));
    expect(short).toMatchObject({ kind: 'answered', done: { intent: 'summarization', tier: 'haiku' } });
    expect(done[0]).toMatchObject({ intent: 'summarization', tier: 'sonnet' });
    expect(done[0]?.reasons.some((reason) => reason.startsWith('complex_summary:'))).toBe(true);
    expect(done.map((d) => d?.tier)).toEqual(['sonnet', 'sonnet', 'haiku', 'haiku', 'haiku']);
  });
});

describe('when the limit store fails', () => {
  const broken: LimitStore = {
    admitMessage: () => Promise.reject(new Error('redis down')),
    releaseInFlight: () => Promise.reject(new Error('redis down')),
    takeStrongAnswer: () => Promise.reject(new Error('redis down')),
    chargeSpend: () => Promise.reject(new Error('redis down')),
    spentUsd: () => Promise.reject(new Error('redis down')),
  };

  it('admits the message (fail open) and counts it, but never gives the strong tier unchecked (fail closed)', async () => {
    const { ask, metrics, log } = setup({ limits: limitsWith({}), intent: 'recommendation', store: broken });

    const outcome = await ask('Recommend manga like Berserk but less dark');

    expect(outcome).toMatchObject({ kind: 'answered', done: { tier: 'haiku' } });
    expect(outcome.kind === 'answered' && outcome.done.reasons).toContain('limit:unavailable:cheap_tier');
    expect(metrics.sum('LimitsUnavailable', { Limit: 'message' })).toBe(1);
    expect(metrics.sum('LimitsUnavailable', { Limit: 'strong_hourly' })).toBe(1);
    expect(metrics.sum('LimitsUnavailable', { Limit: 'daily_spend' })).toBe(1);
    expect(log.messages('error')).toEqual(
      expect.arrayContaining(['limit store unavailable; message admitted unchecked (fail open)', 'limit store unavailable; strong tier withheld (fail closed)', 'principal spend not recorded']),
    );
  });
});
