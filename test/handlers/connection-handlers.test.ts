import { makeConnectHandler } from '../../lambdas/handlers/connect';
import { makeDisconnectHandler } from '../../lambdas/handlers/disconnect';
import type { ConnectionRecord, SessionStore } from '../../lambdas/ports';
import { ManualClock, silentLog } from '../support/fakes';

class MemorySessions implements SessionStore {
  readonly connections = new Map<string, ConnectionRecord>();
  failing = false;
  async openConnection(connection: ConnectionRecord): Promise<void> {
    if (this.failing) throw new Error('table down');
    this.connections.set(connection.connectionId, connection);
  }
  async closeConnection(connectionId: string): Promise<void> {
    if (this.failing) throw new Error('table down');
    this.connections.delete(connectionId);
  }
  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    return this.connections.get(connectionId);
  }
}

const connectEvent = (query?: Record<string, string>) => ({
  requestContext: { routeKey: '$connect', connectionId: 'conn-1', domainName: 'd', stage: 'prod', requestId: 'req' },
  queryStringParameters: query,
});

describe('$connect handler', () => {
  it('registers the connection with a new session that expires after the 2 h connection limit', async () => {
    const sessions = new MemorySessions();
    const clock = new ManualClock(1_700_000_000_000);
    const handler = makeConnectHandler({ sessions, clock, newSessionId: () => 'session-new-1', log: silentLog });

    const result = await handler(connectEvent());

    expect(result.statusCode).toBe(200);
    const record = sessions.connections.get('conn-1');
    expect(record?.sessionId).toBe('session-new-1');
    expect(record?.expiresAt).toBeGreaterThan(1_700_000_000 + 2 * 3600);
  });

  it('resumes a session id the client passes and ignores a malformed one', async () => {
    const sessions = new MemorySessions();
    const handler = makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => 'fresh-session', log: silentLog });

    await handler(connectEvent({ sessionId: 'existing-session-42' }));
    const resumed = sessions.connections.get('conn-1')?.sessionId;
    await handler(connectEvent({ sessionId: '<script>' }));

    expect(resumed).toBe('existing-session-42');
    expect(sessions.connections.get('conn-1')?.sessionId).toBe('fresh-session');
  });

  it('refuses the connection when it cannot be registered', async () => {
    const sessions = new MemorySessions();
    sessions.failing = true;
    const handler = makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => 'session-x', log: silentLog });

    expect((await handler(connectEvent())).statusCode).toBe(500);
  });
});

describe('$disconnect handler', () => {
  it('removes the connection', async () => {
    const sessions = new MemorySessions();
    await makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => 'session-1234', log: silentLog })(connectEvent());

    await makeDisconnectHandler({ sessions, log: silentLog })(connectEvent());

    expect(sessions.connections.size).toBe(0);
  });

  it('still answers 200 when cleanup fails, leaving it to the TTL', async () => {
    const sessions = new MemorySessions();
    sessions.failing = true;

    expect((await makeDisconnectHandler({ sessions, log: silentLog })(connectEvent())).statusCode).toBe(200);
  });
});
