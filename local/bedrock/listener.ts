import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { ServerRequestLike, ServerResponseLike } from './http-exchange';

/**
 * One TCP port that speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge). `BedrockRuntimeClient` uses
 * NodeHttp2Handler unless given another handler, and sends the HTTP/2 connection preface straight away over
 * `http://`; NodeHttpHandler clients send HTTP/1.1. The first bytes of a connection decide which parser gets it.
 */
export type RequestHandler = (req: ServerRequestLike, res: ServerResponseLike) => void;

export interface DualProtocolListener {
  readonly port: number;
  /** Stops listening and destroys every open connection (keep-alive and hung ones too). */
  close(): Promise<void>;
}

const HTTP2_PREFACE = 'PRI * HTTP/2.0';

export const listenDualProtocol = async (host: string, port: number, handler: RequestHandler): Promise<DualProtocolListener> => {
  const http1 = http.createServer(handler);
  const h2 = http2.createServer(handler);
  // Protocol errors of one connection are that connection's problem; never crash the process.
  h2.on('sessionError', () => undefined);
  h2.on('session', (session) => session.on('error', () => undefined));
  http1.on('clientError', (_error, socket) => socket.destroy());

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (first: Buffer) => {
      // Give the bytes back, then hand the connection over as if that server had accepted it.
      socket.pause();
      socket.unshift(first);
      const head = first.subarray(0, HTTP2_PREFACE.length).toString('latin1');
      if (HTTP2_PREFACE.startsWith(head) || head.startsWith(HTTP2_PREFACE)) {
        // http2 reads what is already buffered itself; resuming here would lose the preface.
        h2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the listener has no TCP address');

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};
