import { randomBytes, randomUUID } from 'node:crypto';
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

export interface EmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly stage?: string;
  readonly handlers: RouteHandlers;
  readonly onHandlerError?: (routeKey: string, error: unknown) => void;
}

export interface EmulatorStats {
  readonly connections: number;
  readonly postsByConnection: ReadonlyMap<string, number>;
  readonly goneResponses: number;
}

interface Connection {
  readonly socket: WebSocket;
  readonly connectedAt: number;
}

/**
 * A local stand-in for API Gateway WebSocket APIs: real `$connect` / route / `$disconnect` event shapes, route
 * selection by `$request.body.action`, and the `@connections` management endpoint that
 * `@aws-sdk/client-apigatewaymanagementapi` talks to (410 GoneException once a client has left).
 */
export class WebSocketEmulator {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_FRAME_BYTES });
  private readonly connections = new Map<string, Connection>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly postCounts = new Map<string, number>();
  private gone = 0;
  private address: AddressInfo | undefined;

  constructor(private readonly options: EmulatorOptions) {
    this.http = createServer((req, res) => void this.handleManagement(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  get stage(): string {
    return this.options.stage ?? 'local';
  }

  get url(): string {
    if (!this.address) throw new Error('emulator not started');
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.address.port}`;
  }

  /** The management API endpoint, as `https://{domain}/{stage}` is in AWS. */
  get managementEndpoint(): string {
    if (!this.address) throw new Error('emulator not started');
    return `http://${this.options.host ?? '127.0.0.1'}:${this.address.port}/${this.stage}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.address = this.http.address() as AddressInfo;
  }

  stats(): EmulatorStats {
    return { connections: this.connections.size, postsByConnection: new Map(this.postCounts), goneResponses: this.gone };
  }

  /** Waits for handler invocations still running, then closes every socket and the server. */
  async close(): Promise<void> {
    for (const { socket } of this.connections.values()) socket.close(1001, 'server shutting down');
    await Promise.allSettled([...this.inflight]);
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const result = await this.invoke(
      '$connect',
      this.options.handlers.$connect,
      this.event('$connect', 'CONNECT', connectionId, { headers, queryStringParameters: Object.keys(query).length ? query : undefined }),
    );
    if (!result || result.statusCode < 200 || result.statusCode > 299) {
      // API Gateway refuses the handshake when $connect does not answer 2xx.
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.connections.set(connectionId, { socket: ws, connectedAt: Date.now() });
      ws.on('message', (data, isBinary) => void this.handleMessage(connectionId, data, isBinary));
      ws.on('close', () => {
        this.connections.delete(connectionId);
        void this.invoke('$disconnect', this.options.handlers.$disconnect, this.event('$disconnect', 'DISCONNECT', connectionId));
      });
    });
  }

  private selectRoute(body: string, byteLength: number): string {
    if (byteLength > MAX_FRAME_BYTES) return '$default';
    try {
      const parsed: unknown = JSON.parse(body);
      const action = typeof parsed === 'object' && parsed !== null ? (parsed as { action?: unknown }).action : undefined;
      return typeof action === 'string' && action in this.options.handlers.routes ? action : '$default';
    } catch {
      return '$default';
    }
  }

  private async handleMessage(connectionId: string, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const body = isBinary ? bytes.toString('base64') : bytes.toString('utf8');
    const routeKey = isBinary ? '$default' : this.selectRoute(body, bytes.length);
    const handler = routeKey === '$default' ? this.options.handlers.$default : this.options.handlers.routes[routeKey];
    if (!handler) return;
    await this.invoke(routeKey, handler, this.event(routeKey, 'MESSAGE', connectionId, { body, isBase64Encoded: isBinary }));
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
    if (!match || match[1] !== this.stage) return reply(404, 'NotFoundException', `no route ${req.method} ${req.url}`);
    const connectionId = decodeURIComponent(match[2] ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const connection = this.connections.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      this.gone += 1;
      return reply(410, 'GoneException', `connection ${connectionId} is gone`);
    }
    switch (req.method ?? '') {
      case 'POST': {
        const payload = Buffer.concat(chunks);
        if (payload.length > MAX_FRAME_BYTES) return reply(413, 'PayloadTooLargeException', 'payload exceeds 128 KB');
        connection.socket.send(payload.toString('utf8'));
        this.postCounts.set(connectionId, (this.postCounts.get(connectionId) ?? 0) + 1);
        return reply(200);
      }
      case 'GET':
        return reply(200, undefined, undefined, JSON.stringify({ connectedAt: new Date(connection.connectedAt).toISOString(), identity: { sourceIp: '127.0.0.1' } }));
      case 'DELETE':
        connection.socket.close(1000, 'closed by the server');
        return reply(204);
      default:
        return reply(405, 'MethodNotAllowedException', `method ${req.method} not allowed`);
    }
  }
}
