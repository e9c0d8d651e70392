import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { validationError, type BedrockError } from './errors';
import { EVENT_STREAM_CONTENT_TYPE } from './event-stream';

/**
 * One request/response pair, over HTTP/1.1 or HTTP/2 (the SDK's default handler for Bedrock Runtime speaks
 * HTTP/2; NodeHttpHandler speaks HTTP/1.1). It knows whether the client left before the response ended, and
 * turns writes after that into no-ops so that a late timer can never crash the server.
 */
export type ServerRequestLike = IncomingMessage | Http2ServerRequest;
export type ServerResponseLike = ServerResponse | Http2ServerResponse;

/** The members both response classes share, as one callable shape (their overloads do not unify as a union). */
interface Response {
  writeHead(statusCode: number, headers: OutgoingHttpHeaders): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: string | Uint8Array): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export class HttpExchange {
  readonly requestId = randomUUID();
  private readonly res: Response;
  /** Set when this side ended the response. Not `finish`: HTTP/2's compat layer emits that on a reset too. */
  private finished = false;
  private closed = false;
  private headSent = false;
  private readonly goneListeners: (() => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly req: ServerRequestLike,
    res: ServerResponseLike,
  ) {
    this.res = res as Response;
    this.res.once('close', () => {
      this.closed = true;
      if (!this.finished) for (const listener of this.goneListeners.splice(0)) listener();
      for (const listener of this.closeListeners.splice(0)) listener();
    });
    // A reset connection is an ordinary event for this server, not a crash.
    req.on('error', () => undefined);
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  /** The path without the query, still percent-encoded. */
  get path(): string {
    return (this.req.url ?? '/').split('?')[0] ?? '/';
  }

  /** The decoded query parameters (the control plane's list filters). */
  get query(): URLSearchParams {
    const url = this.req.url ?? '/';
    const at = url.indexOf('?');
    return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  }

  /** A request header, lower-case name; the first value when repeated. */
  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The connection closed before the response ended: the client gave up or was cut off. */
  get clientGone(): boolean {
    return this.closed && !this.finished;
  }

  /** This side ended the response (a body, an error, or the end of a stream). */
  get ended(): boolean {
    return this.finished;
  }

  /** Runs `listener` once when the connection of this exchange closes, however it ends (at once if it has). */
  onClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Runs `listener` once if the client leaves before the response ends (at once if it already has). */
  onClientGone(listener: () => void): void {
    if (this.clientGone) listener();
    else if (!this.closed) this.goneListeners.push(listener);
  }

  async readBody(limitBytes: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limitBytes) throw validationError(`Request body exceeds ${limitBytes} bytes`);
      chunks.push(bytes);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Whether a status line went out already: after that, errors can only travel inside the stream. */
  get responseStarted(): boolean {
    return this.headSent;
  }

  sendJson(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
    if (this.closed || this.headSent) return;
    this.headSent = true;
    this.finished = true;
    const json = JSON.stringify(body);
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'x-amzn-requestid': this.requestId,
      ...headers,
    });
    this.res.end(json);
  }

  /** A Bedrock HTTP error: the SDK picks the exception class from `x-amzn-errortype`. */
  sendError(error: BedrockError): void {
    this.sendJson(error.status, { message: error.message }, { 'x-amzn-errortype': error.errorType });
  }

  startEventStream(): void {
    if (this.closed || this.headSent) return;
    this.headSent = true;
    this.res.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-requestid': this.requestId });
  }

  write(bytes: Uint8Array): void {
    if (!this.closed) this.res.write(bytes);
  }

  end(bytes?: Uint8Array): void {
    if (this.closed || this.finished) return;
    this.finished = true;
    this.res.end(bytes);
  }

}
