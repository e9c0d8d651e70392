import { makeConnectHandler } from '../../lambdas/handlers/connect';
import { makeDisconnectHandler } from '../../lambdas/handlers/disconnect';
import { ManualClock, silentLog } from '../support/fakes';
import { MemorySessions } from '../support/session-fakes';

const CUSTOMER_1 = { principalKind: 'customer', customerId: 'cust-1', scopes: '' };
const CUSTOMER_2 = { principalKind: 'customer', customerId: 'cust-2', scopes: '' };

const connectEvent = (query?: Record<string, string>, authorizer: Record<string, string> = CUSTOMER_1, connectionId = 'conn-1') => ({
  requestContext: { routeKey: '$connect', connectionId, domainName: 'd', stage: 'prod', requestId: 'req', authorizer },
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

  it('records the principal as the owner of the connection and its session', async () => {
    const sessions = new MemorySessions();
    await makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => 'session-new-1', log: silentLog })(connectEvent());

    expect(sessions.connections.get('conn-1')?.principalKey).toBe('customer:cust-1');
    expect(sessions.owners.get('session-new-1')).toBe('customer:cust-1');
  });

  it("never opens another principal's session: ?sessionId= of someone else starts a new session", async () => {
    const sessions = new MemorySessions();
    const ids = ['victim-session-1', 'attacker-fresh-1'];
    const handler = makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => ids.shift() ?? 'x', log: silentLog });
    await handler(connectEvent(undefined, CUSTOMER_1, 'conn-victim'));

    const result = await handler(connectEvent({ sessionId: 'victim-session-1' }, CUSTOMER_2, 'conn-attacker'));

    expect(result.statusCode).toBe(200);
    expect(sessions.connections.get('conn-attacker')?.sessionId).toBe('attacker-fresh-1');
    expect(sessions.owners.get('victim-session-1')).toBe('customer:cust-1');
  });

  it('keys a guest by its connection, so a guest cannot resume a session of an earlier connection', async () => {
    const sessions = new MemorySessions();
    const ids = ['guest-session-1', 'guest-session-2'];
    const handler = makeConnectHandler({ sessions, clock: new ManualClock(), newSessionId: () => ids.shift() ?? 'x', log: silentLog });
    const guest = { principalKind: 'guest', customerId: '', scopes: '' };
    await handler(connectEvent(undefined, guest, 'conn-g1'));

    await handler(connectEvent({ sessionId: 'guest-session-1' }, guest, 'conn-g2'));

    expect(sessions.connections.get('conn-g2')).toMatchObject({ sessionId: 'guest-session-2', principalKey: 'guest:conn-g2' });
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
