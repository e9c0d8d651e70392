import type Redis from 'ioredis';
import { MemoryLimitStore } from '../../lambdas/adapters/memory-limits';
import { LimitStoreTimeoutError, RedisLimitStore } from '../../lambdas/adapters/redis-limits';
import { createRedisClient } from '../../lambdas/adapters/redis-store';
import { HOUR_MS, MINUTE_MS, msUntilNextJstDay, type PrincipalLimits } from '../../lambdas/core/limits';
import type { LimitStore, MessageAdmissionRequest } from '../../lambdas/ports';
import { startTestRedis, type TestRedis } from '../support/redis-server';

const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);
const DAY = '2026-12-02';
const LIMITS: PrincipalLimits = { messagesPerMinute: 3, invokesInFlight: 2, strongAnswersPerHour: 2, dailySpendUsd: 0.01 };
const CONFIG = { inFlightTtlMs: 90_000, inFlightRetryAfterMs: 1500 };

let unique = 0;
/** A principal no other test touches: the Redis store is shared by the whole file. */
const freshPrincipal = () => `customer:t${(unique += 1)}`;

const message = (principalKey: string, id: string, now = NOW, connectionId = 'conn-1', limits = LIMITS): MessageAdmissionRequest => ({
  principalKey,
  connectionId,
  id,
  day: DAY,
  now,
  limits,
  config: CONFIG,
});

/**
 * The same contract for both stores: the in-process one applies the core policy directly, the Redis one runs it in
 * Lua, so the figures (retry hints included) must match.
 */
const contract = (name: string, store: () => LimitStore) => {
  describe(`${name} limit store`, () => {
    it('admits messages up to the rate, then refuses with the time the oldest leaves the minute', async () => {
      const p = freshPrincipal();
      const s = store();
      // Each message releases its slot, so only the rate counts.
      for (const [i, at] of [NOW - 40_000, NOW - 30_000, NOW - 10_000].entries()) {
        expect(await s.admitMessage(message(p, `m${i}`, at))).toEqual({ admitted: true });
        await s.releaseInFlight({ principalKey: p, connectionId: 'conn-1', id: `m${i}` });
      }
      expect(await s.admitMessage(message(p, 'm3'))).toEqual({ admitted: false, limit: 'message_rate', retryAfterMs: 20_000 });
      // A refused message is not logged: once the oldest has left the window, one more is admitted.
      expect(await s.admitMessage(message(p, 'm4', NOW - 40_000 + MINUTE_MS))).toEqual({ admitted: true });
    });

    it('holds in-flight slots per connection until released, and a lost release expires by its TTL', async () => {
      const p = freshPrincipal();
      const s = store();
      const roomy = { ...LIMITS, messagesPerMinute: 100 };
      expect(await s.admitMessage(message(p, 'a', NOW, 'conn-1', roomy))).toEqual({ admitted: true });
      expect(await s.admitMessage(message(p, 'b', NOW, 'conn-1', roomy))).toEqual({ admitted: true });
      expect(await s.admitMessage(message(p, 'c', NOW, 'conn-1', roomy))).toEqual({ admitted: false, limit: 'in_flight', retryAfterMs: 1500 });
      // Another connection of the same principal has its own slots.
      expect(await s.admitMessage(message(p, 'd', NOW, 'conn-2', roomy))).toEqual({ admitted: true });
      await s.releaseInFlight({ principalKey: p, connectionId: 'conn-1', id: 'a' });
      await s.releaseInFlight({ principalKey: p, connectionId: 'conn-1', id: 'a' });
      expect(await s.admitMessage(message(p, 'e', NOW, 'conn-1', roomy))).toEqual({ admitted: true });
      expect(await s.admitMessage(message(p, 'f', NOW + 1, 'conn-1', roomy))).toMatchObject({ admitted: false, limit: 'in_flight' });
      // Never released: both slots are free once their TTL has passed.
      expect(await s.admitMessage(message(p, 'g', NOW + CONFIG.inFlightTtlMs + 1, 'conn-1', roomy))).toEqual({ admitted: true });
    });

    it('refuses every message once the day is spent, until the next JST midnight, and counts per day', async () => {
      const p = freshPrincipal();
      const s = store();
      await s.chargeSpend({ principalKey: p, day: DAY, usd: 0.004 });
      await s.chargeSpend({ principalKey: p, day: DAY, usd: 0.0059999 });
      expect(await s.spentUsd(p, DAY)).toBeCloseTo(0.01, 9);
      expect(await s.admitMessage(message(p, 'x'))).toEqual({ admitted: false, limit: 'daily_spend', retryAfterMs: msUntilNextJstDay(NOW) });
      expect(await s.spentUsd(p, '2026-12-03')).toBe(0);
      expect(await s.admitMessage({ ...message(p, 'y'), day: '2026-12-03' })).toEqual({ admitted: true });
    });

    it('gives the strong tier up to the hourly allowance, then the time until one leaves the hour', async () => {
      const p = freshPrincipal();
      const s = store();
      expect(await s.takeStrongAnswer({ principalKey: p, id: 's1', now: NOW - 45 * MINUTE_MS, limits: LIMITS })).toEqual({ admitted: true });
      expect(await s.takeStrongAnswer({ principalKey: p, id: 's2', now: NOW - MINUTE_MS, limits: LIMITS })).toEqual({ admitted: true });
      expect(await s.takeStrongAnswer({ principalKey: p, id: 's3', now: NOW, limits: LIMITS })).toEqual({ admitted: false, limit: 'strong_hourly', retryAfterMs: 15 * MINUTE_MS });
      expect(await s.takeStrongAnswer({ principalKey: p, id: 's4', now: NOW - 45 * MINUTE_MS + HOUR_MS, limits: LIMITS })).toEqual({ admitted: true });
      expect(await s.takeStrongAnswer({ principalKey: freshPrincipal(), id: 's1', now: NOW, limits: { ...LIMITS, strongAnswersPerHour: 0 } })).toEqual({
        admitted: false,
        limit: 'strong_hourly',
        retryAfterMs: HOUR_MS,
      });
    });

    it('admits exactly the limit of a concurrent burst from one principal', async () => {
      const p = freshPrincipal();
      const s = store();
      const generous = { ...LIMITS, invokesInFlight: 50, messagesPerMinute: 5 };
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => s.admitMessage(message(p, `burst-${i}`, NOW, 'conn-1', generous))));
      expect(verdicts.filter((v) => v.admitted)).toHaveLength(5);
      const strong = await Promise.all(Array.from({ length: 20 }, (_, i) => s.takeStrongAnswer({ principalKey: p, id: `st-${i}`, now: NOW, limits: LIMITS })));
      expect(strong.filter((v) => v.admitted)).toHaveLength(2);
    });
  });
};

contract('in-process', () => new MemoryLimitStore());

describe('with a real redis-server', () => {
  let redis: TestRedis;
  let client: Redis;
  let shared: RedisLimitStore;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = createRedisClient(redis.url);
    shared = new RedisLimitStore(client);
  });

  afterAll(async () => {
    await client.quit();
    await redis.stop();
  });

  contract('Redis', () => shared);

  it('keeps every key of a principal in one cluster slot and lets them expire', async () => {
    const p = freshPrincipal();
    await shared.admitMessage(message(p, 'k1'));
    await shared.takeStrongAnswer({ principalKey: p, id: 'k1', now: NOW, limits: LIMITS });
    await shared.chargeSpend({ principalKey: p, day: DAY, usd: 0.001 });
    const keys = await client.keys(`limits:{${p}}:*`);
    expect(keys.sort()).toEqual([`limits:{${p}}:inflight:conn-1`, `limits:{${p}}:messages`, `limits:{${p}}:spent:${DAY}`, `limits:{${p}}:strong`]);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
  });

  it('recovers its scripts after the server forgets them (SCRIPT FLUSH)', async () => {
    await client.script('FLUSH');
    expect(await shared.admitMessage(message(freshPrincipal(), 'after-flush'))).toEqual({ admitted: true });
  });

  it('rejects (for the admit step to fail open) when the server is gone, and when it does not answer in time', async () => {
    const gone = await startTestRedis();
    const goneClient = createRedisClient(gone.url);
    await gone.stop();
    await expect(new RedisLimitStore(goneClient).admitMessage(message(freshPrincipal(), 'down'))).rejects.toThrow();
    goneClient.disconnect();
    // A server that holds every command (CLIENT PAUSE) past the operation's deadline: its own timeout rejects.
    await client.call('CLIENT', 'PAUSE', '300');
    await expect(new RedisLimitStore(client, { operationTimeoutMs: 50 }).takeStrongAnswer({ principalKey: freshPrincipal(), id: 'late', now: NOW, limits: LIMITS })).rejects.toThrow(
      LimitStoreTimeoutError,
    );
  });
});
