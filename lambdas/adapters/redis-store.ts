import Redis from 'ioredis';
import type { ResponseCache } from '../ports';

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
    // disconnect() waits this long for a socket that is already gone to close (2 s by default), holding the process.
    disconnectTimeout: 200,
  });
  // Without a listener ioredis reports connection errors as unhandled; callers see failed commands instead.
  client.on('error', () => undefined);
  return client;
};

/** The answer cache over Redis (ElastiCache Valkey in AWS). Spend lives in the budget ledger (redis-budget.ts). */
export class RedisStore implements ResponseCache {
  constructor(private readonly redis: Redis) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }
}
