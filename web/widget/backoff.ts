/**
 * Reconnection delays: exponential from `baseMs`, capped, with jitter so that the clients of a gateway that
 * restarted do not all come back in the same instant. The jitter keeps at least half the delay, so a reconnect
 * loop never spins.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 15_000 };

/** The delay before reconnect attempt `attempt` (0 for the first); `random` in [0, 1). */
export const reconnectDelayMs = (attempt: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number => {
  const exponent = Number.isFinite(attempt) ? Math.min(Math.max(0, Math.floor(attempt)), 30) : 0;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const unit = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
};
