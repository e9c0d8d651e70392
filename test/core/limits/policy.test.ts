import {
  decideMessage,
  decideStrongAnswer,
  DEFAULT_LIMITS_CONFIG,
  HOUR_MS,
  limitsConfigProblems,
  limitsFor,
  MINUTE_MS,
  msUntilNextJstDay,
  slidingWindow,
  toMicroUsd,
  type PrincipalLimits,
} from '../../../lambdas/core/limits';
import { LimitError } from '../../../lambdas/core/errors';

const NOW = Date.UTC(2026, 11, 2, 3, 0, 0); // 12:00 JST
const LIMITS: PrincipalLimits = { messagesPerMinute: 3, invokesInFlight: 2, strongAnswersPerHour: 2, dailySpendUsd: 0.5 };
const CONFIG = { inFlightRetryAfterMs: 1500 };
const idle = { messageTimes: [], inFlightExpiries: [], spentMicroUsd: 0 };

describe('slidingWindow', () => {
  it('admits below the limit and counts only what is inside the window', () => {
    expect(slidingWindow([NOW - 10, NOW - 20], NOW, 3, MINUTE_MS)).toEqual({ admitted: true });
    // An event exactly one window ago has left it.
    expect(slidingWindow([NOW - MINUTE_MS, NOW - 10, NOW - 20], NOW, 3, MINUTE_MS)).toEqual({ admitted: true });
  });

  it('refuses at the limit with the time until the oldest event that must leave has left', () => {
    const times = [NOW - 50_000, NOW - 10_000, NOW - 5_000];
    expect(slidingWindow(times, NOW, 3, MINUTE_MS)).toEqual({ admitted: false, retryAfterMs: 10_000 });
    // Over the limit (a limit lowered by configuration): as many must leave as are over it.
    expect(slidingWindow(times, NOW, 2, MINUTE_MS)).toEqual({ admitted: false, retryAfterMs: 50_000 });
  });

  it('never admits with a limit of 0 and hints one window', () => {
    expect(slidingWindow([], NOW, 0, HOUR_MS)).toEqual({ admitted: false, retryAfterMs: HOUR_MS });
  });
});

describe('decideMessage', () => {
  it('admits an idle principal', () => {
    expect(decideMessage(idle, LIMITS, CONFIG, NOW)).toEqual({ admitted: true });
  });

  it('refuses over the daily spend first, until the next JST midnight', () => {
    const state = { messageTimes: [NOW - 1, NOW - 2, NOW - 3], inFlightExpiries: [NOW + 1, NOW + 2], spentMicroUsd: 500_000 };
    expect(decideMessage(state, LIMITS, CONFIG, NOW)).toEqual({ admitted: false, limit: 'daily_spend', retryAfterMs: 12 * HOUR_MS });
  });

  it('refuses a connection with its answers in flight before looking at the rate, and ignores expired slots', () => {
    expect(decideMessage({ ...idle, inFlightExpiries: [NOW + 5, NOW + 9] }, LIMITS, CONFIG, NOW)).toEqual({ admitted: false, limit: 'in_flight', retryAfterMs: 1500 });
    expect(decideMessage({ ...idle, inFlightExpiries: [NOW - 5, NOW + 9] }, LIMITS, CONFIG, NOW)).toEqual({ admitted: true });
  });

  it('refuses the message past the rate with the time the window frees a message', () => {
    const state = { ...idle, messageTimes: [NOW - 30_000, NOW - 20_000, NOW - 1] };
    expect(decideMessage(state, LIMITS, CONFIG, NOW)).toEqual({ admitted: false, limit: 'message_rate', retryAfterMs: 30_000 });
  });
});

describe('decideStrongAnswer', () => {
  it('admits within the hourly allowance and refuses past it until the oldest leaves the hour', () => {
    expect(decideStrongAnswer([NOW - 1000], LIMITS, NOW)).toEqual({ admitted: true });
    expect(decideStrongAnswer([NOW - 40 * MINUTE_MS, NOW - 1000], LIMITS, NOW)).toEqual({ admitted: false, limit: 'strong_hourly', retryAfterMs: 20 * MINUTE_MS });
  });
});

describe('limits and their configuration', () => {
  it('gives a guest tighter limits than a customer in every dimension', () => {
    const customer = limitsFor(DEFAULT_LIMITS_CONFIG, { kind: 'customer', customerId: 'c1', scopes: [] });
    const guest = limitsFor(DEFAULT_LIMITS_CONFIG, { kind: 'guest', guestId: 'conn-1' });
    expect(guest).toBe(DEFAULT_LIMITS_CONFIG.guest);
    for (const field of ['messagesPerMinute', 'invokesInFlight', 'strongAnswersPerHour', 'dailySpendUsd'] as const) {
      expect(guest[field]).toBeLessThan(customer[field]);
    }
  });

  it('accepts the defaults and lists every problem of a bad configuration', () => {
    expect(limitsConfigProblems(DEFAULT_LIMITS_CONFIG)).toEqual([]);
    const bad = { ...DEFAULT_LIMITS_CONFIG, guest: { ...DEFAULT_LIMITS_CONFIG.guest, messagesPerMinute: 1.5, dailySpendUsd: -1 }, inFlightTtlMs: 10 };
    expect(limitsConfigProblems(bad)).toEqual([
      'guest.messagesPerMinute must be an integer from 0 to 100000',
      'guest.dailySpendUsd must be a non-negative number',
      'inFlightTtlMs must be an integer of at least 1000',
    ]);
  });

  it('counts spend in micro-USD rounded up, so rounding never lets a cap be passed', () => {
    expect(toMicroUsd(1)).toBe(1_000_000);
    expect(toMicroUsd(0.0000001)).toBe(1);
    expect(toMicroUsd(0)).toBe(0);
  });

  it('knows when the JST day ends', () => {
    expect(msUntilNextJstDay(Date.UTC(2026, 11, 1, 15, 0, 0))).toBe(24 * HOUR_MS); // 00:00 JST
    expect(msUntilNextJstDay(Date.UTC(2026, 11, 1, 14, 59, 59, 999))).toBe(1);
  });

  it('maps each breach to its stable error code with the retry hint', () => {
    expect(new LimitError('message_rate', 10).code).toBe('rate_limited');
    expect(new LimitError('in_flight', 10).code).toBe('rate_limited');
    expect(new LimitError('daily_spend', 10).code).toBe('limit_exceeded');
    expect(new LimitError('strong_hourly', 10)).toMatchObject({ code: 'limit_exceeded', retryAfterMs: 10 });
  });
});
