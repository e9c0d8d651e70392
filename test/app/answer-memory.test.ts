import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { answerMessage, DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerSession } from '../../lambdas/app/answer-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import type { ConversationTurn } from '../../lambdas/core/conversation';
import { ModelStreamInterruptedError, ModelUnavailableError } from '../../lambdas/core/errors';
import type { Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import type { ConversationStore, StoredTurn } from '../../lambdas/ports';
import { resolveSession, SESSION_TTL_SECONDS } from '../../lambdas/app/answer/memory';
import { SessionRefusedError } from '../../lambdas/core/errors';
import type { Principal } from '../../lambdas/core/principal';
import { MemorySessions } from '../support/session-fakes';
import { wireAnswer } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { inMemoryAnswerWiring } from '../support/answer-wiring';
import { ManualClock, RecordingLog, RecordingMessenger, ScriptedModel, textScript, type ScriptStep } from '../support/fakes';
import { delimitUntrusted } from '../../lambdas/core/prompts';

const catalog = MODEL_CATALOGS.seed;
const HAIKU = catalog.haiku.modelId;
const SONNET = catalog.sonnet.modelId;

/** Turns per session, newest first on read, as the DynamoDB adapter returns them. */
class MemoryConversation implements ConversationStore {
  readonly turns = new Map<string, StoredTurn[]>();
  failReads = false;
  async recentTurns(sessionId: string, limit: number): Promise<readonly ConversationTurn[]> {
    if (this.failReads) throw new Error('table unavailable');
    return [...(this.turns.get(sessionId) ?? [])]
      .sort((a, b) => b.at - a.at)
      .slice(0, limit)
      .map(({ expiresAt: _expiresAt, ...turn }) => turn);
  }
  async appendTurns(sessionId: string, turns: readonly StoredTurn[]): Promise<void> {
    this.turns.set(sessionId, [...(this.turns.get(sessionId) ?? []), ...turns]);
  }
}

/** Recommendation questions, and anything else unknown: the follow-up has no intent of its own. */
const classifier: IntentClassifier = {
  classify: (text) => {
    const intent: Intent = /recommend/i.test(text) ? 'recommendation' : /hello/i.test(text) ? 'greeting' : /author/i.test(text) ? 'manga_qa' : 'unknown';
    return { intent, confidence: 0.9, complexity: 4, signals: [] };
  },
};

const setup = (scripts: Record<string, readonly ScriptStep[]>, messenger = new RecordingMessenger()) => {
  const clock = new ManualClock();
  const conversation = new MemoryConversation();
  const model = new ScriptedModel(scripts);
  const metrics = new RecordingMetrics();
  const store = new MemoryStore(clock);
  const deps: AnswerDeps = {
    ...wireAnswer(inMemoryAnswerWiring({
      classifier,
      clock,
      metrics,
      model,
      store,
      conversation,
      options: { ...DEFAULT_ANSWER_OPTIONS, coalescer: { maxChars: 20, maxDelayMs: 10_000 } },
    })),
    messenger,
  };
  const session: AnswerSession = { id: 'sess-1', expiresAt: 1_900_000_000 };
  /** `null`: no session. */
  const ask = (requestId: string, message: string, withSession: AnswerSession | null = session) => {
    clock.advance(1000);
    return answerMessage(deps, { connectionId: 'c-1', requestId, message, receivedAt: clock.now(), ...(withSession && { session: withSession }) });
  };
  return { deps, ask, conversation, model, metrics, messenger, store, clock, session };
};

const FIRST = 'Can you recommend manga like Berserk?';
const FOLLOW_UP = 'what about the second one?';

describe('conversation memory in the answer pipeline', () => {
  it('stores a complete exchange after its done frame, with the session TTL', async () => {
    const { ask, conversation, messenger } = setup({ [SONNET]: textScript('Try Vinland Saga and Claymore.') });

    const outcome = await ask('r-1', FIRST);

    expect(outcome.kind).toBe('answered');
    expect(messenger.frames.at(-1)?.type).toBe('done');
    expect(conversation.turns.get('sess-1')).toEqual([
      expect.objectContaining({ role: 'user', text: FIRST, intent: 'recommendation', tier: 'sonnet', requestId: 'r-1', expiresAt: 1_900_000_000 }),
      expect.objectContaining({ role: 'assistant', text: 'Try Vinland Saga and Claymore.', intent: 'recommendation', tier: 'sonnet', requestId: 'r-1', expiresAt: 1_900_000_000 }),
    ]);
  });

  it('sends the previous exchange to the model and routes a follow-up by it', async () => {
    const { ask, model } = setup({ [SONNET]: textScript('Try Vinland Saga and Claymore.') });
    await ask('r-1', FIRST);

    const outcome = await ask('r-2', FOLLOW_UP);

    expect(model.requests[0]?.messages).toEqual([{ role: 'user', text: delimitUntrusted(FIRST) }]);
    expect(model.requests[1]?.messages).toEqual([
      { role: 'user', text: delimitUntrusted(FIRST) },
      { role: 'assistant', text: 'Try Vinland Saga and Claymore.' },
      { role: 'user', text: delimitUntrusted(FOLLOW_UP) },
    ]);
    expect(outcome).toMatchObject({ kind: 'answered', done: { intent: 'recommendation', tier: 'sonnet' } });
    expect(outcome.kind === 'answered' && outcome.done.reasons).toContain('follow_up:recommendation');
  });

  it('answers without history, and stores nothing, without a session', async () => {
    const { ask, model, conversation } = setup({ [SONNET]: textScript('Try Vinland Saga.'), [HAIKU]: textScript('Which one?') });
    await ask('r-1', FIRST, null);

    const outcome = await ask('r-2', FOLLOW_UP, null);

    expect(model.requests[1]?.messages).toEqual([{ role: 'user', text: delimitUntrusted(FOLLOW_UP) }]);
    expect(outcome).toMatchObject({ kind: 'answered', done: { intent: 'unknown', tier: 'haiku' } });
    expect(conversation.turns.size).toBe(0);
  });

  it('stores nothing for a failed answer', async () => {
    const { ask, conversation } = setup({
      [SONNET]: [{ type: 'fail', error: new ModelUnavailableError('down') }],
      [HAIKU]: [{ type: 'fail', error: new ModelUnavailableError('down') }],
    });

    const outcome = await ask('r-1', FIRST);

    expect(outcome.kind).toBe('failed');
    expect(conversation.turns.size).toBe(0);
  });

  it('stores nothing for an interrupted answer whose partial text reached the client', async () => {
    const { ask, conversation, messenger } = setup({
      [SONNET]: [...textScript('Try Vinland Saga and then Claymore, both long').slice(0, 6), { type: 'fail', error: new ModelStreamInterruptedError('broken') }],
    });

    const outcome = await ask('r-1', FIRST);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'model_stream_interrupted' } });
    expect(messenger.ofType('chunk').length).toBeGreaterThan(0);
    expect(conversation.turns.size).toBe(0);
  });

  it('stores nothing when the client left mid-answer', async () => {
    const { ask, conversation } = setup({ [SONNET]: textScript('Try Vinland Saga and then Claymore, both long series with a lot of heart.') }, new RecordingMessenger(1));

    const outcome = await ask('r-1', FIRST);

    expect(outcome.kind).toBe('client_gone');
    expect(conversation.turns.size).toBe(0);
  });

  it('stores template answers too, so the conversation has them', async () => {
    const { ask, conversation } = setup({});

    await ask('r-1', 'hello');

    expect(conversation.turns.get('sess-1')?.map((turn) => [turn.role, turn.tier])).toEqual([
      ['user', 'template'],
      ['assistant', 'template'],
    ]);
  });

  it('answers without history when the history cannot be read', async () => {
    const { ask, conversation, metrics, model } = setup({ [SONNET]: textScript('Try Vinland Saga.') });
    conversation.failReads = true;

    const outcome = await ask('r-1', FIRST);

    expect(outcome.kind).toBe('answered');
    expect(model.requests[0]?.messages).toHaveLength(1);
    expect(metrics.records.some((record) => record.name === 'ConversationErrors')).toBe(true);
  });

  it('neither reads nor fills the answer cache for a message with history', async () => {
    const QA = 'Who is the author of Berserk?';
    const { ask, model } = setup({ [SONNET]: textScript('Kentaro Miura.') });
    await ask('r-1', QA, { id: 'sess-2', expiresAt: 1_900_000_000 }); // no history: the answer is cached
    await ask('r-2', QA, { id: 'sess-3', expiresAt: 1_900_000_000 }); // no history: served from the cache
    const callsBefore = model.requests.length;

    await ask('r-3', FIRST);
    await ask('r-4', QA); // the same text, but with sess-1's history: the model answers, in context

    expect(callsBefore).toBe(1);
    expect(model.requests).toHaveLength(3);
    expect(model.requests[2]?.messages).toHaveLength(3);
  });

  it('drops history that does not fit the intent input budget', async () => {
    const long = 'word '.repeat(4000);
    const { ask, model } = setup({ [SONNET]: textScript(long) });
    await ask('r-1', FIRST);

    await ask('r-2', FOLLOW_UP);

    // recommendation's input budget is 1,000 tokens: a 4,000-word answer cannot be sent.
    expect(model.requests[1]?.messages).toEqual([{ role: 'user', text: delimitUntrusted(FOLLOW_UP) }]);
  });
});

describe('resolveSession', () => {
  const CUSTOMER = { kind: 'customer' as const, customerId: 'cust-1', scopes: [] };
  const OTHER = { kind: 'customer' as const, customerId: 'cust-2', scopes: [] };
  const sessions = (fail = false) => {
    const store = new MemorySessions();
    store.connections.set('c-1', { connectionId: 'c-1', sessionId: 'conn-session', principalKey: 'customer:cust-1', connectedAt: 0, expiresAt: 7_777 });
    store.owners.set('conn-session', 'customer:cust-1');
    store.owners.set('someone-elses', 'customer:cust-2');
    store.failing = fail;
    return store;
  };
  const resolve = (store: MemorySessions, frameSessionId: string | undefined, connectionId = 'c-1', principal: Principal = CUSTOMER, log = new RecordingLog()) =>
    resolveSession({ sessions: store, log }, { frameSessionId, connectionId, principal, receivedAt: 1_000_000 });

  it("uses the frame's sessionId when the caller owns it or it is new (then it becomes theirs), with the session TTL from now", async () => {
    const store = sessions();
    expect(await resolve(store, 'conn-session')).toEqual({ id: 'conn-session', expiresAt: 1_000 + SESSION_TTL_SECONDS });
    expect(await resolve(store, 'named')).toEqual({ id: 'named', expiresAt: 1_000 + SESSION_TTL_SECONDS });
    expect(store.owners.get('named')).toBe('customer:cust-1');
  });

  it("refuses a frame's sessionId owned by another principal", async () => {
    const log = new RecordingLog();
    await expect(resolve(sessions(), 'someone-elses', 'c-1', CUSTOMER, log)).rejects.toBeInstanceOf(SessionRefusedError);
    expect(log.messages('warn')).toHaveLength(1);
  });

  it("falls back to the connection's session and its TTL, only for the connection's own principal", async () => {
    expect(await resolve(sessions(), undefined)).toEqual({ id: 'conn-session', expiresAt: 7_777 });
    expect(await resolve(sessions(), undefined, 'c-unknown')).toBeUndefined();
    expect(await resolve(sessions(), undefined, 'c-1', OTHER)).toBeUndefined();
  });

  it('answers without a session when the store cannot be read', async () => {
    const log = new RecordingLog();
    expect(await resolve(sessions(true), undefined, 'c-1', CUSTOMER, log)).toBeUndefined();
    expect(await resolve(sessions(true), 'named', 'c-1', CUSTOMER, log)).toBeUndefined();
    expect(log.messages('warn')).toHaveLength(2);
  });
});
