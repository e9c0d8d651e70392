import type { Clock, ResponseCache } from '../ports';

/**
 * The in-process answer cache behind the same port as Redis: the offline stack uses it when REDIS_URL is unset, and
 * unit tests use it as their fake. Entries expire by the injected clock. (Spend lives in the budget ledger:
 * lambdas/adapters/memory-budget.ts.)
 */
export class MemoryStore implements ResponseCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
  }
}
