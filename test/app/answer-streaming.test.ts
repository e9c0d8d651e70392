import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../../lambdas/app/answer-message';
import { SendQueue } from '../../lambdas/app/answer/send-queue';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ConnectionGoneError, ModelThrottledError, ModelUnavailableError } from '../../lambdas/core/errors';
import type { ServerFrame } from '../../lambdas/core/protocol';
import type { Intent } from '../../lambdas/core/vocabulary';
import type { Messenger, ModelClient, ModelRequest, ModelStreamEvent, Timers } from '../../lambdas/ports';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { FlakyLedger, ManualClock, RecordingMessenger } from '../support/fakes';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;

/** A step of a live model stream: an event, a pause until the test lets it go on, a hang until aborted, a failure. */
type LiveStep = ModelStreamEvent | { readonly type: 'pause'; readonly until: Promise<void> } | { readonly type: 'hang' } | { readonly type: 'fail'; readonly error: Error };

const END: LiveStep[] = [
  { type: 'stop', reason: 'end_turn' },
  { type: 'usage', inputTokens: 100, outputTokens: 20 },
];
const text = (piece: string): LiveStep => ({ type: 'text', text: piece });

/** A model that plays scripts with pauses and hangs, and says how far it got. */
class LiveModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  readonly finished: string[] = [];
  constructor(private readonly scripts: Record<string, readonly LiveStep[]>) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    this.requests.push(request);
    for (const step of this.scripts[request.modelId] ?? []) {
      if (request.signal.aborted) throw request.signal.reason;
      if (step.type === 'pause') await step.until;
      else if (step.type === 'hang') {
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        throw request.signal.reason;
      } else if (step.type === 'fail') throw step.error;
      else yield step;
    }
    this.finished.push(request.modelId);
  }
}

/** Timers the test fires by hand. */
class ManualTimers implements Timers {
  readonly pending: { readonly delayMs: number; readonly callback: () => void; cancelled: boolean }[] = [];
  schedule(callback: () => void, delayMs: number): () => void {
    const timer = { delayMs, callback, cancelled: false };
    this.pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  live() {
    return this.pending.filter((timer) => !timer.cancelled);
  }
  fireAll(): void {
    for (const timer of this.live()) {
      timer.cancelled = true;
      timer.callback();
    }
  }
}

/** A messenger whose posts wait until the test opens the gate (a slow postToConnection). */
class GatedMessenger implements Messenger {
  readonly frames: ServerFrame[] = [];
  inFlight = 0;
  private open!: () => void;
  private gate: Promise<void> = new Promise((resolve) => (this.open = resolve));
  constructor(private readonly goneAfter = Number.POSITIVE_INFINITY) {}
  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    this.inFlight += 1;
    await this.gate;
    this.inFlight -= 1;
    if (this.frames.length >= this.goneAfter) throw new ConnectionGoneError(connectionId);
    this.frames.push(frame);
  }
  release(): void {
    this.open();
  }
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

const setup = (scripts: Record<string, readonly LiveStep[]>, messenger: Messenger = new RecordingMessenger(), options: Partial<AnswerOptions> = {}, intent: Intent = 'recommendation') => {
  const clock = new ManualClock();
  const ledger = new FlakyLedger();
  const model = new LiveModel(scripts);
  const metrics = new RecordingMetrics();
  const timers = new ManualTimers();
  const wired = wireAnswer(inMemoryAnswerWiring({
    classifier: { classify: () => ({ intent, confidence: 0.9, complexity: 4, signals: [] }) },
    clock,
    metrics,
    model,
    ledger,
    options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 1000, maxDelayMs: 120 }, ...options },
  }));
  const deps: AnswerDeps = { ...wired, messenger, timers };
  const request = { connectionId: 'c-1', requestId: 'r-1', message: 'which manga is like Berserk', receivedAt: clock.now() };
  const chunks = (frames: readonly ServerFrame[]) => frames.flatMap((frame) => (frame.type === 'chunk' ? [frame.text] : []));
  const count = (name: string) => metrics.records.filter((record) => record.name === name).reduce((sum, record) => sum + record.value, 0);
  return { deps, request, clock, ledger, model, timers, chunks, count };
};

describe('streaming: first words at once and the delay rule on a timer', () => {
  it('posts the first text as soon as it arrives, and buffered text when the delay passes with no further token', async () => {
    const more = deferred();
    const end = deferred();
    const messenger = new RecordingMessenger();
    const { deps, request, timers, chunks, clock } = setup({ [SONNET]: [text('Try '), pauseStep(more), text('Vinland '), text('Saga.'), pauseStep(end), ...END] }, messenger);

    const answering = answerMessage(deps, request);
    await tick();
    expect(chunks(messenger.frames)).toEqual(['Try ']);

    more.resolve();
    await tick();
    // Buffered behind a model that went quiet: nothing yet, one timer armed for the configured delay.
    expect(chunks(messenger.frames)).toEqual(['Try ']);
    expect(timers.live().map((timer) => timer.delayMs)).toEqual([120]);
    clock.advance(120);
    timers.fireAll();
    await tick();
    expect(chunks(messenger.frames)).toEqual(['Try ', 'Vinland Saga.']);

    end.resolve();
    const outcome = await answering;
    expect(outcome.kind).toBe('answered');
    expect(messenger.frames.map((frame) => frame.type)).toEqual(['chunk', 'chunk', 'done']);
    expect(timers.live()).toEqual([]);
  });
});

const pauseStep = (gate: { readonly promise: Promise<void> }): LiveStep => ({ type: 'pause', until: gate.promise });

describe('streaming: the send queue', () => {
  it('keeps reading the model while a post is in flight, merges the chunks that queue up, keeps order, done last', async () => {
    const messenger = new GatedMessenger();
    const pieces = Array.from({ length: 30 }, (_, i) => `w${i} `);
    const { deps, request, model, chunks, count } = setup({ [SONNET]: [...pieces.map(text), ...END] }, messenger, { coalescer: { maxChars: 1, maxDelayMs: 0 } });

    const answering = answerMessage(deps, request);
    for (let i = 0; i < 5 && model.finished.length === 0; i += 1) await tick();
    // The whole stream was read while the first post was still waiting.
    expect(model.finished).toEqual([SONNET]);
    expect(messenger.frames).toEqual([]);

    messenger.release();
    const outcome = await answering;
    expect(outcome.kind).toBe('answered');
    expect(chunks(messenger.frames)).toEqual([pieces[0], pieces.slice(1).join('')]);
    expect(messenger.frames.at(-1)?.type).toBe('done');
    expect(messenger.frames.filter((frame) => frame.type === 'done')).toHaveLength(1);
    expect(count('ChunksMerged')).toBe(pieces.length - 2);
  });

  it('stops the stream and the spend when the client leaves mid-queue (410), charging what was produced', async () => {
    const messenger = new GatedMessenger(1);
    const { deps, request, model, ledger } = setup({ [SONNET]: [text('Try '), text('Vinland '), text('Saga '), { type: 'hang' }] }, messenger, {
      coalescer: { maxChars: 1, maxDelayMs: 0 },
    });

    const answering = answerMessage(deps, request);
    await tick();
    messenger.release();
    const outcome = await answering;

    expect(outcome.kind).toBe('client_gone');
    expect(model.requests[0]?.signal.aborted).toBe(true);
    expect(messenger.frames.map((frame) => frame.type)).toEqual(['chunk']);
    expect(ledger.settled).toEqual([expect.objectContaining({ tier: 'sonnet', usd: expect.any(Number) })]);
    const [settled] = ledger.settled;
    expect(settled?.usd).toBeGreaterThan(0);
  });

  it('posts every queued chunk before a mid-stream model error, which ends in model_stream_interrupted and no done', async () => {
    const messenger = new GatedMessenger();
    const { deps, request, model, chunks } = setup(
      { [SONNET]: [text('Try '), text('Vinland '), text('Saga '), { type: 'fail', error: new ModelThrottledError('throttled mid-stream') }] },
      messenger,
      { coalescer: { maxChars: 1, maxDelayMs: 0 } },
    );

    const answering = answerMessage(deps, request);
    await tick();
    messenger.release();
    const outcome = await answering;

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(chunks(messenger.frames).join('')).toBe('Try Vinland Saga ');
    expect(messenger.frames.some((frame) => frame.type === 'done')).toBe(false);
    // Text reached the client: no fallback to the cheaper tier.
    expect(model.requests.map((call) => call.modelId)).toEqual([SONNET]);
  });
});

describe('streaming: the stream contract', () => {
  it('ends a model that hangs after some text in model_stream_interrupted, not model_timeout', async () => {
    const messenger = new RecordingMessenger();
    const { deps, request, chunks } = setup({ [SONNET]: [text('Here is the start, '), { type: 'hang' }] }, messenger, { deadlineMs: 30 });

    const outcome = await answerMessage(deps, request);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(chunks(messenger.frames)).toEqual(['Here is the start, ']);
  });

  it('gives a fallback only what is left of the answer\'s one deadline', async () => {
    // Routing took all but 50 ms of a 10 s deadline; the strong tier fails at once and the cheaper tier hangs: the
    // fallback is cut when the answer's deadline passes, not 10 s after it started.
    const { deps, request, model, clock } = setup({
      [SONNET]: [{ type: 'fail', error: new ModelUnavailableError('unavailable') }],
      [HAIKU]: [{ type: 'hang' }],
    }, new RecordingMessenger(), { deadlineMs: 10_000 });
    const slowRoute: AnswerDeps = {
      ...deps,
      route: async (message, previous) => {
        const routed = await deps.route(message, previous);
        clock.advance(10_000 - 50);
        return routed;
      },
    };

    const outcome = await answerMessage(slowRoute, request);

    expect(model.requests.map((call) => call.modelId)).toEqual([SONNET, HAIKU]);
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_timeout' } });
    expect(model.requests[1]?.signal.aborted).toBe(true);
  });
});

describe('SendQueue', () => {
  it('stops at the first failed post, drops what is queued and reports the failure once', async () => {
    const failures: unknown[] = [];
    const sent: ServerFrame[] = [];
    const gone = new ConnectionGoneError('c-1');
    const queue = new SendQueue(
      {
        send: async (_id, frame) => {
          if (sent.length === 1) throw gone;
          sent.push(frame);
        },
      },
      'c-1',
      (error) => failures.push(error),
    );

    queue.enqueue({ type: 'chunk', requestId: 'r', text: 'a' });
    queue.enqueue({ type: 'chunk', requestId: 'r', text: 'b' });
    queue.enqueue({ type: 'error', requestId: 'r', code: 'model_timeout', message: 'late' });
    await queue.drain();
    queue.enqueue({ type: 'chunk', requestId: 'r', text: 'c' });
    await queue.drain();

    expect(sent).toEqual([{ type: 'chunk', requestId: 'r', text: 'a' }]);
    expect(failures).toEqual([gone]);
    expect(queue.failed).toEqual({ error: gone });
  });
});
