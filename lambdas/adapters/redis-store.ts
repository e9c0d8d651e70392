import Redis from 'ioredis';
import type { ResponseCache, SpendEntry, SpendLedger } from '../ports';

/** Spend counters outlive their day a little so a late reconciliation can still read yesterday. */
const SPEND_TTL_SECONDS = 3 * 24 * 60 * 60;

/**
 * An ioredis client that fails fast: the defaults take over 10 s to give up on a down server, far past a chat
 * answer's budget. No I/O happens until the first command (lazyConnect), so cold start stays cheap.
 */
export const createRedisClient = (url: string): Redis => {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis reports connection errors as unhandled; callers see failed commands instead.
  client.on('error', () => undefined);
  return client;
};

export const spendKey = (day: string, scope: string): string => `spend:${day}:${scope}`;

/** ResponseCache and SpendLedger over one Redis (ElastiCache Valkey in AWS). */
export class RedisStore implements ResponseCache, SpendLedger {
  constructor(private readonly redis: Redis) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async add(entry: SpendEntry): Promise<void> {
    const tierKey = spendKey(entry.day, entry.tier);
    const totalKey = spendKey(entry.day, 'total');
    // INCRBYFLOAT is atomic, so concurrent Lambdas never lose an increment.
    const results = await this.redis
      .multi()
      .incrbyfloat(tierKey, entry.usd)
      .expire(tierKey, SPEND_TTL_SECONDS)
      .incrbyfloat(totalKey, entry.usd)
      .expire(totalKey, SPEND_TTL_SECONDS)
      .exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error('spend transaction aborted');
  }

  async total(day: string): Promise<number> {
    return Number((await this.redis.get(spendKey(day, 'total'))) ?? 0);
  }
}
