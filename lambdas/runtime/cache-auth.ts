import type { Log } from '../ports';

/**
 * The cache's AUTH token, read once per cold start (Secrets Manager) and applied to the Redis client before its first
 * command: `ensure()` starts the read (call it at module load so it overlaps the init) and every invocation awaits it.
 * A failed read is logged and retried by the next invocation; meanwhile the request goes on without the token, its
 * cache commands fail (NOAUTH) and the answer path treats that as a cache outage: a cache miss, and the budget
 * guardian failing closed to the cheap tier. The token itself is never logged.
 */
export const cacheAuthentication = (read: () => Promise<string>, apply: (token: string) => void, log: Pick<Log, 'error'>): (() => Promise<void>) => {
  let applied = false;
  let pending: Promise<void> | undefined;
  return async () => {
    if (applied) return;
    pending ??= read().then(
      (token) => {
        apply(token);
        applied = true;
      },
      (error: unknown) => {
        pending = undefined;
        log.error('cache AUTH token could not be read; the cache is unavailable until it is', { error: error instanceof Error ? error.name : 'unknown' });
      },
    );
    await pending;
  };
};
