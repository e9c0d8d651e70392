import { MemoryAnswerRecordStore } from '../../lambdas/adapters/memory-answer-records';
import { recordAnswered } from '../../lambdas/app/answer/record';
import { rateAnswer, type RateAnswerDeps } from '../../lambdas/app/rate-answer';
import type { Principal } from '../../lambdas/core/principal';
import type { DoneReply, FeedbackFrame } from '../../lambdas/core/protocol';
import type { AnswerRecordStore } from '../../lambdas/ports';
import { RecordingMetrics } from '../../local/console-log';
import { ManualClock, silentLog } from '../support/fakes';
import { MemorySessions } from '../support/session-fakes';

const alice: Principal = { kind: 'customer', customerId: 'alice', scopes: [] };
const bob: Principal = { kind: 'customer', customerId: 'bob', scopes: [] };
const done = { type: 'done', requestId: 'q-1', intent: 'recommendation', tier: 'sonnet' } as DoneReply;

describe('rateAnswer', () => {
  let answers: MemoryAnswerRecordStore;
  let sessions: MemorySessions;
  let metrics: RecordingMetrics;
  let deps: RateAnswerDeps;
  const clock = new ManualClock();

  const answered = async (requestId: string, principal: Principal, sessionId = 's-alice', connectionId = 'conn-a'): Promise<void> => {
    const recordDeps = { answerRecords: answers, clock, log: silentLog, metrics: new RecordingMetrics() };
    await recordAnswered(recordDeps, { connectionId, principal, requestId, message: 'hi', receivedAt: clock.now(), session: { id: sessionId, expiresAt: 99 } }, { ...done, requestId });
  };
  const rate = (frame: Omit<FeedbackFrame, 'action'>, principal: Principal = alice, connectionId = 'conn-a') =>
    rateAnswer(deps, { frame: { action: 'feedback', ...frame }, connectionId, principal });

  beforeEach(async () => {
    answers = new MemoryAnswerRecordStore();
    sessions = new MemorySessions();
    metrics = new RecordingMetrics();
    deps = { answers, sessions, clock, log: silentLog, metrics };
    await sessions.openConnection({ connectionId: 'conn-a', sessionId: 's-alice', principalKey: 'customer:alice', connectedAt: 0, expiresAt: 99 });
    await sessions.openConnection({ connectionId: 'conn-b', sessionId: 's-bob', principalKey: 'customer:bob', connectedAt: 0, expiresAt: 99 });
    await answered('q-1', alice);
  });

  it("rates an answer of the connection's session: acknowledged, stored, and published under the answer's intent and tier", async () => {
    await expect(rate({ requestId: 'q-1', rating: 'up', csat: 5 })).resolves.toEqual({ type: 'feedback_ack', requestId: 'q-1', rating: 'up', csat: 5 });

    expect(await answers.findAnswer('s-alice', 'q-1')).toMatchObject({ rating: 'up', csat: 5 });
    expect(metrics.records).toEqual([
      { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'recommendation', Rating: 'up' } },
      { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'recommendation', Tier: 'sonnet', Rating: 'up' } },
      { name: 'Csat', value: 5, unit: 'None', dimensions: {} },
    ]);
  });

  it('finds an answer in the session the frame names (an invoke that named its session)', async () => {
    await answered('q-named', alice, 's-named');

    await expect(rate({ requestId: 'q-named', rating: 'down', sessionId: 's-named' })).resolves.toMatchObject({ rating: 'down' });
    expect(metrics.sum('Feedback', { Intent: 'recommendation', Tier: 'sonnet', Rating: 'down' })).toBe(1);
  });

  it.each([
    ['an unknown requestId', () => rate({ requestId: 'q-none', rating: 'up' })],
    ["another customer's requestId from their connection", () => rate({ requestId: 'q-1', rating: 'down' }, bob, 'conn-b')],
    ["another customer's requestId naming its session", () => rate({ requestId: 'q-1', rating: 'down', sessionId: 's-alice' }, bob, 'conn-b')],
    ["a connection of another principal (alice's token on bob's connection record)", () => rate({ requestId: 'q-1', rating: 'up' }, alice, 'conn-b')],
    ['a connection without a session', () => rate({ requestId: 'q-1', rating: 'up' }, alice, 'conn-unknown')],
  ])('refuses %s as unknown_request; nothing stored or published', async (_name, attempt) => {
    await expect(attempt()).rejects.toMatchObject({ code: 'unknown_request' });

    expect(await answers.findAnswer('s-alice', 'q-1')).not.toHaveProperty('rating');
    expect(metrics.records).toEqual([]);
  });

  it('refuses a second rating as already_rated and counts the first only', async () => {
    await rate({ requestId: 'q-1', rating: 'up' });

    await expect(rate({ requestId: 'q-1', rating: 'down' })).rejects.toMatchObject({ code: 'already_rated' });
    await expect(rate({ requestId: 'q-1', rating: 'up' })).rejects.toMatchObject({ code: 'already_rated' });
    // The Tier series holds one datapoint per rating (the per-intent series the other).
    expect(metrics.sum('Feedback', { Intent: 'recommendation', Tier: 'sonnet', Rating: 'up' })).toBe(1);
    expect(metrics.sum('Feedback', { Rating: 'down' })).toBe(0);
    expect(await answers.findAnswer('s-alice', 'q-1')).toMatchObject({ rating: 'up' });
  });

  it('adds a score to a rating once: Csat only, the ack carries both', async () => {
    await rate({ requestId: 'q-1', rating: 'down' });

    await expect(rate({ requestId: 'q-1', rating: 'down', csat: 2 })).resolves.toEqual({ type: 'feedback_ack', requestId: 'q-1', rating: 'down', csat: 2 });
    await expect(rate({ requestId: 'q-1', rating: 'down', csat: 1 })).rejects.toMatchObject({ code: 'already_rated' });
    expect(metrics.records.map((m) => `${m.name}:${m.value}`)).toEqual(['Feedback:1', 'Feedback:1', 'Csat:2']);
  });

  it('publishes nothing when another frame rated the answer between the read and the write', async () => {
    const racing: AnswerRecordStore = {
      recordAnswer: (sessionId, answer) => answers.recordAnswer(sessionId, answer),
      findAnswer: (sessionId, requestId) => answers.findAnswer(sessionId, requestId),
      rateAnswer: async () => false,
    };

    await expect(rateAnswer({ ...deps, answers: racing }, { frame: { action: 'feedback', requestId: 'q-1', rating: 'up' }, connectionId: 'conn-a', principal: alice })).rejects.toMatchObject({
      code: 'already_rated',
    });
    expect(metrics.records).toEqual([]);
  });
});

describe('recordAnswered', () => {
  it('records the answer under its session for the guest keyed by its connection when no principal is given', async () => {
    const answers = new MemoryAnswerRecordStore();
    const deps = { answerRecords: answers, clock: new ManualClock(), log: silentLog, metrics: new RecordingMetrics() };

    await recordAnswered(deps, { connectionId: 'conn-g', requestId: 'q-g', message: 'hi', receivedAt: 0, session: { id: 's-g', expiresAt: 9 } }, { ...done, requestId: 'q-g' });

    expect(await answers.findAnswer('s-g', 'q-g')).toEqual({ requestId: 'q-g', intent: 'recommendation', tier: 'sonnet', owner: 'guest:conn-g', answeredAt: expect.any(Number) });
  });

  it('records nothing without a session, and a failed write is counted, not thrown', async () => {
    const answers = new MemoryAnswerRecordStore();
    const metrics = new RecordingMetrics();
    await recordAnswered({ answerRecords: answers, clock: new ManualClock(), log: silentLog, metrics }, { connectionId: 'c', requestId: 'q', message: 'hi', receivedAt: 0 }, done);
    expect(await answers.findAnswer('s', 'q')).toBeUndefined();

    const failing: AnswerRecordStore = { ...answers, recordAnswer: async () => Promise.reject(new Error('table down')), findAnswer: async () => undefined, rateAnswer: async () => false };
    await expect(
      recordAnswered({ answerRecords: failing, clock: new ManualClock(), log: silentLog, metrics }, { connectionId: 'c', requestId: 'q', message: 'hi', receivedAt: 0, session: { id: 's', expiresAt: 9 } }, done),
    ).resolves.toBeUndefined();
    expect(metrics.sum('ConversationErrors', { Operation: 'record_answer' })).toBe(1);
  });
});
