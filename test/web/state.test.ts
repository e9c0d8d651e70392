import { characterCount as protocolCharacterCount, DEFAULT_FRAME_LIMITS } from '../../lambdas/core/protocol';
import { canRate, canRetry, characterCount, chatReducer, formatFacts, INITIAL_CHAT_STATE, MAX_MESSAGE_CHARS, type ChatEvent, type ChatState } from '../../web/widget/state';

const run = (events: readonly ChatEvent[], from: ChatState = INITIAL_CHAT_STATE): ChatState => events.reduce(chatReducer, from);
const frame = (body: Record<string, unknown>, now = 1000): ChatEvent => ({ type: 'frame', data: JSON.stringify(body), now });
const DONE = { type: 'done', intent: 'recommendation', tier: 'sonnet', model: 'sonnet-id', target: 'on_demand', escalated: false, cacheHit: false, inputTokens: 10, outputTokens: 20, costUsd: 0.0006, latencyMs: 812.4, reasons: [] };

describe('the widget conversation state', () => {
  const asked = run([{ type: 'opened' }, { type: 'sent', requestId: 'r1', message: 'hello' }]);

  it('streams chunks into the answer in order and completes it with the done frame facts', () => {
    const state = run([frame({ type: 'chunk', requestId: 'r1', text: 'Hel' }), frame({ type: 'chunk', requestId: 'r1', text: 'lo!' }), frame({ ...DONE, requestId: 'r1' })], asked);
    expect(state.turns).toEqual([
      expect.objectContaining({ requestId: 'r1', question: 'hello', answer: 'Hello!', status: 'done', facts: { intent: 'recommendation', tier: 'sonnet', model: 'sonnet-id', costUsd: 0.0006, cacheHit: false, latencyMs: 812.4, escalated: false } }),
    ]);
    expect(formatFacts(state.turns[0]?.facts ?? DONE)).toBe('intent recommendation · tier sonnet · model sonnet-id · $0.000600 · cache miss · 812 ms');
  });

  it('shows a chunk as streaming before the end, and ignores chunks after the end or of another request', () => {
    const streaming = run([frame({ type: 'chunk', requestId: 'r1', text: 'Hi' })], asked);
    expect(streaming.turns[0]?.status).toBe('streaming');
    const after = run([frame({ ...DONE, requestId: 'r1' }), frame({ type: 'chunk', requestId: 'r1', text: ' late' }), frame({ type: 'chunk', requestId: 'other', text: 'x' })], streaming);
    expect(after.turns.map((turn) => [turn.answer, turn.status])).toEqual([['Hi', 'done']]);
  });

  it('ignores frames that are not JSON, not objects, without a request id or of an unknown type', () => {
    const state = run([{ type: 'frame', data: 'not json', now: 0 }, { type: 'frame', data: '[1]', now: 0 }, frame({ type: 'chunk', text: 'x' }), frame({ type: 'surprise', requestId: 'r1' })], asked);
    expect(state).toBe(asked);
  });

  it('keeps model text exactly as sent, markup included (it is rendered as text)', () => {
    const markup = '<img src=x onerror="alert(1)"><script>x</script>';
    expect(run([frame({ type: 'chunk', requestId: 'r1', text: markup })], asked).turns[0]?.answer).toBe(markup);
  });

  it('marks a partial answer interrupted on model_stream_interrupted and a turn without text failed', () => {
    const interrupted = run([frame({ type: 'chunk', requestId: 'r1', text: 'part' }), frame({ type: 'error', requestId: 'r1', code: 'model_stream_interrupted', message: 'x' })], asked);
    expect(interrupted.turns[0]).toMatchObject({ status: 'interrupted', answer: 'part', errorCode: 'model_stream_interrupted' });
    expect(canRetry(interrupted.turns[0] as never, 0)).toBe(true);
    expect(canRate(interrupted.turns[0] as never)).toBe(false);
    const failed = run([frame({ type: 'error', requestId: 'r1', code: 'model_timeout', message: 'x' })], asked);
    expect(failed.turns[0]).toMatchObject({ status: 'failed', answer: '', errorCode: 'model_timeout' });
  });

  it('keeps the retry hint of rate_limited and allows the retry only once it has passed; the retry is a new request', () => {
    const limited = run([frame({ type: 'error', requestId: 'r1', code: 'rate_limited', message: 'x', retryAfterMs: 1500 }, 10_000)], asked);
    const turn = limited.turns[0];
    expect(turn).toMatchObject({ status: 'failed', errorCode: 'rate_limited', retryAt: 11_500 });
    expect(canRetry(turn as never, 11_499)).toBe(false);
    expect(canRetry(turn as never, 11_500)).toBe(true);
    const retried = run([{ type: 'retried', previousRequestId: 'r1', requestId: 'r2' }, frame({ type: 'chunk', requestId: 'r1', text: 'stale' }), frame({ type: 'chunk', requestId: 'r2', text: 'ok' })], limited);
    expect(retried.turns).toEqual([expect.objectContaining({ requestId: 'r2', question: 'hello', answer: 'ok', status: 'streaming' })]);
    expect(retried.turns[0]?.errorCode).toBeUndefined();
  });

  it('offers the retry of gateway_busy after its hint, and drops text the guardrail blocked', () => {
    const busy = run([frame({ type: 'error', requestId: 'r1', code: 'gateway_busy', message: 'x', retryAfterMs: 500 }, 2000)], asked).turns[0];
    expect([canRetry(busy as never, 2499), canRetry(busy as never, 2500)]).toEqual([false, true]);
    const blocked = run([frame({ type: 'chunk', requestId: 'r1', text: 'some text' }), frame({ type: 'error', requestId: 'r1', code: 'content_blocked', message: 'x' })], asked).turns[0];
    expect(blocked).toMatchObject({ status: 'failed', answer: '', errorCode: 'content_blocked' });
  });

  it('does not offer a retry for errors a retry cannot fix', () => {
    for (const code of ['content_blocked', 'limit_exceeded', 'budget_exhausted', 'message_too_long']) {
      const turn = run([frame({ type: 'error', requestId: 'r1', code, message: 'x' })], asked).turns[0];
      expect([code, canRetry(turn as never, Number.MAX_SAFE_INTEGER)]).toEqual([code, false]);
    }
  });

  it('on a lost connection ends the answers in progress as connection_lost and keeps finished ones', () => {
    const state = run(
      [{ type: 'sent', requestId: 'r2', message: 'second' }, { type: 'sent', requestId: 'r3', message: 'third' }, frame({ ...DONE, requestId: 'r1' }), frame({ type: 'chunk', requestId: 'r2', text: 'half' }), { type: 'lost', reconnectAt: 5000 }],
      asked,
    );
    expect(state.connection).toBe('reconnecting');
    expect(state.reconnectAt).toBe(5000);
    expect(state.turns.map((turn) => [turn.status, turn.errorCode])).toEqual([
      ['done', undefined],
      ['interrupted', 'connection_lost'],
      ['failed', 'connection_lost'],
    ]);
    expect(run([{ type: 'opened' }], state).connection).toBe('open');
  });

  it('rates a done answer once with a thumb, then lets a score join it after the acknowledgement', () => {
    const done = run([frame({ ...DONE, requestId: 'r1' })], asked);
    const pending = chatReducer(done, { type: 'rated', requestId: 'r1', rating: 'up' });
    expect(pending.turns[0]?.feedback).toEqual({ rating: 'up', pending: true, acknowledged: false });
    expect(canRate(pending.turns[0] as never)).toBe(false);
    const acked = chatReducer(pending, frame({ type: 'feedback_ack', requestId: 'r1', rating: 'up' }));
    expect(acked.turns[0]?.feedback).toEqual({ rating: 'up', pending: false, acknowledged: true });
    expect(canRate(acked.turns[0] as never)).toBe(true);
    const scored = run([{ type: 'rated', requestId: 'r1', rating: 'up', csat: 4 }, frame({ type: 'feedback_ack', requestId: 'r1', rating: 'up', csat: 4 })], acked);
    expect(scored.turns[0]?.feedback).toEqual({ rating: 'up', csat: 4, pending: false, acknowledged: true });
    expect(canRate(scored.turns[0] as never)).toBe(false);
    // Neither the answer's status nor its text changes with the rating.
    expect(scored.turns[0]).toMatchObject({ status: 'done', answer: '' });
  });

  it('puts an error answering a rating on the rating, not on the answer', () => {
    const pending = run([frame({ ...DONE, requestId: 'r1' }), { type: 'rated', requestId: 'r1', rating: 'down' }], asked);
    const refused = chatReducer(pending, frame({ type: 'error', requestId: 'r1', code: 'already_rated', message: 'x' }));
    expect(refused.turns[0]).toMatchObject({ status: 'done', feedback: { rating: 'down', pending: false, errorCode: 'already_rated' } });
  });

  it('does not rate an answer that is not done', () => {
    expect(chatReducer(asked, { type: 'rated', requestId: 'r1', rating: 'up' })).toBe(asked);
  });

  it('counts characters as the gateway does, with the same limit', () => {
    for (const text of ['abc', '漫画', '😀😀', 'a😀b\u{20BB7}']) expect(characterCount(text)).toBe(protocolCharacterCount(text));
    expect(MAX_MESSAGE_CHARS).toBe(DEFAULT_FRAME_LIMITS.maxMessageChars);
  });
});
