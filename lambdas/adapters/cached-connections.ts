import type { Clock, ConnectionRecord, SessionClaim, SessionStore } from '../ports';

export interface CachedConnectionsOptions {
  /** Connections remembered at most; past it the oldest read goes first. */
  readonly maxEntries: number;
  /** How long a read connection is reused (ms). */
  readonly ttlMs: number;
}

export const DEFAULT_CACHED_CONNECTIONS: CachedConnectionsOptions = { maxEntries: 10_000, ttlMs: 60_000 };

/**
 * A SessionStore that remembers the connections it read. A connection's record (its session and principal) is
 * written once at `$connect` and never changes until `$disconnect` removes it, yet `invoke` read it on every message:
 * one DynamoDB call per answer before the model was even asked. Reads are reused for `ttlMs`, bounded by
 * `maxEntries`; opening or closing a connection through this store forgets it. Only found records are kept, so a
 * connection that is not yet visible is read again next time.
 */
export class CachedConnections implements SessionStore {
  private readonly connections = new Map<string, { readonly record: ConnectionRecord; readonly until: number }>();

  constructor(
    private readonly inner: SessionStore,
    private readonly clock: Clock,
    private readonly options: CachedConnectionsOptions = DEFAULT_CACHED_CONNECTIONS,
  ) {}

  /** Connections remembered now (bounded by `maxEntries`). */
  get size(): number {
    return this.connections.size;
  }

  openConnection(connection: ConnectionRecord): Promise<SessionClaim> {
    this.connections.delete(connection.connectionId);
    return this.inner.openConnection(connection);
  }

  closeConnection(connectionId: string): Promise<void> {
    this.connections.delete(connectionId);
    return this.inner.closeConnection(connectionId);
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const now = this.clock.now();
    const kept = this.connections.get(connectionId);
    if (kept !== undefined && kept.until > now) return kept.record;
    this.connections.delete(connectionId);
    const record = await this.inner.getConnection(connectionId);
    if (record === undefined) return undefined;
    if (this.connections.size >= this.options.maxEntries) {
      const oldest = this.connections.keys().next();
      if (oldest.done !== true) this.connections.delete(oldest.value);
    }
    this.connections.set(connectionId, { record, until: now + this.options.ttlMs });
    return record;
  }

  claimSession(sessionId: string, owner: string, expiresAt: number): Promise<SessionClaim> {
    return this.inner.claimSession(sessionId, owner, expiresAt);
  }
}
