import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/** A Lua script with its SHA-1, so calls send the hash (EVALSHA) and only fall back to the source once. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export const luaScript = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });

/** Runs `lua` atomically; a server that forgot its scripts (restart, failover, SCRIPT FLUSH) gets the source once. */
export const runLuaScript = async (redis: Redis, lua: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> => {
  try {
    return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    // EVAL also caches the script, so the next EVALSHA finds it.
    return await redis.eval(lua.source, keys.length, ...keys, ...args);
  }
};

/**
 * Rejects with `timeoutError()` after `timeoutMs`: ioredis's own limits (connectTimeout, commandTimeout,
 * maxRetriesPerRequest) can add up to seconds while it backs off between reconnects. A command that was still queued
 * may run later; the callers' scripts are written so that a late one is harmless (expiring reservations,
 * idempotent settlements, windows that age out).
 */
export const withDeadline = async <T>(pending: Promise<T>, timeoutMs: number, timeoutError: () => Error): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), timeoutMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
    // The loser of the race must not surface as an unhandled rejection.
    pending.catch(() => undefined);
  }
};
