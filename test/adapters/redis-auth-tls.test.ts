import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { createRedisClient, redisTlsOptions, RedisStore, setRedisPassword } from '../../lambdas/adapters/redis-store';
import { cacheAuthentication } from '../../lambdas/runtime/cache-auth';
import { RecordingLog } from '../support/fakes';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certs';

const TOKEN = 'k7Qm2VxT9pLw4RsN8bYc3HdJ6fGa1ZeU5tKo0iMq';

const clients: Redis[] = [];
/** Connection errors of each client, as ioredis emits them (the commands only see a generic failure). */
const connectionErrors = new Map<Redis, Error[]>();
const client = (...args: Parameters<typeof createRedisClient>): Redis => {
  const created = createRedisClient(...args);
  clients.push(created);
  const errors: Error[] = [];
  connectionErrors.set(created, errors);
  created.on('error', (error: Error) => errors.push(error));
  return created;
};
const TLS_REFUSAL = /self.signed|unable to (get|verify)|certificate|altname|does not match/i;
const refusedForTls = (redis: Redis): boolean =>
  (connectionErrors.get(redis) ?? []).some((error) => TLS_REFUSAL.test(`${(error as { code?: string }).code ?? ''} ${error.message}`));

afterEach(async () => {
  // disconnect(), not quit(): a client that never authenticated or never finished its handshake cannot QUIT.
  for (const each of clients.splice(0)) each.disconnect();
  // ioredis leaves its connect-timeout timer (1 s) after a failed connection.
  await new Promise((resolve) => setTimeout(resolve, 50));
});

describe('Redis with an AUTH token (redis-server --requirepass, as ElastiCache with authToken)', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis({ password: TOKEN });
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('refuses a client without the token: its commands fail as an outage would (NOAUTH)', async () => {
    // Act
    const refused = new RedisStore(client(redis.url)).get('answer:v1:x');

    // Assess
    await expect(refused).rejects.toThrow(/NOAUTH|Authentication required/i);
  });

  it('refuses a wrong token (WRONGPASS)', async () => {
    // Act
    const refused = new RedisStore(client(redis.url, { password: 'not-the-token' })).get('answer:v1:x');

    // Assess
    await expect(refused).rejects.toThrow(/WRONGPASS|invalid password/i);
  });

  it('authenticates with the token and serves the cache', async () => {
    // Prepare
    const store = new RedisStore(client(redis.url, { password: TOKEN }));

    // Act
    await store.set('answer:v1:auth', 'shipping is free over 5,000 yen', 60);

    // Assess
    await expect(store.get('answer:v1:auth')).resolves.toBe('shipping is free over 5,000 yen');
  });

  it('takes a token set after the client was built but before its first command (the cold-start read)', async () => {
    // Prepare
    const lazy = client(redis.url);
    const store = new RedisStore(lazy);

    // Act
    setRedisPassword(lazy, TOKEN);
    await store.set('answer:v1:lazy', 'ok', 60);

    // Assess
    await expect(store.get('answer:v1:lazy')).resolves.toBe('ok');
  });

  it('cold start: a failed secret read is logged without the token and retried by the next invocation', async () => {
    // Prepare
    const lazy = client(redis.url);
    const store = new RedisStore(lazy);
    const log = new RecordingLog();
    let reads = 0;
    const ensure = cacheAuthentication(
      async () => {
        reads += 1;
        if (reads === 1) throw Object.assign(new Error(`AccessDenied reading ${TOKEN.slice(0, 4)}`), { name: 'AccessDeniedException' });
        return TOKEN;
      },
      (token) => setRedisPassword(lazy, token),
      log,
    );

    // Act
    await ensure();
    await expect(store.get('answer:v1:cold')).rejects.toThrow(/NOAUTH|Authentication required/i);
    await ensure();
    await ensure();
    // The unauthenticated connection fails ioredis's ready check and reconnects; the next connection sends AUTH.
    const deadline = Date.now() + 5000;
    let answered = false;
    while (!answered && Date.now() < deadline) {
      answered = await store.get('answer:v1:cold').then(
        () => true,
        () => false,
      );
      if (!answered) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assess
    expect(answered).toBe(true);
    expect(reads).toBe(2);
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);
    expect(JSON.stringify(log.entries)).not.toContain(TOKEN.slice(0, 4));
  });
});

describe('Redis over verified TLS (rediss://, as ElastiCache with transit encryption required)', () => {
  let certs: TestCertificates;
  let redis: TestRedis;
  let ca: string;

  beforeAll(async () => {
    certs = makeTestCertificates();
    ca = readFileSync(certs.caFile, 'utf8');
    redis = await startTestRedis({ password: TOKEN, tls: certs });
  });

  afterAll(async () => {
    await redis.stop();
    certs.remove();
  });

  it('verifies the certificate against the host it dialled: servername from the URL, never rejectUnauthorized false', () => {
    // Act
    const options = redisTlsOptions('rediss://master.mangaassist.abc123.apne1.cache.amazonaws.com:6380');

    // Assess
    expect(options).toEqual({ servername: 'master.mangaassist.abc123.apne1.cache.amazonaws.com', rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    expect(redisTlsOptions('redis://127.0.0.1:6379')).toBeUndefined();
  });

  it('connects and authenticates when the server certificate chains to a trusted CA and names the host', async () => {
    // Prepare
    const store = new RedisStore(client(redis.url, { password: TOKEN, tlsCa: ca }));

    // Act
    await store.set('answer:v1:tls', 'over TLS', 60);

    // Assess
    expect(redis.url.startsWith('rediss://localhost:')).toBe(true);
    await expect(store.get('answer:v1:tls')).resolves.toBe('over TLS');
  });

  it('refuses a certificate no trusted CA signed (Node roots only, or another CA)', async () => {
    // Prepare
    const nodeRootsOnly = client(redis.url, { password: TOKEN });
    const otherCa = client(redis.url, { password: TOKEN, tlsCa: readFileSync(certs.otherCaFile, 'utf8') });

    // Act & Assess
    await expect(new RedisStore(nodeRootsOnly).get('answer:v1:tls')).rejects.toThrow();
    await expect(new RedisStore(otherCa).get('answer:v1:tls')).rejects.toThrow();
    expect(refusedForTls(nodeRootsOnly)).toBe(true);
    expect(refusedForTls(otherCa)).toBe(true);
  });

  it('refuses a certificate for another name than the one dialled (127.0.0.1 is not in its names)', async () => {
    // Prepare
    const byAddress = redis.url.replace('localhost', '127.0.0.1');
    const mismatch = client(byAddress, { password: TOKEN, tlsCa: ca });

    // Act & Assess
    await expect(new RedisStore(mismatch).get('answer:v1:tls')).rejects.toThrow();
    expect(refusedForTls(mismatch)).toBe(true);
  });
});
