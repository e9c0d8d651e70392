import { answerMessage, type AnswerDeps } from '../../lambdas/app/answer-message';
import { AnswersInFlight } from '../../lambdas/core/answers-in-flight';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { GatewayBusyError, ModelTimeoutError } from '../../lambdas/core/errors';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { errorReply } from '../../lambdas/handlers/reply';
import type { Messenger, ModelClient, ModelRequest, ModelStreamEvent } from '../../lambdas/ports';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, RecordingMessenger, ScriptedModel, textScript } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;

/** A model whose every stream waits for the test's word before it answers. */
class HeldModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  private readonly waiting: (() => void)[] = [];
  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    this.requests.push(request);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    yield* textScript('Try Vinland Saga.') as ModelStreamEvent[];
  }
  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  }
}

const setup = (model: ModelClient, answersInFlight?: AnswersInFlight, messenger: Messenger = new RecordingMessenger()) => {
  const clock = new ManualClock();
  const metrics = new RecordingMetrics();
  const wired = wireAnswer(inMemoryAnswerWiring({
    classifier: { classify: () => ({ intent: 'recommendation', confidence: 0.9, complexity: 4, signals: [] }) },
    clock,
    metrics,
    model,
  }));
  const deps: AnswerDeps = { ...wired, messenger, ...(answersInFlight && { answersInFlight }) };
  let sequence = 0;
  const request = () => {
    sequence += 1;
    return { connectionId: `c-${sequence}`, requestId: `r-${sequence}`, message: `which manga is like Berserk, for reader ${sequence}`, receivedAt: clock.now() };
  };
  const count = (name: string) => metrics.records.filter((record) => record.name === name).reduce((sum, record) => sum + record.value, 0);
  return { deps, request, count };
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('a busy gateway is not a model fault', () => {
  it('does not fall back to the cheaper tier when a model call got no connection in time', async () => {
    const model = new ScriptedModel({
      [SONNET]: [{ type: 'fail', error: new GatewayBusyError('connection_wait', 1000) }],
      [HAIKU]: textScript('Try Vinland Saga.'),
    });
    const { deps, request, count } = setup(model);

    await expect(answerMessage(deps, request())).rejects.toMatchObject({ code: 'gateway_busy', reason: 'connection_wait', retryAfterMs: 1000 });

    expect(model.requests.map((call) => call.modelId)).toEqual([SONNET]);
    expect(count('ModelFallbacks')).toBe(0);
    expect(count('GatewayBusy')).toBe(1);
  });

  it('still falls back on a model timeout (the contrast: that one is the model\'s)', async () => {
    const model = new ScriptedModel({
      [SONNET]: [{ type: 'fail', error: new ModelTimeoutError('no model event for 10000 ms') }],
      [HAIKU]: textScript('Try Vinland Saga.'),
    });
    const { deps, request } = setup(model);

    const outcome = await answerMessage(deps, request());

    expect(outcome).toMatchObject({ kind: 'answered', done: { tier: 'haiku' } });
    expect(model.requests.map((call) => call.modelId)).toEqual([SONNET, HAIKU]);
  });

  it('becomes a gateway_busy error frame with its retry hint', () => {
    expect(errorReply(new GatewayBusyError('answers_in_flight', 1000), 'r-1')).toEqual({
      type: 'error',
      requestId: 'r-1',
      code: 'gateway_busy',
      message: expect.stringContaining('again in a moment') as unknown as string,
      retryAfterMs: 1000,
    });
  });
});

describe('the process cap of answers in flight', () => {
  it('refuses the excess at once with gateway_busy, calling nothing, and admits again once an answer ends', async () => {
    const model = new HeldModel();
    const cap = new AnswersInFlight({ maxAnswers: 2, retryAfterMs: 750 });
    const { deps, request, count } = setup(model, cap);

    const first = answerMessage(deps, request());
    const second = answerMessage(deps, request());
    await tick();
    const refused = await answerMessage(deps, request());

    expect(refused).toMatchObject({ kind: 'busy', error: { code: 'gateway_busy', reason: 'answers_in_flight', retryAfterMs: 750 } });
    expect(model.requests).toHaveLength(2);
    expect(count('GatewayBusy')).toBe(1);

    model.releaseAll();
    await expect(first).resolves.toMatchObject({ kind: 'answered' });
    await expect(second).resolves.toMatchObject({ kind: 'answered' });
    expect(cap.inFlight).toBe(0);
    const third = answerMessage(deps, request());
    await tick();
    model.releaseAll();
    await expect(third).resolves.toMatchObject({ kind: 'answered' });
  });

  it('frees the slot before the done frame, so a client that waits for done can ask again at once', async () => {
    const cap = new AnswersInFlight({ maxAnswers: 1, retryAfterMs: 1000 });
    const inFlightAtDone: number[] = [];
    const messenger: Messenger = {
      send: async (_connectionId, frame: ServerFrame) => {
        if (frame.type === 'done') inFlightAtDone.push(cap.inFlight);
      },
    };
    const { deps, request } = setup(new ScriptedModel({ [SONNET]: textScript('Try Vinland Saga.') }), cap, messenger);

    await expect(answerMessage(deps, request())).resolves.toMatchObject({ kind: 'answered' });
    expect(inFlightAtDone).toEqual([0]);
  });
});
