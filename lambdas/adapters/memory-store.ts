import type { Clock, ResponseCache } from '../ports';

/**
 * The in-process answer cache behind the same port as Redis: the offline stack uses it when REDIS_URL is unset, and
 * unit tests use it as their fake. Entries expire by the injected clock. (Spend lives in the budget ledger:
 * lambdas/adapters/memory-budget.ts.)
 */
/** Cached answers the in-process store keeps at most by default. */
export const DEFAULT_MEMORY_CACHE_ENTRIES = 10_000;

export class MemoryStore implements ResponseCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  /**
   * `maxEntries` bounds memory: an entry expires only when read, so unique messages that are never asked again
   * would otherwise stay forever; past the bound the oldest write goes (a Map iterates in insertion order).
   */
  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number = DEFAULT_MEMORY_CACHE_ENTRIES,
  ) {}

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
    // Re-inserted, so a rewritten key counts as the newest.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Entries held now (expired ones included until read or pushed out). */
  get size(): number {
    return this.entries.size;
  }
}
