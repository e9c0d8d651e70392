import { MemoryBudgetLedger, toMicroUsd } from '../../lambdas/adapters/memory-budget';
import { BUDGET_KEY_TTL_SECONDS, budgetKeys, budgetOverrideKey, RedisBudgetLedger } from '../../lambdas/adapters/redis-budget';
import { createRedisClient } from '../../lambdas/adapters/redis-store';
import type { BudgetLedger } from '../../lambdas/ports/budget';
import { startTestRedis, type TestRedis } from '../support/redis-server';

const DAY = '2026-12-01';
const NEXT_DAY = '2026-12-02';
/** 2026-12-01 12:00 JST. Reservation expiry is judged by these `now` values, never by the wall clock. */
const T0 = Date.parse('2026-12-01T12:00:00+09:00');
const TTL = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Subject {
  readonly ledger: BudgetLedger;
  /** Moves the clock that ages overrides (the wall clock for Redis's key TTLs, a fake one in memory) to `ms`. */
  passTo(ms: number): Promise<void>;
  /** The clock overrides are judged by. */
  now(): number;
}

let redis: TestRedis;
const clients: ReturnType<typeof createRedisClient>[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await redis.stop();
});

const redisSubject = async (): Promise<Subject> => {
  const client = createRedisClient(redis.url);
  clients.push(client);
  await client.flushall();
  return {
    ledger: new RedisBudgetLedger(client),
    passTo: async (ms) => {
      while (Date.now() < ms) await sleep(Math.max(5, ms - Date.now()));
    },
    now: () => Date.now(),
  };
};

const memorySubject = async (): Promise<Subject> => {
  let now = Date.now();
  const clock = { now: () => now };
  return {
    ledger: new MemoryBudgetLedger(clock),
    passTo: async (ms) => {
      now = Math.max(now, ms);
    },
    now: () => now,
  };
};

const reserve = (ledger: BudgetLedger, id: string, usd: number, limitUsd: number, now = T0, day = DAY, ttlMs = TTL) =>
  ledger.reserve({ day, id, usd, limitUsd, ttlMs, now });

describe.each([
  ['RedisBudgetLedger (real redis-server)', redisSubject],
  ['MemoryBudgetLedger', memorySubject],
])('%s', (_name, make) => {
  let subject: Subject;
  let ledger: BudgetLedger;
  beforeEach(async () => {
    subject = await make();
    ledger = subject.ledger;
  });

  it('admits exactly 10 of 50 concurrent reservations worth 1/10 of the limit each', async () => {
    // 0.1 ten times is 0.9999999999999999 in floats: micro-dollars make the tenth one fit exactly.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(ledger, `call-${i}`, 0.1, 1)));

    expect(results.filter((result) => result.admitted)).toHaveLength(10);
    expect(results.filter((result) => !result.admitted)).toEqual(Array.from({ length: 40 }, () => ({ admitted: false, committedUsd: 1 })));
    expect(await ledger.daySpend(DAY, T0)).toEqual({ spentUsd: 0, reservedUsd: 1, byTier: {}, byIntent: {}, byIntentTier: {} });
  });

  it('admits when spent + reserved + usd is exactly the limit, and not a micro-dollar more', async () => {
    await ledger.settle({ day: DAY, id: 'done', usd: 0.7, tier: 'sonnet', intent: 'comparison' });
    await expect(reserve(ledger, 'a', 0.2, 1)).resolves.toEqual({ admitted: true });

    await expect(reserve(ledger, 'b', 0.100001, 1)).resolves.toEqual({ admitted: false, committedUsd: 0.9 });
    await expect(reserve(ledger, 'c', 0.1, 1)).resolves.toEqual({ admitted: true });
  });

  it('settles the actual cost and releases the rest of the reservation', async () => {
    await expect(reserve(ledger, 'r1', 1.0, 10)).resolves.toEqual({ admitted: true });

    await ledger.settle({ day: DAY, id: 'r1', usd: 0.3, tier: 'sonnet', intent: 'recommendation' });

    expect(await ledger.daySpend(DAY, T0)).toMatchObject({ spentUsd: 0.3, reservedUsd: 0 });
  });

  it('counts a settlement once however often it is repeated', async () => {
    await reserve(ledger, 'r1', 1.0, 10);
    const settlement = { day: DAY, id: 'r1', usd: 0.3, tier: 'sonnet', intent: 'recommendation' } as const;

    await ledger.settle(settlement);
    await ledger.settle(settlement);
    await Promise.all([ledger.settle(settlement), ledger.settle(settlement)]);

    expect(await ledger.daySpend(DAY, T0)).toEqual({ spentUsd: 0.3, reservedUsd: 0, byTier: { sonnet: 0.3 }, byIntent: { recommendation: 0.3 }, byIntentTier: { recommendation: { sonnet: 0.3 } } });
  });

  it('still counts a settlement without a reservation (a call made while the guardian failed closed)', async () => {
    await reserve(ledger, 'other', 0.5, 10);

    await ledger.settle({ day: DAY, id: 'unknown', usd: 0.25, tier: 'haiku', intent: 'chitchat' });

    expect(await ledger.daySpend(DAY, T0)).toMatchObject({ spentUsd: 0.25, reservedUsd: 0.5 });
  });

  it('does not charge a retried reserve of the same id twice', async () => {
    await expect(reserve(ledger, 'same', 0.6, 1)).resolves.toEqual({ admitted: true });
    await expect(reserve(ledger, 'same', 0.6, 1)).resolves.toEqual({ admitted: true });

    expect((await ledger.daySpend(DAY, T0)).reservedUsd).toBe(0.6);
  });

  it('stops counting an unsettled reservation at its ttl, which frees admission', async () => {
    await expect(reserve(ledger, 'crashed', 0.6, 1, T0, DAY, 1000)).resolves.toEqual({ admitted: true });

    await expect(reserve(ledger, 'blocked', 0.6, 1, T0 + 999)).resolves.toEqual({ admitted: false, committedUsd: 0.6 });
    expect((await ledger.daySpend(DAY, T0 + 999)).reservedUsd).toBe(0.6);
    await expect(reserve(ledger, 'later', 0.6, 1, T0 + 1000)).resolves.toEqual({ admitted: true });
    expect((await ledger.daySpend(DAY, T0 + 1000)).reservedUsd).toBe(0.6);
  });

  it('never drives reserved negative when an expired reservation is settled late', async () => {
    await reserve(ledger, 'slow', 0.4, 1, T0, DAY, 1000);
    expect((await ledger.daySpend(DAY, T0 + 5000)).reservedUsd).toBe(0);

    await ledger.settle({ day: DAY, id: 'slow', usd: 0.35, tier: 'sonnet', intent: 'manga_qa' });
    await ledger.settle({ day: DAY, id: 'slow', usd: 0.35, tier: 'sonnet', intent: 'manga_qa' });

    expect(await ledger.daySpend(DAY, T0 + 5000)).toMatchObject({ spentUsd: 0.35, reservedUsd: 0 });
    await expect(reserve(ledger, 'next', 0.65, 1, T0 + 5000)).resolves.toEqual({ admitted: true });
    await expect(reserve(ledger, 'over', 0.000001, 1, T0 + 5000)).resolves.toEqual({ admitted: false, committedUsd: 1 });
  });

  it('releases a reservation that expired but was not yet dropped when it is settled', async () => {
    await reserve(ledger, 'late', 0.4, 1, T0, DAY, 1000);

    await ledger.settle({ day: DAY, id: 'late', usd: 0.1, tier: 'haiku', intent: 'shipping_info' });

    expect(await ledger.daySpend(DAY, T0 + 5000)).toMatchObject({ spentUsd: 0.1, reservedUsd: 0 });
  });

  it('keeps totals per tier, per intent and per intent and tier', async () => {
    await ledger.settle({ day: DAY, id: '1', usd: 0.012, tier: 'sonnet', intent: 'recommendation' });
    await ledger.settle({ day: DAY, id: '2', usd: 0.008, tier: 'sonnet', intent: 'comparison' });
    await ledger.settle({ day: DAY, id: '3', usd: 0.0004, tier: 'haiku', intent: 'recommendation' });
    await ledger.settle({ day: DAY, id: '4', usd: 0, tier: 'haiku', intent: 'chitchat' });

    expect(await ledger.daySpend(DAY, T0)).toEqual({
      spentUsd: 0.0204,
      reservedUsd: 0,
      byTier: { sonnet: 0.02, haiku: 0.0004 },
      byIntent: { recommendation: 0.0124, comparison: 0.008, chitchat: 0 },
      byIntentTier: { recommendation: { sonnet: 0.012, haiku: 0.0004 }, comparison: { sonnet: 0.008 }, chitchat: { haiku: 0 } },
    });
  });

  it('keeps days independent', async () => {
    await reserve(ledger, 'today', 0.9, 1);
    await ledger.settle({ day: DAY, id: 'spent-today', usd: 0.05, tier: 'haiku', intent: 'payment' });

    await expect(reserve(ledger, 'tomorrow', 0.9, 1, T0 + 1000, NEXT_DAY)).resolves.toEqual({ admitted: true });

    expect(await ledger.daySpend(NEXT_DAY, T0 + 1000)).toEqual({ spentUsd: 0, reservedUsd: 0.9, byTier: {}, byIntent: {}, byIntentTier: {} });
    expect(await ledger.daySpend(DAY, T0 + 1000)).toMatchObject({ spentUsd: 0.05, reservedUsd: 0.9 });
    // The same id on another day is another call: settling it there counts there.
    await ledger.settle({ day: NEXT_DAY, id: 'spent-today', usd: 0.05, tier: 'haiku', intent: 'payment' });
    expect((await ledger.daySpend(NEXT_DAY, T0 + 1000)).spentUsd).toBe(0.05);
  });

  it('reads an empty day as zero', async () => {
    expect(await ledger.daySpend('2027-01-01', T0)).toEqual({ spentUsd: 0, reservedUsd: 0, byTier: {}, byIntent: {}, byIntentTier: {} });
  });

  it('sums 10,000 settlements of $0.000123 to exactly $1.23', async () => {
    // 100 at a time: concurrent enough to race, small enough to stay inside the client's 500 ms command timeout on a busy machine.
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => ledger.settle({ day: DAY, id: `s-${batch}-${i}`, usd: 0.000123, tier: 'haiku', intent: 'chitchat' })),
      );
    }

    const spend = await ledger.daySpend(DAY, T0);
    expect(spend.spentUsd).toBe(1.23);
    expect(spend.byTier.haiku).toBe(1.23);
    expect(spend.byIntent.chitchat).toBe(1.23);
  });

  it('sets, reads, replaces and clears a day override', async () => {
    const override = { usd: 4000, expiresAt: subject.now() + 3_600_000, setBy: 'oncall@example.com', reason: 'Manga Matsuri' };

    expect(await ledger.getOverride(DAY)).toBeUndefined();
    await ledger.setOverride(DAY, override);
    expect(await ledger.getOverride(DAY)).toEqual(override);
    expect(await ledger.getOverride(NEXT_DAY)).toBeUndefined();
    await ledger.setOverride(DAY, { ...override, usd: 1000, reason: 'lower' });
    expect(await ledger.getOverride(DAY)).toMatchObject({ usd: 1000, reason: 'lower' });

    await expect(ledger.clearOverride(DAY)).resolves.toBe(true);
    await expect(ledger.clearOverride(DAY)).resolves.toBe(false);
    expect(await ledger.getOverride(DAY)).toBeUndefined();
  });

  it('lets an override expire at its expiresAt', async () => {
    const expiresAt = subject.now() + 300;
    await ledger.setOverride(DAY, { usd: 10, expiresAt, setBy: 'cli', reason: 'short' });
    expect(await ledger.getOverride(DAY)).toMatchObject({ usd: 10 });

    await subject.passTo(expiresAt + 50);

    expect(await ledger.getOverride(DAY)).toBeUndefined();
    await expect(ledger.clearOverride(DAY)).resolves.toBe(false);
  });

  it('rejects malformed input instead of writing it', async () => {
    await expect(ledger.reserve({ day: '2026-13-01', id: 'x', usd: 1, limitUsd: 10, ttlMs: TTL, now: T0 })).rejects.toThrow(RangeError);
    await expect(ledger.reserve({ day: DAY, id: 'x', usd: Number.NaN, limitUsd: 10, ttlMs: TTL, now: T0 })).rejects.toThrow(RangeError);
    await expect(ledger.reserve({ day: DAY, id: 'x', usd: -1, limitUsd: 10, ttlMs: TTL, now: T0 })).rejects.toThrow(RangeError);
    await expect(ledger.reserve({ day: DAY, id: '', usd: 1, limitUsd: 10, ttlMs: TTL, now: T0 })).rejects.toThrow(RangeError);
    await expect(ledger.reserve({ day: DAY, id: 'x', usd: 1, limitUsd: 10, ttlMs: 0, now: T0 })).rejects.toThrow(RangeError);
    await expect(ledger.settle({ day: DAY, id: 'x', usd: Number.POSITIVE_INFINITY, tier: 'haiku', intent: 'payment' })).rejects.toThrow(RangeError);
    await expect(ledger.setOverride(DAY, { usd: -5, expiresAt: subject.now() + 1000, setBy: 'a', reason: 'b' })).rejects.toThrow(RangeError);

    expect(await ledger.daySpend(DAY, T0)).toEqual({ spentUsd: 0, reservedUsd: 0, byTier: {}, byIntent: {}, byIntentTier: {} });
    expect(await ledger.getOverride(DAY)).toBeUndefined();
  });
});

describe('micro-dollar rounding', () => {
  it('rounds settlements to the nearest micro-dollar and reservations up, ignoring binary noise', () => {
    expect(toMicroUsd(0.3, 'up')).toBe(300000);
    expect(toMicroUsd(0.000123, 'nearest')).toBe(123);
    expect(toMicroUsd(0.0000001, 'nearest')).toBe(0);
    expect(toMicroUsd(0.0000001, 'up')).toBe(1);
    expect(toMicroUsd(0.0000015, 'nearest')).toBe(2);
    expect(toMicroUsd(2500.3, 'up')).toBe(2_500_300_000);
    expect(toMicroUsd(12.0000004, 'up')).toBe(12_000_001);
  });
});

describe('RedisBudgetLedger key layout', () => {
  it("keeps a day's keys under one hash tag, expiring a few days later, and the override at seed 000's key", async () => {
    const client = createRedisClient(redis.url);
    clients.push(client);
    await client.flushall();
    const ledger = new RedisBudgetLedger(client);
    const keys = budgetKeys(DAY);

    await ledger.reserve({ day: DAY, id: 'r', usd: 0.5, limitUsd: 10, ttlMs: TTL, now: T0 });
    await ledger.reserve({ day: DAY, id: 'open', usd: 0.25, limitUsd: 10, ttlMs: TTL, now: T0 });
    await ledger.settle({ day: DAY, id: 'r', usd: 0.2, tier: 'sonnet', intent: 'comparison' });
    const expiresAt = Date.now() + 60_000;
    await ledger.setOverride(DAY, { usd: 3000, expiresAt, setBy: 'cli', reason: 'sale' });

    expect(Object.values(keys).every((key) => key.startsWith('budget:{2026-12-01}:'))).toBe(true);
    expect((await client.keys('*')).sort()).toEqual(
      [keys.spent, keys.reserved, keys.reservations, keys.expiries, keys.settled, keys.byTier, keys.byIntent, budgetOverrideKey(DAY)].sort(),
    );
    expect(await client.get(keys.spent)).toBe('200000');
    expect(await client.get(keys.reserved)).toBe('250000');
    expect(await client.hgetall(keys.reservations)).toEqual({ open: '250000' });
    expect(await client.zscore(keys.expiries, 'open')).toBe(String(T0 + TTL));
    expect(await client.hgetall(keys.byTier)).toEqual({ sonnet: '200000' });
    for (const key of Object.values(keys)) {
      const ttl = await client.ttl(key);
      expect(ttl).toBeGreaterThan(BUDGET_KEY_TTL_SECONDS - 10);
      expect(ttl).toBeLessThanOrEqual(BUDGET_KEY_TTL_SECONDS);
    }
    expect(JSON.parse((await client.get(budgetOverrideKey(DAY))) ?? 'null')).toEqual({ usd: 3000, expiresAt, setBy: 'cli', reason: 'sale' });
    expect(await client.pexpiretime(budgetOverrideKey(DAY))).toBe(expiresAt);
  });

  it('reloads its scripts after the server forgot them (NOSCRIPT)', async () => {
    const client = createRedisClient(redis.url);
    clients.push(client);
    await client.flushall();
    const ledger = new RedisBudgetLedger(client);
    await ledger.reserve({ day: DAY, id: 'a', usd: 0.5, limitUsd: 1, ttlMs: TTL, now: T0 });

    await client.script('FLUSH');

    await expect(ledger.reserve({ day: DAY, id: 'b', usd: 0.5, limitUsd: 1, ttlMs: TTL, now: T0 })).resolves.toEqual({ admitted: true });
    await expect(ledger.reserve({ day: DAY, id: 'c', usd: 0.5, limitUsd: 1, ttlMs: TTL, now: T0 })).resolves.toEqual({ admitted: false, committedUsd: 1 });
  });

  it('reports an override it cannot read instead of guessing', async () => {
    const client = createRedisClient(redis.url);
    clients.push(client);
    await client.flushall();
    await client.set(budgetOverrideKey(DAY), '{"usd":"lots"}');

    await expect(new RedisBudgetLedger(client).getOverride(DAY)).rejects.toThrow(/usd/);
  });
});

describe('RedisBudgetLedger with Redis down', () => {
  it('rejects within about a second when the server stops, and again on each later call', async () => {
    const own = await startTestRedis();
    const client = createRedisClient(own.url);
    const ledger = new RedisBudgetLedger(client);
    await expect(reserve(ledger, 'before', 0.1, 1)).resolves.toEqual({ admitted: true });
    await own.stop();

    // Later calls meet ioredis backing off between reconnects; the ledger's deadline still bounds each one.
    for (let attempt = 0; attempt < 4; attempt++) {
      const started = Date.now();
      await expect(reserve(ledger, `down-${attempt}`, 0.1, 1)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2500);
    }
    const started = Date.now();
    await expect(ledger.settle({ day: DAY, id: 'x', usd: 0.1, tier: 'haiku', intent: 'payment' })).rejects.toThrow();
    await expect(ledger.daySpend(DAY, T0)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);

    client.disconnect();
    // ioredis leaves its connect-timeout timer (connectTimeout: 1 s) running after a refused connection.
    await sleep(1100);
  });

  it('rejects within about a second against a closed port', async () => {
    const closed = await startTestRedis();
    await closed.stop();
    const client = createRedisClient(closed.url);
    const started = Date.now();

    await expect(reserve(new RedisBudgetLedger(client), 'never', 0.1, 1)).rejects.toThrow();

    expect(Date.now() - started).toBeLessThan(2500);
    client.disconnect();
    await sleep(1100);
  });
});
