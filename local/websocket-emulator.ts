import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MAX_FRAME_BYTES } from '../lambdas/core/protocol';

/** A Lambda-style WebSocket route handler: the same functions the deployed stack runs. */
export type RouteHandler = (event: unknown) => Promise<{ statusCode: number; body?: string }>;

export interface RouteHandlers {
  readonly $connect: RouteHandler;
  readonly $disconnect: RouteHandler;
  readonly $default: RouteHandler;
  /** Custom routes, selected by `$request.body.action` as the deployed API does. */
  readonly routes: Readonly<Record<string, RouteHandler>>;
}

/**
 * A Lambda REQUEST authorizer (lambdas/handlers/authorize.ts): an IAM policy, or a throw. API Gateway answers 401 to
 * a throw of exactly "Unauthorized", 403 to a Deny policy, 500 to any other failure.
 */
export type AuthorizerHandler = (event: unknown) => Promise<unknown>;

export interface EmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly stage?: string;
  readonly handlers: RouteHandlers;
  /**
   * The `$connect` authorizer, run at the upgrade with the query string and headers (Origin included) before
   * `$connect`; its context is `requestContext.authorizer` on every event of the connection. Absent: no authorizer.
   */
  readonly authorizer?: AuthorizerHandler;
  readonly onHandlerError?: (routeKey: string, error: unknown) => void;
  /**
   * A client broke the WebSocket protocol (invalid UTF-8, an unmasked or reserved frame, a frame over the limit) or
   * its socket failed: that socket is closed with its code, every other connection carries on.
   */
  readonly onSocketError?: (connectionId: string, error: Error) => void;
  /** Port of the `@connections` management endpoint, always on 127.0.0.1; 0 (the default) picks a free one. */
  readonly managementPort?: number;
  /** What callers of the management endpoint must sign with (SigV4); a random pair per emulator otherwise. */
  readonly managementCredentials?: ManagementCredentials;
  /** See DEFAULT_MAX_FRAMES_IN_FLIGHT_PER_CONNECTION. */
  readonly maxFramesInFlightPerConnection?: number;
}

/** The credentials the management endpoint accepts: the emulator's stand-in for `execute-api:ManageConnections`. */
export interface ManagementCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** WebSocket close codes (RFC 6455 section 7.4.1) the emulator sends of its own accord. */
export const CLOSE_CODES = { goingAway: 1001, protocolError: 1002, unsupportedData: 1003, invalidData: 1007, messageTooBig: 1009 } as const;

/**
 * Frames above this are refused by closing the socket with 1009 before they are read; frames between
 * MAX_FRAME_BYTES and this still reach `$default` and get a `frame_too_large` error frame.
 */
export const MAX_SOCKET_PAYLOAD_BYTES = 4 * MAX_FRAME_BYTES;

/** The reason of the 1003 close a binary frame gets (API Gateway disconnects binary frames with 1003 too). */
export const BINARY_FRAME_CLOSE_REASON = 'binary frames are not accepted; send JSON text frames';

const MANAGEMENT_HOST = '127.0.0.1';

/** A fresh random key pair for one emulator's management endpoint. */
export const newManagementCredentials = (): ManagementCredentials => ({
  accessKeyId: `LOCALMANAGE${randomBytes(6).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(24).toString('base64url'),
});

export interface EmulatorStats {
  readonly connections: number;
  readonly postsByConnection: ReadonlyMap<string, number>;
  readonly goneResponses: number;
}

interface Connection {
  readonly socket: WebSocket;
  readonly connectedAt: number;
  /** This connection's frames whose route is running now. */
  running: number;
  /** Frames read while `running` was at the limit, in arrival order; the socket is paused meanwhile. */
  readonly waiting: { readonly data: RawData; readonly isBinary: boolean }[];
}

/**
 * API Gateway runs every frame's Lambda at once, each in its own sandbox. The emulator runs every client in one
 * process, so it runs at most this many of one connection's frames at a time and stops reading that socket until
 * one finishes (TCP backpressure): a flooding socket's backlog stays in its own TCP buffer, not in the server's
 * memory. High enough for real bursts on one connection (the budget test's 50 concurrent answers run at once, as in
 * AWS); it bounds one socket's concurrent work, not its share of the process's CPU (bench/abuse-flood.ts).
 */
export const DEFAULT_MAX_FRAMES_IN_FLIGHT_PER_CONNECTION = 64;

/** Connections whose post counts `stats()` keeps (the most recent ones), so the counts stay bounded. */
export const MAX_POST_COUNTS = 10_000;

/** Resolves once `socket` has closed, terminating it after `ms` if its peer has not finished the close handshake. */
const closedWithin = (socket: WebSocket, ms: number): Promise<void> =>
  new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => socket.terminate(), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * A local stand-in for API Gateway WebSocket APIs: real `$connect` / route / `$disconnect` event shapes, route
 * selection by `$request.body.action`, and the `@connections` management endpoint that
 * `@aws-sdk/client-apigatewaymanagementapi` talks to (410 GoneException once a client has left).
 */
export class WebSocketEmulator {
  private readonly http: Server;
  private readonly management: Server;
  // skipUTF8Validation stays false: a text frame that is not UTF-8 closes its socket with 1007, as RFC 6455 asks.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_PAYLOAD_BYTES, skipUTF8Validation: false });
  private readonly connections = new Map<string, Connection>();
  /** Custom routes by action. A Map, so `constructor`, `__proto__` or `toString` are not routes (no inherited names). */
  private readonly routes: ReadonlyMap<string, RouteHandler>;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly postCounts = new Map<string, number>();
  /** The authorizer's context (and principalId) per connection, as API Gateway repeats it on every route. */
  private readonly authorizerContexts = new Map<string, Readonly<Record<string, unknown>>>();
  private gone = 0;
  private address: AddressInfo | undefined;
  private managementAddress: AddressInfo | undefined;
  readonly managementCredentials: ManagementCredentials;

  constructor(private readonly options: EmulatorOptions) {
    this.routes = new Map(Object.entries(options.handlers.routes));
    this.managementCredentials = options.managementCredentials ?? newManagementCredentials();
    // The public port serves WebSocket upgrades only: the management API is not reachable from clients.
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket', connection: 'Upgrade' });
      res.end(JSON.stringify({ message: 'this port serves WebSocket connections only' }));
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head).catch((error: unknown) => this.reportSocketError('(handshake)', error, socket)));
    this.management = createServer((req, res) => void this.handleManagement(req, res).catch(() => res.destroy()));
  }

  get stage(): string {
    return this.options.stage ?? 'local';
  }

  get url(): string {
    if (!this.address) throw new Error('emulator not started');
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.address.port}`;
  }

  /**
   * The management API endpoint, as `https://{domain}/{stage}` is in AWS: on its own loopback port, never the public
   * WebSocket port, and only for requests signed with `managementCredentials`.
   */
  get managementEndpoint(): string {
    if (!this.managementAddress) throw new Error('emulator not started');
    return `http://${MANAGEMENT_HOST}:${this.managementAddress.port}/${this.stage}`;
  }

  async start(): Promise<void> {
    const listen = (server: Server, port: number, host: string) =>
      new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    this.address = await listen(this.http, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    try {
      this.managementAddress = await listen(this.management, this.options.managementPort ?? 0, MANAGEMENT_HOST);
    } catch (error) {
      await new Promise<void>((resolve) => this.http.close(() => resolve()));
      throw error;
    }
  }

  stats(): EmulatorStats {
    return { connections: this.connections.size, postsByConnection: new Map(this.postCounts), goneResponses: this.gone };
  }

  /** Waits for handler invocations still running, then closes every socket and the server. */
  async close(): Promise<void> {
    const sockets = [...this.connections.values()].map(({ socket }) => socket);
    for (const socket of sockets) socket.close(CLOSE_CODES.goingAway, 'server shutting down');
    // A client that never answers the close handshake would hold its socket for ws's 30 s close timeout.
    await Promise.all(sockets.map((socket) => closedWithin(socket, 1000)));
    await Promise.allSettled([...this.inflight]);
    this.wss.close();
    for (const server of [this.http, this.management]) {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** One socket failed or broke the protocol: report it; ws has already closed it with its code. Never rethrown. */
  private reportSocketError(connectionId: string, error: unknown, socket?: Duplex): void {
    socket?.destroy();
    this.options.onSocketError?.(connectionId, error instanceof Error ? error : new Error(String(error)));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    return work;
  }

  private event(routeKey: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', connectionId: string, extra: Record<string, unknown> = {}) {
    const now = Date.now();
    return {
      requestContext: {
        routeKey,
        eventType,
        connectionId,
        messageId: eventType === 'MESSAGE' ? randomBytes(6).toString('base64url') : undefined,
        extendedRequestId: randomUUID(),
        requestTime: new Date(now).toUTCString(),
        messageDirection: 'IN',
        stage: this.stage,
        connectedAt: this.connections.get(connectionId)?.connectedAt ?? now,
        requestTimeEpoch: now,
        requestId: randomUUID(),
        domainName: `${this.options.host ?? '127.0.0.1'}:${this.address?.port ?? 0}`,
        apiId: 'local',
        ...(this.authorizerContexts.has(connectionId) && { authorizer: this.authorizerContexts.get(connectionId) }),
      },
      isBase64Encoded: false,
      ...extra,
    };
  }

  private async invoke(routeKey: string, handler: RouteHandler, event: unknown): Promise<{ statusCode: number } | undefined> {
    try {
      return await this.track(handler(event));
    } catch (error) {
      // A throwing Lambda is a 500 to API Gateway; the emulator keeps serving like the real one.
      this.options.onHandlerError?.(routeKey, error);
      return undefined;
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const connectionId = randomBytes(9).toString('base64');
    // A client that resets during the handshake must not take the process down (an unhandled 'error' would).
    const onHandshakeError = (error: Error) => this.reportSocketError(connectionId, error, socket);
    socket.on('error', onHandshakeError);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const refusal = await this.authorize(connectionId, headers, query);
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const result = await this.invoke(
      '$connect',
      this.options.handlers.$connect,
      this.event('$connect', 'CONNECT', connectionId, { headers, queryStringParameters: Object.keys(query).length ? query : undefined }),
    );
    if (!result || result.statusCode < 200 || result.statusCode > 299) {
      // API Gateway refuses the handshake when $connect does not answer 2xx.
      this.authorizerContexts.delete(connectionId);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (socket.destroyed || !socket.writable) {
      // The client left while $connect ran: the connection was recorded, so it gets its $disconnect.
      await this.invoke('$disconnect', this.options.handlers.$disconnect, this.event('$disconnect', 'DISCONNECT', connectionId));
      this.authorizerContexts.delete(connectionId);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // From here ws handles the socket's errors; protocol violations come as the WebSocket's own 'error'.
      socket.off('error', onHandshakeError);
      const connection: Connection = { socket: ws, connectedAt: Date.now(), running: 0, waiting: [] };
      this.connections.set(connectionId, connection);
      // ws has already closed the socket with the protocol's code (1002, 1007, 1009); only this socket is affected.
      ws.on('error', (error) => this.reportSocketError(connectionId, error));
      ws.on('message', (data, isBinary) => this.admitFrame(connectionId, connection, data, isBinary));
      ws.on('close', () => {
        // Frames still waiting belong to a connection that is gone: API Gateway would not deliver them either.
        connection.waiting.length = 0;
        this.connections.delete(connectionId);
        void this.invoke('$disconnect', this.options.handlers.$disconnect, this.event('$disconnect', 'DISCONNECT', connectionId)).finally(() =>
          this.authorizerContexts.delete(connectionId),
        );
      });
    });
  }

  /**
   * Runs the `$connect` authorizer as API Gateway does: the REQUEST event (method ARN, headers, query string), then
   * 401 for "Unauthorized", 403 for a Deny policy, 500 for anything else it does; an Allow policy's context (with its
   * principalId) is kept for the connection's events. Returns the refusal's status line, or undefined to go on.
   */
  private async authorize(connectionId: string, headers: Record<string, string>, query: Record<string, string>): Promise<string | undefined> {
    const authorizer = this.options.authorizer;
    if (authorizer === undefined) return undefined;
    let result: unknown;
    try {
      result = await this.track(
        authorizer({
          type: 'REQUEST',
          methodArn: `arn:aws:execute-api:local:000000000000:local/${this.stage}/$connect`,
          headers,
          queryStringParameters: Object.keys(query).length ? query : undefined,
          requestContext: this.event('$connect', 'CONNECT', connectionId).requestContext,
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return '401 Unauthorized';
      this.options.onHandlerError?.('$connect authorizer', error);
      return '500 Internal Server Error';
    }
    const policy = result as { principalId?: unknown; policyDocument?: { Statement?: { Effect?: unknown }[] }; context?: Record<string, unknown> } | undefined;
    const statements = policy?.policyDocument?.Statement ?? [];
    if (statements.length === 0 || statements.some((statement) => statement.Effect !== 'Allow')) return '403 Forbidden';
    this.authorizerContexts.set(connectionId, { ...policy?.context, principalId: policy?.principalId });
    return undefined;
  }

  /** Runs a frame now, or queues it and pauses the socket when the connection is at its in-flight limit. */
  private admitFrame(connectionId: string, connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.running >= (this.options.maxFramesInFlightPerConnection ?? DEFAULT_MAX_FRAMES_IN_FLIGHT_PER_CONNECTION)) {
      connection.waiting.push({ data, isBinary });
      connection.socket.pause();
      return;
    }
    connection.running += 1;
    void this.handleMessage(connectionId, connection.socket, data, isBinary)
      .catch((error: unknown) => this.reportSocketError(connectionId, error))
      .finally(() => {
        connection.running -= 1;
        const next = connection.waiting.shift();
        if (next) this.admitFrame(connectionId, connection, next.data, next.isBinary);
        else if (connection.socket.isPaused && connection.socket.readyState === WebSocket.OPEN) connection.socket.resume();
      });
  }

  private selectRoute(body: string, byteLength: number): string {
    if (byteLength > MAX_FRAME_BYTES) return '$default';
    try {
      const parsed: unknown = JSON.parse(body);
      const action = typeof parsed === 'object' && parsed !== null ? (parsed as { action?: unknown }).action : undefined;
      return typeof action === 'string' && this.routes.has(action) ? action : '$default';
    } catch {
      return '$default';
    }
  }

  private async handleMessage(connectionId: string, ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      // API Gateway WebSocket APIs do not accept binary frames: it disconnects the client with 1003, no route runs.
      ws.close(CLOSE_CODES.unsupportedData, BINARY_FRAME_CLOSE_REASON);
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    // ws validated the UTF-8 (an invalid text frame closed the socket with 1007 and never got here).
    const body = bytes.toString('utf8');
    const routeKey = this.selectRoute(body, bytes.length);
    const handler = routeKey === '$default' ? this.options.handlers.$default : this.routes.get(routeKey);
    if (!handler) return;
    await this.invoke(routeKey, handler, this.event(routeKey, 'MESSAGE', connectionId, { body, isBase64Encoded: false }));
  }

  /**
   * `postToConnection` itself: what the management endpoint's POST does, and what the offline stack's in-process
   * messenger (local/emulator-messenger.ts) calls without the HTTP round trip and its SigV4 signing. `gone` is the
   * 410 GoneException, `too_large` the 413.
   */
  postToConnection(connectionId: string, data: string): 'posted' | 'gone' | 'too_large' {
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      this.gone += 1;
      return 'gone';
    }
    if (Buffer.byteLength(data, 'utf8') > MAX_FRAME_BYTES) return 'too_large';
    connection.socket.send(data);
    const count = this.postCounts.get(connectionId);
    if (count === undefined && this.postCounts.size >= MAX_POST_COUNTS) {
      // A long-running `npm start` sees connections without end: the counts of the oldest are dropped first.
      const oldest = this.postCounts.keys().next();
      if (oldest.done !== true) this.postCounts.delete(oldest.value);
    }
    this.postCounts.set(connectionId, (count ?? 0) + 1);
    return 'posted';
  }

  private async handleManagement(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/([^/]+)\/@connections\/([^/?]+)$/.exec(req.url ?? '');
    const reply = (status: number, errorType?: string, message?: string, body?: string): void => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        ...(errorType && { 'x-amzn-errortype': errorType }),
      });
      res.end(body ?? (message ? JSON.stringify({ message }) : ''));
    };
    // API Gateway authorizes @connections calls with IAM (SigV4); here the caller must sign with this emulator's key.
    if (!this.signedWithManagementKey(req.headers.authorization)) return reply(403, 'ForbiddenException', 'Forbidden');
    if (!match || match[1] !== this.stage) return reply(404, 'NotFoundException', `no route ${req.method} ${req.url}`);
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(match[2] ?? '');
    } catch {
      return reply(400, 'BadRequestException', 'invalid connection id');
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of req) {
      received += (chunk as Buffer).length;
      if (received > MAX_FRAME_BYTES) return reply(413, 'PayloadTooLargeException', 'payload exceeds 128 KB');
      chunks.push(chunk as Buffer);
    }
    if (req.method === 'POST') {
      const posted = this.postToConnection(connectionId, Buffer.concat(chunks).toString('utf8'));
      if (posted === 'gone') return reply(410, 'GoneException', `connection ${connectionId} is gone`);
      if (posted === 'too_large') return reply(413, 'PayloadTooLargeException', 'payload exceeds 128 KB');
      return reply(200);
    }
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      this.gone += 1;
      return reply(410, 'GoneException', `connection ${connectionId} is gone`);
    }
    switch (req.method ?? '') {
      case 'GET':
        return reply(200, undefined, undefined, JSON.stringify({ connectedAt: new Date(connection.connectedAt).toISOString(), identity: { sourceIp: '127.0.0.1' } }));
      case 'DELETE':
        connection.socket.close(1000, 'closed by the server');
        return reply(204);
      default:
        return reply(405, 'MethodNotAllowedException', `method ${req.method} not allowed`);
    }
  }

  /**
   * Whether a SigV4 `Authorization` header names this emulator's access key (compared in constant time). The
   * signature itself is not recomputed: the key id is the secret, on a loopback-only port.
   */
  private signedWithManagementKey(authorization: string | undefined): boolean {
    const keyId = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
    if (keyId === undefined) return false;
    const given = Buffer.from(keyId);
    const expected = Buffer.from(this.managementCredentials.accessKeyId);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
