/**
 * Limits per principal and per connection (issue 9, item 3): what one customer, or one guest, may make the gateway
 * do. The API Gateway stage and route throttling (CDK) is the outer wall for everyone at once; these are the walls
 * per principal, enforced atomically in Redis (lambdas/adapters/redis-limits.ts) by the policy of policy.ts.
 */

/** The limits a breach names (`LimitBreaches` metric dimension `Limit`, and the error frame's wording). */
export const LIMIT_NAMES = ['message_rate', 'in_flight', 'strong_hourly', 'daily_spend'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface PrincipalLimits {
  /** `invoke` messages admitted per principal in any sliding 60 s. */
  readonly messagesPerMinute: number;
  /** `invoke`s answered at once per connection; the next one waits for one to finish. */
  readonly invokesInFlight: number;
  /** Answers routed to the strong tier per principal in any sliding hour; beyond it the cheap tier answers. */
  readonly strongAnswersPerHour: number;
  /** Model spend per principal per JST day (USD, what `done.costUsd` sums to); at or above it messages are refused. */
  readonly dailySpendUsd: number;
}

export interface LimitsConfig {
  /** An authenticated customer (a principal key `customer:<id>`). */
  readonly customer: PrincipalLimits;
  /**
   * A guest (where the deploy allows guests): a principal key per connection, so every limit here is per connection
   * too, and tighter than a customer's: a new connection is a new guest.
   */
  readonly guest: PrincipalLimits;
  /**
   * An in-flight slot whose release was lost (a container that died mid-answer) frees itself after this long (ms):
   * above the invoke function's 60 s timeout, so a live answer never loses its slot.
   */
  readonly inFlightTtlMs: number;
  /** The retry hint of an in-flight breach (ms): about one answer's time. */
  readonly inFlightRetryAfterMs: number;
}

/**
 * The embedded defaults. A customer: 20 messages a minute is a fast typist with room to spare; 3 answers at once
 * covers a client that retries or opens a second tab; 20 strong-tier answers an hour is more than a long shopping
 * conversation needs (strong-tier share is ~15% of traffic, DESIGN section 6); $1 a day is ~60 strong answers at
 * their worst case, an order of magnitude above an ordinary customer's day (a few cents). A guest: a quarter to a
 * third of that, one answer at a time, since a guest costs a new connection to renew.
 */
export const DEFAULT_LIMITS_CONFIG: LimitsConfig = {
  customer: { messagesPerMinute: 20, invokesInFlight: 3, strongAnswersPerHour: 20, dailySpendUsd: 1 },
  guest: { messagesPerMinute: 6, invokesInFlight: 1, strongAnswersPerHour: 3, dailySpendUsd: 0.1 },
  inFlightTtlMs: 90_000,
  inFlightRetryAfterMs: 2_000,
};

const COUNT_FIELDS = ['messagesPerMinute', 'invokesInFlight', 'strongAnswersPerHour'] as const;

/** What is wrong with a configuration, one sentence per problem; empty when valid. */
export const limitsConfigProblems = (config: LimitsConfig): string[] => {
  const problems: string[] = [];
  for (const kind of ['customer', 'guest'] as const) {
    const limits = config[kind];
    for (const field of COUNT_FIELDS) {
      const value = limits[field];
      if (!Number.isInteger(value) || value < 0 || value > 100_000) problems.push(`${kind}.${field} must be an integer from 0 to 100000`);
    }
    if (!Number.isFinite(limits.dailySpendUsd) || limits.dailySpendUsd < 0) problems.push(`${kind}.dailySpendUsd must be a non-negative number`);
  }
  if (!Number.isInteger(config.inFlightTtlMs) || config.inFlightTtlMs < 1000) problems.push('inFlightTtlMs must be an integer of at least 1000');
  if (!Number.isInteger(config.inFlightRetryAfterMs) || config.inFlightRetryAfterMs < 0) problems.push('inFlightRetryAfterMs must be a non-negative integer');
  return problems;
};
