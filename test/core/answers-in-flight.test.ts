import { AnswersInFlight, answersInFlightProblems } from '../../lambdas/core/answers-in-flight';

describe('AnswersInFlight', () => {
  it('admits up to its cap, refuses beyond it and admits again once a slot is left (once, however often leave is called)', () => {
    const cap = new AnswersInFlight({ maxAnswers: 2, retryAfterMs: 1000 });
    const a = cap.tryEnter();
    const b = cap.tryEnter();
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(cap.tryEnter()).toBeUndefined();
    a?.();
    a?.();
    expect(cap.inFlight).toBe(1);
    expect(cap.tryEnter()).toBeDefined();
    expect(cap.tryEnter()).toBeUndefined();
  });

  it('names what is wrong with a configuration and refuses to start with it', () => {
    expect(answersInFlightProblems({ maxAnswers: 0, retryAfterMs: -1 })).toEqual([
      'maxAnswers must be an integer of at least 1',
      'retryAfterMs must be a non-negative integer',
    ]);
    expect(answersInFlightProblems({ maxAnswers: 256, retryAfterMs: 1000 })).toEqual([]);
    expect(() => new AnswersInFlight({ maxAnswers: 1.5, retryAfterMs: 0 })).toThrow(/maxAnswers/);
  });
});
