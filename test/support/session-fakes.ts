import type { ConnectionRecord, SessionClaim, SessionStore } from '../../lambdas/ports';

/** Connections and owned sessions in memory, with the ownership rule DynamoSessionStore applies. */
export class MemorySessions implements SessionStore {
  readonly connections = new Map<string, ConnectionRecord>();
  /** Session id -> owner (principal key). */
  readonly owners = new Map<string, string>();
  failing = false;

  private claim(sessionId: string, owner: string): SessionClaim {
    const current = this.owners.get(sessionId);
    if (current !== undefined && current !== owner) return 'owned_by_another';
    this.owners.set(sessionId, owner);
    return 'claimed';
  }

  async openConnection(connection: ConnectionRecord): Promise<SessionClaim> {
    if (this.failing) throw new Error('table down');
    const claim = this.claim(connection.sessionId, connection.principalKey);
    if (claim === 'claimed') this.connections.set(connection.connectionId, connection);
    return claim;
  }
  async claimSession(sessionId: string, owner: string): Promise<SessionClaim> {
    if (this.failing) throw new Error('table down');
    return this.claim(sessionId, owner);
  }
  async closeConnection(connectionId: string): Promise<void> {
    if (this.failing) throw new Error('table down');
    this.connections.delete(connectionId);
  }
  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    if (this.failing) throw new Error('table down');
    return this.connections.get(connectionId);
  }
}
