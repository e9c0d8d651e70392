import type { Clock, ResponseCache, SpendEntry, SpendLedger } from '../ports';

/**
 * The in-process store behind the same ports as Redis: the offline stack uses it when REDIS_URL is unset, and
 * unit tests use it as their fake. Entries expire by the injected clock.
 */
export class MemoryStore implements ResponseCache, SpendLedger {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly spend = new Map<string, number>();

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

  async add(entry: SpendEntry): Promise<void> {
    for (const scope of [entry.tier, 'total']) {
      const key = `${entry.day}:${scope}`;
      this.spend.set(key, (this.spend.get(key) ?? 0) + entry.usd);
    }
  }

  async total(day: string): Promise<number> {
    return this.spend.get(`${day}:total`) ?? 0;
  }

  async spentOn(day: string, tier: string): Promise<number> {
    return this.spend.get(`${day}:${tier}`) ?? 0;
  }
}
