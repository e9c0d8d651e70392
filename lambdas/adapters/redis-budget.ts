import type Redis from 'ioredis';
import type { BudgetOverride } from '../core/budget/guardian';
import type { Intent, ModelTier } from '../core/vocabulary';
import type { BudgetLedger, DaySpendDetail, ReserveRequest, ReserveResult, Settlement } from '../ports/budget';
import { checkBudgetDay, checkDaySpend, checkReservation, checkSettlement, fromMicroUsd, parseOverride } from './memory-budget';
import { createRedisClient } from './redis-store';
import { luaScript, runLuaScript, withDeadline, type LuaScript } from './redis-scripts';

/** Every key of a day outlives its last write by this long, so a late reconciliation can still read the day. */
export const BUDGET_KEY_TTL_SECONDS = 3 * 24 * 60 * 60;

/** The default deadline of one ledger operation: the guardian must fail (closed) within a second. */
export const BUDGET_OPERATION_TIMEOUT_MS = 1000;

/**
 * The keys of one JST budget day. The `{day}` hash tag puts them in one cluster slot, so one script can touch them
 * all. Amounts are integer micro-USD.
 */
export const budgetKeys = (day: string) => {
  const prefix = `budget:{${day}}`;
  return {
    /** String: micro-USD settled on the day. */
    spent: `${prefix}:spent`,
    /** String: micro-USD of the live reservations (the sum of `reservations`). */
    reserved: `${prefix}:reserved`,
    /** Hash: reservation id -> micro-USD. */
    reservations: `${prefix}:reservations`,
    /** Sorted set: reservation id scored by its expiry (epoch ms). */
    expiries: `${prefix}:expiries`,
    /** Set: ids already settled (settlement is idempotent). */
    settled: `${prefix}:settled`,
    /** Hash: model tier -> micro-USD settled. */
    byTier: `${prefix}:tier`,
    /** Hash: intent -> micro-USD settled, and `intent:tier` -> the part settled at that tier. */
    byIntent: `${prefix}:intent`,
  };
};

/** Seed 000's key of an operator's override for a day: JSON {usd, expiresAt, setBy, reason}, expiring at expiresAt. */
export const budgetOverrideKey = (day: string): string => `budget:override:${day}`;

/**
 * Drops the reservations expired at ARGV `now` (score <= now) and subtracts their amounts from the running total.
 * The total is clamped at zero (it cannot go below, since only recorded amounts are subtracted, but a key that
 * expired on its own must never turn into a negative reserve).
 */
const DROP_EXPIRED = `
local function drop_expired(reserved_key, amounts_key, expiries_key, now)
  local ids = redis.call('ZRANGEBYSCORE', expiries_key, '-inf', now)
  if #ids == 0 then return end
  for _, id in ipairs(ids) do
    local amount = redis.call('HGET', amounts_key, id)
    if amount then
      redis.call('HDEL', amounts_key, id)
      if redis.call('DECRBY', reserved_key, amount) < 0 then redis.call('SET', reserved_key, '0', 'KEEPTTL') end
    end
  end
  redis.call('ZREMRANGEBYSCORE', expiries_key, '-inf', now)
end
`;

/**
 * KEYS: spent, reserved, reservations, expiries. ARGV: id, micro, limitMicro, now, expiresAt, keyTtlSeconds.
 * Returns {admitted (1|0), committed micro-USD (spent + live reservations, including this one when admitted)}.
 * An id already holding a live reservation is admitted again without a second charge (a retried reserve).
 */
const RESERVE = `${DROP_EXPIRED}
drop_expired(KEYS[2], KEYS[3], KEYS[4], ARGV[4])
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local reserved = tonumber(redis.call('GET', KEYS[2]) or '0')
if reserved < 0 then reserved = 0 end
local committed = spent + reserved
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return {1, committed} end
local amount = tonumber(ARGV[2])
if committed + amount > tonumber(ARGV[3]) then return {0, committed} end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('INCRBY', KEYS[2], ARGV[2])
for i = 2, 4 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
return {1, committed + amount}
`;

/**
 * KEYS: spent, reserved, reservations, expiries, settled, byTier, byIntent. ARGV: id, micro, tier, intent,
 * keyTtlSeconds. Returns 1 when counted, 0 for an id already settled. A live (or expired but not yet dropped)
 * reservation of the id is released; a settlement without one (expired and dropped, or never made) still counts.
 */
const SETTLE = `
if redis.call('SADD', KEYS[5], ARGV[1]) == 0 then return 0 end
local amount = redis.call('HGET', KEYS[3], ARGV[1])
if amount then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  if redis.call('DECRBY', KEYS[2], amount) < 0 then redis.call('SET', KEYS[2], '0', 'KEEPTTL') end
end
redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[6], ARGV[3], ARGV[2])
redis.call('HINCRBY', KEYS[7], ARGV[4], ARGV[2])
redis.call('HINCRBY', KEYS[7], ARGV[4] .. ':' .. ARGV[3], ARGV[2])
for i = 1, 7 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return 1
`;

/**
 * KEYS: spent, reserved, reservations, expiries, byTier, byIntent. ARGV: now.
 * Drops expired reservations, then returns {spent, reserved, HGETALL byTier, HGETALL byIntent} (micro-USD strings).
 */
const DAY_SPEND = `${DROP_EXPIRED}
drop_expired(KEYS[2], KEYS[3], KEYS[4], ARGV[1])
return {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[5]), redis.call('HGETALL', KEYS[6])}
`;


const SCRIPTS = { reserve: luaScript(RESERVE), settle: luaScript(SETTLE), daySpend: luaScript(DAY_SPEND) } as const;

/** Thrown when Redis did not answer within the operation deadline; the guardian fails closed on it. */
export class BudgetLedgerTimeoutError extends Error {
  constructor(operation: string, timeoutMs: number) {
    super(`budget ledger ${operation} did not complete within ${timeoutMs} ms`);
    this.name = 'BudgetLedgerTimeoutError';
  }
}

const asInteger = (value: unknown): number => {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) throw new Error(`budget ledger: unexpected reply ${JSON.stringify(value)}`);
  return number;
};

/** The intent hash holds totals (`recommendation`) and splits by tier (`recommendation:sonnet`). */
const splitIntents = (fields: Partial<Record<string, number>>): Pick<DaySpendDetail, 'byIntent' | 'byIntentTier'> => {
  const byIntent: Partial<Record<Intent, number>> = {};
  const byIntentTier: Partial<Record<Intent, Partial<Record<ModelTier, number>>>> = {};
  for (const [field, usd = 0] of Object.entries(fields)) {
    const [intent, tier] = field.split(':') as [Intent, ModelTier | undefined];
    if (tier === undefined) byIntent[intent] = usd;
    else byIntentTier[intent] = { ...byIntentTier[intent], [tier]: usd };
  }
  return { byIntent, byIntentTier };
};

const pairsToUsd = <K extends string>(reply: unknown): Partial<Record<K, number>> => {
  const out: Partial<Record<K, number>> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i]) as K] = fromMicroUsd(asInteger(reply[i + 1]));
  return out;
};

export interface RedisBudgetLedgerOptions {
  /** Deadline of each operation (default 1000 ms): past it the call rejects even if ioredis is still reconnecting. */
  readonly operationTimeoutMs?: number;
}

/**
 * The budget ledger over Redis (ElastiCache Valkey in AWS). reserve, settle and daySpend are each one Lua script,
 * so concurrent Lambdas can never overspend (a check-then-spend admitted 50 of 50 where a budget covered 10). Scripts
 * run by EVALSHA with a fallback to EVAL on NOSCRIPT (a restarted or failed-over server). Amounts are integer
 * micro-USD (see memory-budget.ts for the rounding). Reservation expiry is judged by the callers' `now`, not
 * Redis's clock; override expiry by Redis's clock (a key TTL at expiresAt).
 */
export class RedisBudgetLedger implements BudgetLedger {
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisBudgetLedgerOptions = {},
  ) {
    this.timeoutMs = options.operationTimeoutMs ?? BUDGET_OPERATION_TIMEOUT_MS;
  }

  /** A ledger over a fail-fast client of its own (createRedisClient). The caller quits `ledger.client` at the end. */
  static fromUrl(url: string, options: RedisBudgetLedgerOptions = {}): RedisBudgetLedger {
    return new RedisBudgetLedger(createRedisClient(url), options);
  }

  get client(): Redis {
    return this.redis;
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const r = checkReservation(request);
    const k = budgetKeys(r.day);
    const reply = await this.run('reserve', SCRIPTS.reserve, [k.spent, k.reserved, k.reservations, k.expiries], [
      r.id,
      String(r.micro),
      String(r.limitMicro),
      String(r.now),
      String(r.expiresAt),
      String(BUDGET_KEY_TTL_SECONDS),
    ]);
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`budget ledger: unexpected reserve reply ${JSON.stringify(reply)}`);
    if (asInteger(reply[0]) === 1) return { admitted: true };
    return { admitted: false, committedUsd: fromMicroUsd(asInteger(reply[1])) };
  }

  async settle(settlement: Settlement): Promise<void> {
    const s = checkSettlement(settlement);
    const k = budgetKeys(s.day);
    await this.run('settle', SCRIPTS.settle, [k.spent, k.reserved, k.reservations, k.expiries, k.settled, k.byTier, k.byIntent], [
      s.id,
      String(s.micro),
      s.tier,
      s.intent,
      String(BUDGET_KEY_TTL_SECONDS),
    ]);
  }

  async daySpend(day: string, now: number): Promise<DaySpendDetail> {
    checkDaySpend(day, now);
    const k = budgetKeys(day);
    const reply = await this.run('daySpend', SCRIPTS.daySpend, [k.spent, k.reserved, k.reservations, k.expiries, k.byTier, k.byIntent], [String(now)]);
    if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`budget ledger: unexpected daySpend reply ${JSON.stringify(reply)}`);
    return {
      spentUsd: fromMicroUsd(asInteger(reply[0])),
      reservedUsd: fromMicroUsd(Math.max(0, asInteger(reply[1]))),
      byTier: pairsToUsd<ModelTier>(reply[2]),
      ...splitIntents(pairsToUsd<string>(reply[3])),
    };
  }

  async getOverride(day: string): Promise<BudgetOverride | undefined> {
    checkBudgetDay(day);
    const raw = await this.deadline('getOverride', this.redis.get(budgetOverrideKey(day)));
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error(`budget override ${budgetOverrideKey(day)} is not JSON`);
    }
    return parseOverride(parsed);
  }

  async setOverride(day: string, override: BudgetOverride): Promise<void> {
    checkBudgetDay(day);
    const value = parseOverride(override);
    // PXAT: Redis removes it at expiresAt (at once if that has passed), so a stale override never lingers.
    await this.deadline('setOverride', this.redis.set(budgetOverrideKey(day), JSON.stringify(value), 'PXAT', value.expiresAt));
  }

  async clearOverride(day: string): Promise<boolean> {
    checkBudgetDay(day);
    return (await this.deadline('clearOverride', this.redis.del(budgetOverrideKey(day)))) > 0;
  }

  private async run(operation: string, lua: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.deadline(operation, runLuaScript(this.redis, lua, keys, args));
  }

  private deadline<T>(operation: string, pending: Promise<T>): Promise<T> {
    return withDeadline(pending, this.timeoutMs, () => new BudgetLedgerTimeoutError(operation, this.timeoutMs));
  }
}
