import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import Redis from 'ioredis';
import type { ResponseCache } from '../ports';

export interface RedisClientOptions {
  /**
   * The AUTH token (ElastiCache's `authToken`, read from Secrets Manager at cold start). Absent: the URL's own password
   * if it has one (`redis://:token@host:port`, offline), else no AUTH.
   */
  readonly password?: string;
  /** Extra CA certificates (PEM) to trust for `rediss://`; absent, Node's bundled roots (which include Amazon's). */
  readonly tlsCa?: string;
}

/**
 * TLS for a `rediss://` URL, verified: the certificate must chain to a trusted root and name the host we dialled
 * (`servername` is also the SNI). Never `rejectUnauthorized: false`. Undefined for `redis://` (offline, loopback).
 */
export const redisTlsOptions = (url: string, tlsCa?: string): ConnectionOptions | undefined => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'rediss:') return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  // An address is checked against the certificate's IP names; SNI carries host names only (RFC 6066).
  return { ...(isIP(host) === 0 && { servername: host }), rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(tlsCa !== undefined && { ca: tlsCa }) };
};

/**
 * An ioredis client that fails fast: the defaults take over 10 s to give up on a down server, far past a chat
 * answer's budget. No I/O happens until the first command (lazyConnect), so cold start stays cheap. With
 * `rediss://` the server's certificate is verified (redisTlsOptions); with a password every connection, reconnects
 * included, authenticates first (AUTH), and a wrong one fails the commands like an outage would.
 */
export const createRedisClient = (url: string, options: RedisClientOptions = {}): Redis => {
  const tls = redisTlsOptions(url, options.tlsCa);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // disconnect() waits this long for a socket that is already gone to close (2 s by default), holding the process.
    disconnectTimeout: 200,
    ...(tls && { tls }),
    ...(options.password !== undefined && { password: options.password }),
  });
  // Without a listener ioredis reports connection errors as unhandled; callers see failed commands instead.
  client.on('error', () => undefined);
  return client;
};

/**
 * Sets the AUTH token of a client that has not connected yet (lazyConnect): the invoke function reads the token
 * from Secrets Manager at cold start, after building its clients, and sets it before the first command. Later
 * reconnects use it too.
 */
export const setRedisPassword = (client: Redis, password: string): void => {
  client.options.password = password;
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
