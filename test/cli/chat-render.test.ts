import { INITIAL_RENDER_STATE, renderServerFrame, type RenderState } from '../../local/chat/render';
import { lastAnswerAfter, parseChatInput } from '../../local/chat/input';

const plain = { color: false };
const frame = (value: Record<string, unknown>): string => JSON.stringify(value);

/** Renders a sequence of frames as the chat would, returning everything written. */
const transcript = (frames: readonly string[]): string => {
  let state: RenderState = INITIAL_RENDER_STATE;
  let out = '';
  for (const data of frames) {
    const rendered = renderServerFrame(data, state, plain);
    state = rendered.state;
    out += rendered.text;
  }
  return out;
};

const DONE = {
  type: 'done',
  requestId: 'r1',
  intent: 'order_status',
  tier: 'template',
  model: null,
  escalated: false,
  cacheHit: false,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  latencyMs: 412,
};

describe('renderServerFrame', () => {
  it('writes chunk text as it streams, without a newline per chunk', () => {
    const out = transcript([
      frame({ type: 'chunk', requestId: 'r1', text: 'Your order ' }),
      frame({ type: 'chunk', requestId: 'r1', text: 'has shipped.' }),
    ]);

    expect(out).toBe('Your order has shipped.');
  });

  it('ends the streamed line before the done summary and marks the request complete', () => {
    const chunk = renderServerFrame(frame({ type: 'chunk', requestId: 'r1', text: 'Hello' }), INITIAL_RENDER_STATE, plain);

    const done = renderServerFrame(frame(DONE), chunk.state, plain);

    expect(chunk.complete).toBe(false);
    expect(done.text).toBe('\n[intent=order_status tier=template model=- cost=$0.000000 tokens=0/0 412 ms cache=miss]\n');
    expect(done).toMatchObject({ complete: true, requestId: 'r1', state: { midLine: false } });
  });

  it('summarizes a model answer with its model, cost, tokens, cache hit and escalation', () => {
    const done = renderServerFrame(
      frame({
        ...DONE,
        tier: 'sonnet',
        model: 'jp.anthropic.claude-sonnet',
        costUsd: 0.0018604,
        inputTokens: 75,
        outputTokens: 109,
        latencyMs: 2455.4,
        cacheHit: true,
        escalated: true,
      }),
      INITIAL_RENDER_STATE,
      plain,
    );

    expect(done.text).toBe(
      '[intent=order_status tier=sonnet model=jp.anthropic.claude-sonnet cost=$0.001860 tokens=75/109 2455 ms cache=hit escalated]\n',
    );
  });

  it('dims the summary when color is on', () => {
    const done = renderServerFrame(frame(DONE), INITIAL_RENDER_STATE, { color: true });

    expect(done.text).toBe('\u001b[2m[intent=order_status tier=template model=- cost=$0.000000 tokens=0/0 412 ms cache=miss]\u001b[0m\n');
  });

  it('prints the routing decision of a route frame', () => {
    const route = renderServerFrame(
      frame({
        type: 'route',
        requestId: 'r2',
        intent: 'recommendation',
        tier: 'sonnet',
        model: 'm-1',
        complexity: 6,
        confidence: 0.638,
        reasons: ['intent:recommendation', 'map:sonnet:locked'],
      }),
      INITIAL_RENDER_STATE,
      plain,
    );

    expect(route.text).toBe(
      'route intent=recommendation tier=sonnet model=m-1 complexity=6 confidence=0.64 reasons=intent:recommendation,map:sonnet:locked\n',
    );
    expect(route).toMatchObject({ complete: true, requestId: 'r2' });
  });

  it('prints an error frame as "error <code>: <message>" on its own line', () => {
    const out = transcript([
      frame({ type: 'chunk', requestId: 'r1', text: 'partial' }),
      frame({ type: 'error', requestId: 'r1', code: 'model_stream_interrupted', message: 'the model stream broke' }),
    ]);

    expect(out).toBe('partial\nerror model_stream_interrupted: the model stream broke\n');
  });

  it("adds a limit's retry hint in seconds", () => {
    const out = transcript([frame({ type: 'error', requestId: 'r1', code: 'rate_limited', message: 'slow down', retryAfterMs: 12_001 })]);

    expect(out).toBe('error rate_limited: slow down (retry in 13 s)\n');
  });

  it('completes on an error without a request id, which answers a frame the server could not read', () => {
    const data = frame({ type: 'error', requestId: null, code: 'invalid_json', message: 'bad' });

    const error = renderServerFrame(data, INITIAL_RENDER_STATE, plain);

    expect(error).toMatchObject({ complete: true, text: 'error invalid_json: bad\n' });
    expect(error.requestId).toBeUndefined();
  });

  it('shows non-JSON and unknown frames raw instead of throwing, without completing the request', () => {
    const garbage = renderServerFrame('not json', INITIAL_RENDER_STATE, plain);
    const unknown = renderServerFrame(frame({ type: 'ping' }), { midLine: true }, plain);

    expect(garbage).toMatchObject({ text: '[unrecognized frame] not json\n', complete: false });
    expect(unknown).toMatchObject({ text: '\n[unknown frame type] {"type":"ping"}\n', complete: false });
  });

  it('does not add a blank line when the streamed text already ended with a newline', () => {
    const out = transcript([frame({ type: 'chunk', requestId: 'r1', text: 'line one\n' }), frame(DONE)]);

    expect(out).toBe('line one\n[intent=order_status tier=template model=- cost=$0.000000 tokens=0/0 412 ms cache=miss]\n');
  });
});

describe('parseChatInput', () => {
  const id = (): string => 'req-1';

  it('sends a plain line as an invoke frame with a request id', () => {
    expect(parseChatInput('  where is my order 12345 ', id)).toEqual({
      kind: 'send',
      frame: { action: 'invoke', message: 'where is my order 12345', requestId: 'req-1' },
    });
  });

  it('sends /route <text> as a route frame', () => {
    expect(parseChatInput('/route manga like Berserk', id)).toEqual({
      kind: 'send',
      frame: { action: 'route', message: 'manga like Berserk', requestId: 'req-1' },
    });
  });

  it.each([
    ['/quit', 'quit'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['/help', 'help'],
    ['/route', 'usage'],
    ['/nope', 'usage'],
  ])('reads %j as %s', (input, kind) => {
    expect(parseChatInput(input, id).kind).toBe(kind);
  });
});

describe('chat feedback commands', () => {
  const id = (): string => 'req-new';
  const last = { requestId: 'ans-1' };

  it.each([
    ['/up', { action: 'feedback', requestId: 'ans-1', rating: 'up' }],
    ['/down', { action: 'feedback', requestId: 'ans-1', rating: 'down' }],
    ['/up 5', { action: 'feedback', requestId: 'ans-1', rating: 'up', csat: 5 }],
    ['  /down 2 ', { action: 'feedback', requestId: 'ans-1', rating: 'down', csat: 2 }],
  ])('sends %j as a feedback frame for the last answer (its requestId, not a new one)', (input, frame) => {
    expect(parseChatInput(input, id, last)).toEqual({ kind: 'send', frame });
  });

  it('sends /csat N with the rating already given to the last answer', () => {
    expect(parseChatInput('/csat 4', id, { requestId: 'ans-1', rating: 'down' })).toEqual({
      kind: 'send',
      frame: { action: 'feedback', requestId: 'ans-1', rating: 'down', csat: 4 },
    });
  });

  it.each([
    ['/up', undefined, /no answer to rate/],
    ['/csat 4', last, /\/up or \/down first/],
    ['/csat', last, /usage: \/csat/],
    ['/csat 6', { ...last, rating: 'up' as const }, /usage: \/csat/],
    ['/up 0', last, /usage: \/up \[1-5\]/],
    ['/down great', last, /usage: \/down/],
    ['/up 5 extra', last, /usage/],
  ])('answers %j with a usage line, sending nothing', (input, lastAnswer, message) => {
    expect(parseChatInput(input, id, lastAnswer)).toEqual({ kind: 'usage', message: expect.stringMatching(message) });
  });

  it('tracks the last answer: done starts one, its feedback_ack records the rating, other frames change nothing', () => {
    const afterDone = lastAnswerAfter(undefined, JSON.stringify({ type: 'done', requestId: 'ans-1', intent: 'greeting' }));
    expect(afterDone).toEqual({ requestId: 'ans-1' });
    const rated = lastAnswerAfter(afterDone, JSON.stringify({ type: 'feedback_ack', requestId: 'ans-1', rating: 'up' }));
    expect(rated).toEqual({ requestId: 'ans-1', rating: 'up' });
    expect(lastAnswerAfter(rated, JSON.stringify({ type: 'error', requestId: 'ans-1', code: 'already_rated' }))).toBe(rated);
    expect(lastAnswerAfter(rated, JSON.stringify({ type: 'feedback_ack', requestId: 'older', rating: 'down' }))).toBe(rated);
    expect(lastAnswerAfter(rated, 'not json')).toBe(rated);
    expect(lastAnswerAfter(rated, JSON.stringify({ type: 'done', requestId: 'ans-2' }))).toEqual({ requestId: 'ans-2' });
  });

  it('renders a feedback_ack as the end of its request', () => {
    const rendered = renderServerFrame(JSON.stringify({ type: 'feedback_ack', requestId: 'ans-1', rating: 'up', csat: 5 }), INITIAL_RENDER_STATE, { color: false });
    expect(rendered).toEqual({ text: '[feedback recorded: up, CSAT 5]\n', state: { midLine: false }, complete: true, requestId: 'ans-1' });
  });
});
