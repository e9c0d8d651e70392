import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketEmulator, type RouteHandler } from '../../local/websocket-emulator';
import { OPCODES, RawWebSocket } from '../support/raw-ws';
import { TestClient } from '../support/ws-client';

interface Seen {
  readonly routeKey: string;
  readonly connectionId: string;
  readonly body?: string;
}

/** The emulator alone, with recording handlers: what reaches which route, and who may post to a connection. */
const startEmulator = async (options: { gate?: Promise<void>; maxFramesInFlightPerConnection?: number } = {}) => {
  const seen: Seen[] = [];
  let running = 0;
  let maxRunning = 0;
  const recorder =
    (routeKey: string): RouteHandler =>
    async (event) => {
      const { requestContext, body } = event as { requestContext: { connectionId: string }; body?: string };
      seen.push({ routeKey, connectionId: requestContext.connectionId, ...(body !== undefined && { body }) });
      if (routeKey !== '$connect' && routeKey !== '$disconnect') {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await options.gate;
        running -= 1;
      }
      return { statusCode: 200 };
    };
  const socketErrors: string[] = [];
  const emulator = new WebSocketEmulator({
    handlers: { $connect: recorder('$connect'), $disconnect: recorder('$disconnect'), $default: recorder('$default'), routes: { invoke: recorder('invoke') } },
    onSocketError: (_id, error) => socketErrors.push(error.message),
    ...(options.maxFramesInFlightPerConnection !== undefined && { maxFramesInFlightPerConnection: options.maxFramesInFlightPerConnection }),
  });
  await emulator.start();
  return { emulator, seen, socketErrors, maxRunning: () => maxRunning };
};

const managementClient = (emulator: WebSocketEmulator, credentials = emulator.managementCredentials) =>
  new ApiGatewayManagementApiClient({ region: 'ap-northeast-1', endpoint: emulator.managementEndpoint, credentials, maxAttempts: 1 });

const waitUntil = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('WebSocket emulator: route selection', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf'])(
    'sends the action "%s" to $default, not to a name every object inherits',
    async (action) => {
      const { emulator, seen } = await startEmulator();
      const client = await TestClient.connect(emulator.url);
      try {
        client.send({ action, message: 'hi' });

        await waitUntil(() => seen.some((s) => s.routeKey !== '$connect'));

        expect(seen.filter((s) => s.routeKey !== '$connect').map((s) => s.routeKey)).toEqual(['$default']);
      } finally {
        await client.close();
        await emulator.close();
      }
    },
  );

  it('sends a declared action to its route', async () => {
    const { emulator, seen } = await startEmulator();
    const client = await TestClient.connect(emulator.url);
    try {
      client.send({ action: 'invoke', message: 'hi' });

      await waitUntil(() => seen.some((s) => s.routeKey === 'invoke'));

      expect(seen.find((s) => s.routeKey === 'invoke')?.body).toBe('{"action":"invoke","message":"hi"}');
    } finally {
      await client.close();
      await emulator.close();
    }
  });
});

describe('WebSocket emulator: hostile sockets', () => {
  it('closes a binary frame with 1003 and runs no route for it', async () => {
    const { emulator, seen } = await startEmulator();
    const raw = await RawWebSocket.connect(emulator.url);
    try {
      raw.send({ opcode: OPCODES.binary, payload: Buffer.from('{"action":"invoke","message":"hi"}') });

      await expect(raw.closeFrameReceived()).resolves.toEqual({ code: 1003, reason: 'binary frames are not accepted; send JSON text frames' });
      await raw.closed();
      await waitUntil(() => seen.some((s) => s.routeKey === '$disconnect'));
      expect(seen.map((s) => s.routeKey)).toEqual(['$connect', '$disconnect']);
    } finally {
      raw.destroy();
      await emulator.close();
    }
  });

  it('reports a protocol error of one socket and keeps the others connected', async () => {
    const { emulator, socketErrors, seen } = await startEmulator();
    const bystander = await TestClient.connect(emulator.url);
    const raw = await RawWebSocket.connect(emulator.url);
    try {
      raw.send({ opcode: OPCODES.text, payload: Buffer.from([0xff]) });

      await expect(raw.closeFrameReceived()).resolves.toMatchObject({ code: 1007 });
      bystander.send({ action: 'invoke', message: 'still there?' });
      await waitUntil(() => seen.some((s) => s.routeKey === 'invoke'));
      expect(socketErrors).toEqual([expect.stringContaining('invalid UTF-8')]);
    } finally {
      raw.destroy();
      await bystander.close();
      await emulator.close();
    }
  });

  it('runs at most the configured number of one connection’s frames at a time, then the rest in order', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { emulator, seen, maxRunning } = await startEmulator({ gate, maxFramesInFlightPerConnection: 3 });
    const client = await TestClient.connect(emulator.url);
    try {
      for (let i = 0; i < 20; i += 1) client.send({ action: 'invoke', message: `m${i}` });
      await waitUntil(() => seen.filter((s) => s.routeKey === 'invoke').length === 3);
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(seen.filter((s) => s.routeKey === 'invoke')).toHaveLength(3);
      release();
      await waitUntil(() => seen.filter((s) => s.routeKey === 'invoke').length === 20);
      expect(maxRunning()).toBe(3);
      expect(seen.filter((s) => s.routeKey === 'invoke').map((s) => JSON.parse(s.body ?? '{}').message)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    } finally {
      release();
      await client.close();
      await emulator.close();
    }
  });
});

describe('WebSocket emulator: the @connections management endpoint', () => {
  it('is not served on the public WebSocket port', async () => {
    const { emulator } = await startEmulator();
    const client = await TestClient.connect(emulator.url);
    try {
      const response = await fetch(`${emulator.url.replace('ws://', 'http://')}/local/@connections/anything`, { method: 'POST', body: '{"type":"chunk"}' });

      expect(response.status).toBe(426);
      expect(new URL(emulator.managementEndpoint).port).not.toBe(new URL(emulator.url).port);
      expect(new URL(emulator.managementEndpoint).hostname).toBe('127.0.0.1');
    } finally {
      await client.close();
      await emulator.close();
    }
  });

  it('refuses unsigned requests and requests signed with another key', async () => {
    const { emulator, seen } = await startEmulator();
    const client = await TestClient.connect(emulator.url);
    try {
      const connectionId = seen[0]?.connectionId ?? '';
      const unsigned = await fetch(`${emulator.managementEndpoint}/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body: '{"type":"chunk"}' });
      const forged = managementClient(emulator, { accessKeyId: 'local', secretAccessKey: 'local' });

      expect(unsigned.status).toBe(403);
      await expect(forged.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{}' }))).rejects.toMatchObject({ name: 'ForbiddenException' });
      expect(client.frames).toEqual([]);
      forged.destroy();
    } finally {
      await client.close();
      await emulator.close();
    }
  });

  it('delivers a post signed with the emulator’s key to the connection', async () => {
    const { emulator, seen } = await startEmulator();
    const client = await TestClient.connect(emulator.url);
    const management = managementClient(emulator);
    try {
      const connectionId = seen[0]?.connectionId ?? '';

      await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ type: 'chunk', requestId: 'r', text: 'hi' }) }));

      await expect(client.waitFor((f) => f.type === 'chunk')).resolves.toEqual({ type: 'chunk', requestId: 'r', text: 'hi' });
    } finally {
      management.destroy();
      await client.close();
      await emulator.close();
    }
  });
});
