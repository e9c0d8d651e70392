import { decideFeedback, type AnswerRecord } from '../../lambdas/core/feedback';

const answer: AnswerRecord = { requestId: 'q-1', intent: 'recommendation', tier: 'haiku', owner: 'customer:alice' };

describe('decideFeedback', () => {
  it('records a first rating with its score: Feedback per intent, per intent and tier, and Csat', () => {
    const decision = decideFeedback(answer, 'customer:alice', { rating: 'down', csat: 2 });

    expect(decision).toEqual({
      kind: 'record',
      set: { rating: 'down', csat: 2 },
      precondition: { kind: 'unrated' },
      metrics: [
        { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'recommendation', Rating: 'down' } },
        { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'recommendation', Tier: 'haiku', Rating: 'down' } },
        { name: 'Csat', value: 2, unit: 'None', dimensions: {} },
      ],
    });
  });

  it('publishes no Csat for a rating without a score', () => {
    const decision = decideFeedback(answer, 'customer:alice', { rating: 'up' });

    expect(decision.kind === 'record' && decision.metrics.map((m) => m.name)).toEqual(['Feedback', 'Feedback']);
  });

  it.each([
    ['no record', undefined, 'customer:alice'],
    ["another customer's answer", answer, 'customer:bob'],
    ["a guest rating a customer's answer", answer, 'guest:conn-1'],
  ])('reads %s as unknown_request', (_name, record, principal) => {
    expect(decideFeedback(record, principal, { rating: 'up' })).toEqual({ kind: 'unknown_request' });
  });

  it('adds a score to a rating given without one, publishing only Csat (the rating is not counted again)', () => {
    const decision = decideFeedback({ ...answer, rating: 'up' }, 'customer:alice', { rating: 'up', csat: 5 });

    expect(decision).toEqual({
      kind: 'record',
      set: { rating: 'up', csat: 5 },
      precondition: { kind: 'rated_without_csat', rating: 'up' },
      metrics: [{ name: 'Csat', value: 5, unit: 'None', dimensions: {} }],
    });
  });

  it.each([
    ['the same rating again', { rating: 'up' as const }, { rating: 'up' as const }],
    ['the other rating', { rating: 'up' as const }, { rating: 'down' as const }],
    ['the other rating with a score', { rating: 'up' as const }, { rating: 'down' as const, csat: 1 }],
    ['a second score', { rating: 'up' as const, csat: 4 }, { rating: 'up' as const, csat: 2 }],
  ])('refuses %s as already_rated', (_name, given, input) => {
    expect(decideFeedback({ ...answer, ...given }, 'customer:alice', input)).toEqual({ kind: 'already_rated' });
  });
});
