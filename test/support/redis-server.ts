import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TestCertificates } from './tls-certs';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>`, or `rediss://localhost:<port>` with TLS; never carries the password. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  /** `--requirepass`: every connection must AUTH first (ElastiCache's AUTH token). */
  readonly password?: string;
  /** Serve TLS only (`--port 0 --tls-port`), with this server certificate; clients are not asked for one. */
  readonly tls?: TestCertificates;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Whether the server answers PING (after AUTH when it needs a password), over TLS when it serves TLS. */
const answersPing = (port: number, options: TestRedisOptions): Promise<boolean> =>
  new Promise((resolve) => {
    const hello = `${options.password === undefined ? '' : `AUTH ${options.password}\r\n`}PING\r\n`;
    const socket: Socket = options.tls
      ? tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(options.tls.caFile) }, () => socket.write(hello))
      : createConnection({ port, host: '127.0.0.1' }, () => socket.write(hello));
    let seen = '';
    socket.on('data', (data) => {
      seen += data.toString();
      if (seen.includes('+PONG') || seen.includes('-')) {
        socket.destroy();
        resolve(seen.includes('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Starts a private `redis-server` (the binary on PATH) on a free port, with no persistence, so tests never depend
 * on a Redis the machine may or may not run.
 */
export const startTestRedis = async (options: TestRedisOptions = {}): Promise<TestRedis> => {
  const port = await freePort();
  const listen = options.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const child: ChildProcess = spawn('redis-server', [...listen, ...auth, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`cannot start redis-server (is it on PATH?): ${error.message}`))),
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    if (await Promise.race([answersPing(port, options), spawnError])) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: options.tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};
