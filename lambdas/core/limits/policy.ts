import type { Principal } from '../principal';
import type { LimitName, LimitsConfig, PrincipalLimits } from './config';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * HOUR_MS;

/** The error code a breach is reported with: a rate breach clears within seconds, an allowance breach much later. */
export const LIMIT_ERROR_CODES = {
  message_rate: 'rate_limited',
  in_flight: 'rate_limited',
  strong_hourly: 'limit_exceeded',
  daily_spend: 'limit_exceeded',
} as const satisfies Record<LimitName, 'rate_limited' | 'limit_exceeded'>;

export type LimitVerdict = { readonly admitted: true } | { readonly admitted: false; readonly limit: LimitName; readonly retryAfterMs: number };

export const ADMITTED: LimitVerdict = { admitted: true };

export const limitsFor = (config: LimitsConfig, principal: Principal): PrincipalLimits => (principal.kind === 'customer' ? config.customer : config.guest);

/** Micro-USD as the stores count spend: rounded up, so the cap is never undercounted by rounding. */
export const toMicroUsd = (usd: number): number => (usd > 0 ? Math.ceil(usd * 1e6 - 1e-6) : 0);

/** Milliseconds until the next JST midnight: when a daily allowance starts again (the budget's day, too). */
export const msUntilNextJstDay = (now: number): number => DAY_MS - ((((now + JST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);

/**
 * A sliding-window log: an event is admitted when fewer than `limit` events were recorded in the `windowMs` before
 * `now` (an event at exactly `now - windowMs` has left the window). Refused, the hint is when enough of them will
 * have left it for one more: the (count - limit + 1)-th oldest event's exit. A limit of 0 admits nothing, ever: its
 * hint is one window.
 */
export const slidingWindow = (
  times: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
): { readonly admitted: true } | { readonly admitted: false; readonly retryAfterMs: number } => {
  const live = times.filter((time) => time > now - windowMs).sort((a, b) => a - b);
  if (live.length < limit) return { admitted: true };
  if (limit <= 0) return { admitted: false, retryAfterMs: windowMs };
  const exits = live[live.length - limit]! + windowMs;
  return { admitted: false, retryAfterMs: Math.max(1, exits - now) };
};

/** What a store knows of a principal and a connection when a message arrives. */
export interface MessageLimitState {
  /** When this principal's recent admitted messages arrived (epoch ms); older ones may be included. */
  readonly messageTimes: readonly number[];
  /** Expiry (epoch ms) of each in-flight slot of this connection; expired ones may be included. */
  readonly inFlightExpiries: readonly number[];
  /** The principal's spend on the request's JST day, micro-USD. */
  readonly spentMicroUsd: number;
}

/**
 * Admission of one `invoke`, before anything is routed or called: the day's spend first (nothing else matters once
 * it is spent), then the connection's answers in flight, then the message rate. A refused message records nothing:
 * it neither uses the rate nor holds a slot, so a client that backs off for the hint is admitted.
 */
export const decideMessage = (state: MessageLimitState, limits: PrincipalLimits, config: Pick<LimitsConfig, 'inFlightRetryAfterMs'>, now: number): LimitVerdict => {
  if (state.spentMicroUsd >= toMicroUsd(limits.dailySpendUsd)) return { admitted: false, limit: 'daily_spend', retryAfterMs: msUntilNextJstDay(now) };
  const inFlight = state.inFlightExpiries.filter((expiry) => expiry > now).length;
  if (inFlight >= limits.invokesInFlight) return { admitted: false, limit: 'in_flight', retryAfterMs: config.inFlightRetryAfterMs };
  const rate = slidingWindow(state.messageTimes, now, limits.messagesPerMinute, MINUTE_MS);
  return rate.admitted ? ADMITTED : { admitted: false, limit: 'message_rate', retryAfterMs: rate.retryAfterMs };
};

/** Whether one more answer may go to the strong tier this hour; refused, the answer is demoted, not refused. */
export const decideStrongAnswer = (strongTimes: readonly number[], limits: PrincipalLimits, now: number): LimitVerdict => {
  const window = slidingWindow(strongTimes, now, limits.strongAnswersPerHour, HOUR_MS);
  return window.admitted ? ADMITTED : { admitted: false, limit: 'strong_hourly', retryAfterMs: window.retryAfterMs };
};

/** The reason a `done` frame carries when the hourly strong-tier allowance moved the answer to the cheap tier. */
export const STRONG_HOURLY_DEMOTION_REASON = 'limit:strong_hourly:demoted_to_haiku';

/** The reason when the limit store could not be asked: the strong tier is not given unchecked (fail closed). */
export const LIMITS_UNAVAILABLE_REASON = 'limit:unavailable:cheap_tier';

/**
 * The store keys of one principal. The `{principal}` hash tag keeps them in one cluster slot, so one script can
 * touch a principal's message log and its connection's slots at once (a connection has one principal).
 */
export const limitKeys = (principalKey: string) => {
  const prefix = `limits:{${principalKey}}`;
  return {
    /** Sorted set: admitted message id scored by arrival (epoch ms). */
    messages: `${prefix}:messages`,
    /** Sorted set: in-flight slot id scored by expiry (epoch ms), per connection. */
    inFlight: (connectionId: string) => `${prefix}:inflight:${connectionId}`,
    /** Sorted set: strong-tier answer id scored by when it was taken (epoch ms). */
    strong: `${prefix}:strong`,
    /** String: micro-USD spent on a JST day. */
    spent: (day: string) => `${prefix}:spent:${day}`,
  };
};
