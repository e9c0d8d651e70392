import { answerMessage, type AnswerDeps } from '../../lambdas/app/answer-message';
import { SingleFlight } from '../../lambdas/app/answer/single-flight';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ModelThrottledError } from '../../lambdas/core/errors';
import { budgetDay } from '../../lambdas/core/spend';
import type { Classification, Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import type { ModelClient, ModelRequest, ModelStreamEvent } from '../../lambdas/ports';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { FlakyLedger, ManualClock, RecordingMessenger, textScript, type ScriptStep } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const ANSWER = 'We ship to Canada by EMS in 5 to 8 days.';

/**
 * A model whose calls wait for `open()` before they stream, so a test decides how long the first call is in flight.
 * Call n plays `calls[n]` (the last one again past the end).
 */
class GatedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  constructor(private readonly calls: readonly (readonly ScriptStep[])[]) {}

  open(): void {
    this.release();
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    const script = this.calls[Math.min(this.requests.length, this.calls.length - 1)] ?? [];
    this.requests.push(request);
    await this.gate;
    for (const step of script) {
      if (step.type === 'fail') throw step.error;
      yield step;
    }
  }
}

const classifierOf = (intent: Intent, overrides: Partial<Classification> = {}): IntentClassifier => ({
  classify: () => ({ intent, confidence: 0.9, complexity: 3, signals: [], ...overrides }),
});

const setup = (intent: Intent, calls: readonly (readonly ScriptStep[])[], overrides: Partial<Classification> = {}) => {
  const clock = new ManualClock();
  const ledger = new FlakyLedger();
  const model = new GatedModel(calls);
  const metrics = new RecordingMetrics();
  const messenger = new RecordingMessenger();
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier: classifierOf(intent, overrides),
      clock,
      metrics,
      model,
      ledger,
    })),
    messenger,
  };
  const request = (n: number, message = 'Do you ship to Canada?') => ({ connectionId: `c-${n}`, requestId: `r-${n}`, message, receivedAt: clock.now() });
  const spent = async () => (await ledger.daySpend(budgetDay(clock.now()), clock.now())).spentUsd;
  const doneOf = (requestId: string) => messenger.ofType('done').find((frame) => frame.requestId === requestId);
  const textOf = (requestId: string) =>
    messenger
      .ofType('chunk')
      .filter((frame) => frame.requestId === requestId)
      .map((frame) => frame.text)
      .join('');
  return { deps, model, metrics, messenger, request, spent, doneOf, textOf };
};

/** Lets every pending step of the requests in progress run as far as it can. */
const settle = async (): Promise<void> => {
  for (let tick = 0; tick < 50; tick += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('single-flight: identical cacheable questions in flight share one model call', () => {
  it('answers the second of two concurrent identical questions with the first one\'s answer, as a free cache hit', async () => {
    const { deps, model, metrics, request, spent, doneOf, textOf } = setup('shipping_info', [textScript(ANSWER)]);

    const first = answerMessage(deps, request(1));
    const second = answerMessage(deps, request(2, '  do you SHIP to canada  '));
    await settle();
    expect(model.requests).toHaveLength(1);
    model.open();
    const outcomes = await Promise.all([first, second]);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['answered', 'answered']);
    expect(model.requests).toHaveLength(1);
    expect(doneOf('r-1')).toMatchObject({ cacheHit: false, tier: 'haiku', inputTokens: 100, outputTokens: 50 });
    expect(doneOf('r-2')).toMatchObject({ cacheHit: true, tier: 'haiku', model: catalog.haiku.modelId, target: null, costUsd: 0, inputTokens: 0, outputTokens: 0 });
    expect(textOf('r-1')).toBe(ANSWER);
    expect(textOf('r-2')).toBe(ANSWER);
    // One call's cost in all (the ledger keeps micro-dollars).
    expect(await spent()).toBeCloseTo(doneOf('r-1')?.costUsd ?? -1, 5);
    expect(metrics.sum('SingleFlightHits', { Intent: 'shipping_info' })).toBe(1);
  });

  it('lets every follower fall back to its own model call when the leader fails: no answer is lost', async () => {
    const { deps, model, metrics, request, doneOf, textOf } = setup('shipping_info', [
      [{ type: 'fail', error: new ModelThrottledError('throttled') }],
      textScript(ANSWER),
    ]);

    const first = answerMessage(deps, request(1));
    const second = answerMessage(deps, request(2));
    await settle();
    expect(model.requests).toHaveLength(1);
    model.open();
    const [leader, follower] = await Promise.all([first, second]);

    expect(leader.kind).toBe('failed');
    expect(follower.kind).toBe('answered');
    expect(model.requests).toHaveLength(2);
    expect(doneOf('r-2')).toMatchObject({ cacheHit: false, tier: 'haiku' });
    expect(doneOf('r-2')?.costUsd).toBeGreaterThan(0);
    expect(textOf('r-2')).toBe(ANSWER);
    expect(metrics.sum('SingleFlightFallbacks', { Intent: 'shipping_info' })).toBe(1);
  });

  it('does not share an answer the cache would not keep (cut off at max_tokens)', async () => {
    const truncated: ScriptStep[] = [{ type: 'text', text: 'We ship to' }, { type: 'stop', reason: 'max_tokens' }, { type: 'usage', inputTokens: 10, outputTokens: 5 }];
    const { deps, model, request, doneOf } = setup('shipping_info', [truncated, textScript(ANSWER)]);

    const both = Promise.all([answerMessage(deps, request(1)), answerMessage(deps, request(2))]);
    await settle();
    model.open();
    await both;

    expect(model.requests).toHaveLength(2);
    expect(doneOf('r-2')).toMatchObject({ cacheHit: false });
  });

  it.each<[string, Intent, Partial<Classification>]>([
    ['a personal intent', 'recommendation', {}],
    ['a chat intent', 'chitchat', {}],
  ])('never shares %s: each request makes its own call', async (_, intent, overrides) => {
    const { deps, model, request, doneOf } = setup(intent, [textScript(ANSWER)], overrides);

    const both = Promise.all([answerMessage(deps, request(1)), answerMessage(deps, request(2))]);
    await settle();
    expect(model.requests).toHaveLength(2);
    model.open();
    await both;

    expect(doneOf('r-1')).toMatchObject({ cacheHit: false });
    expect(doneOf('r-2')).toMatchObject({ cacheHit: false });
  });

  it('shares nothing between different questions', async () => {
    const { deps, model, request } = setup('shipping_info', [textScript(ANSWER)]);

    const both = Promise.all([answerMessage(deps, request(1)), answerMessage(deps, request(2, 'Do you ship to France?'))]);
    await settle();
    expect(model.requests).toHaveLength(2);
    model.open();
    await both;
  });

  it('answers a later identical question from the cache once the flight is over', async () => {
    const { deps, model, request, doneOf } = setup('shipping_info', [textScript(ANSWER)]);
    model.open();

    await answerMessage(deps, request(1));
    await answerMessage(deps, request(2));

    expect(model.requests).toHaveLength(1);
    expect(doneOf('r-2')).toMatchObject({ cacheHit: true, costUsd: 0 });
  });
});

describe('SingleFlight', () => {
  it('has one leader per key; followers get what it settles; the flight then ends', async () => {
    const flights = new SingleFlight(10_000);

    expect(flights.lead('k')).toBe(true);
    expect(flights.lead('k')).toBe(false);
    const waiting = flights.join('k');
    flights.settle('k', 'answer');

    await expect(waiting).resolves.toBe('answer');
    expect(flights.size).toBe(0);
    expect(flights.join('k')).toBeUndefined();
  });

  it('releases followers with nothing when the leader never settles within the wait limit', async () => {
    const flights = new SingleFlight(5);
    flights.lead('k');

    await expect(flights.join('k')).resolves.toBeUndefined();
    expect(flights.size).toBe(0);
    expect(flights.lead('k')).toBe(true);
    flights.settle('k', undefined);
  });
});
