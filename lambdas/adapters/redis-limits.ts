import type Redis from 'ioredis';
import { HOUR_MS, limitKeys, MINUTE_MS, msUntilNextJstDay, toMicroUsd, type LimitName, type LimitVerdict } from '../core/limits';
import type { InFlightSlot, LimitStore, MessageAdmissionRequest, SpendCharge, StrongAnswerRequest } from '../ports/limits';
import { luaScript, runLuaScript, withDeadline, type LuaScript } from './redis-scripts';

/** A principal's spend of a day outlives the day by this long (a late request of the day still counts on it). */
export const SPEND_KEY_TTL_SECONDS = 2 * 24 * 60 * 60;

/** The deadline of one limit operation: the limiter runs on every message, so it must give up fast. */
export const LIMIT_OPERATION_TIMEOUT_MS = 500;

/**
 * The sliding-window check of lambdas/core/limits/policy.ts slidingWindow, in Lua: drop what left the window, admit
 * below the limit, else the hint is the exit of the (count - limit + 1)-th oldest entry. The contract tests run the
 * same cases on this and on the in-process store, which calls the core directly.
 */
const SLIDING_WINDOW = `
local function sliding_window(key, now, limit, window_ms)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_ms)
  local count = redis.call('ZCARD', key)
  if count < limit then return 0 end
  if limit <= 0 then return window_ms end
  local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return math.max(1, tonumber(entry[2]) + window_ms - now)
end
`;

/**
 * decideMessage (lambdas/core/limits/policy.ts), atomically. KEYS: messages, inFlight, spent. ARGV: id, now,
 * rateLimit, inFlightLimit, inFlightExpiresAt, spendCapMicro, msUntilNextDay, inFlightRetryAfterMs, inFlightTtlMs.
 * Returns {1} admitted (the message logged, a slot held), or {0, limit, retryAfterMs}.
 */
const ADMIT_MESSAGE = `${SLIDING_WINDOW}
local now = tonumber(ARGV[2])
local spent = tonumber(redis.call('GET', KEYS[3]) or '0')
if spent >= tonumber(ARGV[6]) then return {0, 'daily_spend', tonumber(ARGV[7])} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {0, 'in_flight', tonumber(ARGV[8])} end
local wait = sliding_window(KEYS[1], now, tonumber(ARGV[3]), ${MINUTE_MS})
if wait > 0 then return {0, 'message_rate', wait} end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${MINUTE_MS})
redis.call('ZADD', KEYS[2], tonumber(ARGV[5]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[9]))
return {1}
`;

/** decideStrongAnswer, atomically. KEYS: strong. ARGV: id, now, limit. Returns {1} or {0, 'strong_hourly', retryAfterMs}. */
const TAKE_STRONG = `${SLIDING_WINDOW}
local now = tonumber(ARGV[2])
local wait = sliding_window(KEYS[1], now, tonumber(ARGV[3]), ${HOUR_MS})
if wait > 0 then return {0, 'strong_hourly', wait} end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${HOUR_MS})
return {1}
`;


const SCRIPTS = { admitMessage: luaScript(ADMIT_MESSAGE), takeStrong: luaScript(TAKE_STRONG) } as const;

export class LimitStoreTimeoutError extends Error {
  override readonly name = 'LimitStoreTimeoutError';
  constructor(operation: string, timeoutMs: number) {
    super(`limit store ${operation} did not complete within ${timeoutMs} ms`);
  }
}

const LIMIT_NAMES_FROM_LUA: ReadonlySet<string> = new Set<LimitName>(['message_rate', 'in_flight', 'strong_hourly', 'daily_spend']);

const verdictOf = (reply: unknown): LimitVerdict => {
  if (Array.isArray(reply) && reply[0] === 1) return { admitted: true };
  if (Array.isArray(reply) && reply[0] === 0 && LIMIT_NAMES_FROM_LUA.has(String(reply[1])) && Number.isFinite(Number(reply[2]))) {
    return { admitted: false, limit: String(reply[1]) as LimitName, retryAfterMs: Number(reply[2]) };
  }
  throw new Error(`limit store: unexpected reply ${JSON.stringify(reply)}`);
};

/**
 * The limit counters over Redis (ElastiCache Valkey in AWS, the cache's and the budget ledger's client). Each check
 * and its record are one Lua script (EVALSHA, EVAL on NOSCRIPT), so two containers answering one principal at once
 * cannot both take its last message, slot or strong answer. Times are the callers' clocks, as in the budget ledger.
 */
export class RedisLimitStore implements LimitStore {
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    options: { readonly operationTimeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.operationTimeoutMs ?? LIMIT_OPERATION_TIMEOUT_MS;
  }

  async admitMessage(request: MessageAdmissionRequest): Promise<LimitVerdict> {
    const keys = limitKeys(request.principalKey);
    const { now, limits, config } = request;
    const reply = await this.run('admitMessage', SCRIPTS.admitMessage, [keys.messages, keys.inFlight(request.connectionId), keys.spent(request.day)], [
      request.id,
      String(now),
      String(limits.messagesPerMinute),
      String(limits.invokesInFlight),
      String(now + config.inFlightTtlMs),
      String(toMicroUsd(limits.dailySpendUsd)),
      String(msUntilNextJstDay(now)),
      String(config.inFlightRetryAfterMs),
      String(config.inFlightTtlMs),
    ]);
    return verdictOf(reply);
  }

  async releaseInFlight(slot: InFlightSlot): Promise<void> {
    await this.deadline('releaseInFlight', this.redis.zrem(limitKeys(slot.principalKey).inFlight(slot.connectionId), slot.id));
  }

  async takeStrongAnswer(request: StrongAnswerRequest): Promise<LimitVerdict> {
    const reply = await this.run('takeStrongAnswer', SCRIPTS.takeStrong, [limitKeys(request.principalKey).strong], [
      request.id,
      String(request.now),
      String(request.limits.strongAnswersPerHour),
    ]);
    return verdictOf(reply);
  }

  async chargeSpend(charge: SpendCharge): Promise<void> {
    const micro = toMicroUsd(charge.usd);
    if (micro === 0) return;
    const key = limitKeys(charge.principalKey).spent(charge.day);
    await this.deadline('chargeSpend', this.redis.multi().incrby(key, micro).expire(key, SPEND_KEY_TTL_SECONDS).exec());
  }

  async spentUsd(principalKey: string, day: string): Promise<number> {
    const raw = await this.deadline('spentUsd', this.redis.get(limitKeys(principalKey).spent(day)));
    return raw === null ? 0 : Number(raw) / 1e6;
  }

  private async run(operation: string, lua: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.deadline(operation, runLuaScript(this.redis, lua, keys, args));
  }

  private deadline<T>(operation: string, pending: Promise<T>): Promise<T> {
    return withDeadline(pending, this.timeoutMs, () => new LimitStoreTimeoutError(operation, this.timeoutMs));
  }
}
