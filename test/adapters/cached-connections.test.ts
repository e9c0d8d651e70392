import { CachedConnections } from '../../lambdas/adapters/cached-connections';
import type { ConnectionRecord, SessionClaim, SessionStore } from '../../lambdas/ports';
import { ManualClock } from '../support/fakes';

/** A session store in memory that counts its reads. */
class CountingStore implements SessionStore {
  readonly records = new Map<string, ConnectionRecord>();
  reads = 0;
  async openConnection(connection: ConnectionRecord): Promise<SessionClaim> {
    this.records.set(connection.connectionId, connection);
    return 'claimed';
  }
  async closeConnection(connectionId: string): Promise<void> {
    this.records.delete(connectionId);
  }
  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    this.reads += 1;
    return this.records.get(connectionId);
  }
  async claimSession(): Promise<SessionClaim> {
    return 'claimed';
  }
}

const record = (connectionId: string): ConnectionRecord => ({ connectionId, sessionId: `s-${connectionId}`, principalKey: 'guest:x', connectedAt: 0, expiresAt: 100 });

describe('CachedConnections', () => {
  it('reads a connection once within its TTL, again after it, and never keeps a missing one', async () => {
    const inner = new CountingStore();
    const clock = new ManualClock();
    const store = new CachedConnections(inner, clock, { maxEntries: 10, ttlMs: 1000 });
    await store.openConnection(record('c-1'));

    expect(await store.getConnection('c-1')).toEqual(record('c-1'));
    expect(await store.getConnection('c-1')).toEqual(record('c-1'));
    expect(inner.reads).toBe(1);
    clock.advance(1000);
    await store.getConnection('c-1');
    expect(inner.reads).toBe(2);

    expect(await store.getConnection('c-2')).toBeUndefined();
    await store.openConnection(record('c-2'));
    expect(await store.getConnection('c-2')).toEqual(record('c-2'));
  });

  it('forgets a closed connection and keeps at most maxEntries', async () => {
    const inner = new CountingStore();
    const store = new CachedConnections(inner, new ManualClock(), { maxEntries: 2, ttlMs: 60_000 });
    for (const id of ['a', 'b', 'c']) {
      await store.openConnection(record(id));
      await store.getConnection(id);
    }
    expect(store.size).toBe(2);

    await store.closeConnection('c');
    expect(await store.getConnection('c')).toBeUndefined();
    // 'a' was the oldest and was dropped: read again.
    const reads = inner.reads;
    await store.getConnection('a');
    expect(inner.reads).toBe(reads + 1);
  });
});
