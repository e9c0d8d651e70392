import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { WebSocket } from 'ws';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { DEMO_CUSTOMERS, LOCAL_CREDENTIALS } from '../../local/dynamo';
import { generateSigningKey, signJwt } from '../../local/issuer';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signedInUrl } from '../support/auth';
import { silentLog } from '../support/fakes';
import { TestClient, textOf } from '../support/ws-client';

const SHOP = 'https://shop.example.com';
const now = () => Math.floor(Date.now() / 1000);

/** The HTTP status of the WebSocket handshake: 101 when it opened (then closed again), else API Gateway's refusal. */
const handshakeStatus = (url: string, headers: Record<string, string> = {}): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });

const withToken = (stack: LocalStack, token: string, query: Record<string, string> = {}) => `${stack.url}/?${new URLSearchParams({ ...query, token }).toString()}`;

/**
 * The abuse suite's authentication and ownership half, through real WebSockets against the offline stack with the
 * deployed defaults: no guests, a browser origin allow-list. Every credential an attacker can forge is refused at
 * `$connect`; a signed-in customer cannot read another's order or session.
 */
describe('abuse: authentication at $connect and ownership (offline stack, guests refused)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrock: { seed: 3, latencyScale: 0.02 }, auth: { allowGuests: false, allowedOrigins: [SHOP] } });
  });
  afterAll(() => stack.close());

  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: stack.issuer.issuer,
    sub: DEMO_CUSTOMERS[0],
    aud: stack.issuer.audience,
    token_use: 'access',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });
  const issuerKid = () => (JSON.parse(Buffer.from(stack.issuer.sign({ customerId: 'x' }).split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

  it('accepts a valid token from an allowed origin and from a client that sends no Origin', async () => {
    expect(await handshakeStatus(signedInUrl(stack), { Origin: SHOP })).toBe(101);
    expect(await handshakeStatus(signedInUrl(stack))).toBe(101);
  });

  it.each([
    ['no token', () => stack.url],
    ['an empty token', () => `${stack.url}/?token=`],
    ['an expired token', () => withToken(stack, stack.issuer.signClaims(claims({ exp: now() - 30 })))],
    ['a token of another issuer', () => withToken(stack, stack.issuer.signClaims(claims({ iss: 'https://evil.example.com' })))],
    ['a token for another audience', () => withToken(stack, stack.issuer.signClaims(claims({ aud: 'some-other-app' })))],
    ['an ID token where an access token is required', () => withToken(stack, stack.issuer.signClaims(claims({ token_use: 'id' })))],
    ['a forged signature (another key, the issuer key id)', () => withToken(stack, signJwt({ alg: 'RS256', typ: 'JWT', kid: issuerKid() }, claims(), generateSigningKey().privateKey))],
    [
      'alg none (unsigned)',
      () => withToken(stack, `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: issuerKid() })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`),
    ],
    ['a customer id swapped into a signed token', () => {
      const [head, , signature] = stack.issuer.sign({ customerId: DEMO_CUSTOMERS[0] }).split('.');
      return withToken(stack, `${head}.${Buffer.from(JSON.stringify(claims({ sub: DEMO_CUSTOMERS[1] }))).toString('base64url')}.${signature}`);
    }],
    ['garbage', () => withToken(stack, 'not.a.jwt')],
  ])('refuses %s at $connect with 401', async (_label, url) => {
    expect(await handshakeStatus(url())).toBe(401);
  });

  it('refuses a browser origin outside the allow-list with 403, even with a valid token', async () => {
    expect(await handshakeStatus(signedInUrl(stack), { Origin: 'https://evil.example.com' })).toBe(403);
    expect(await handshakeStatus(signedInUrl(stack), { Origin: 'https://shop.example.com.evil.com' })).toBe(403);
  });

  it("answers another customer's order exactly as an order that does not exist, and the owner sees the order", async () => {
    const attacker = await TestClient.connect(signedInUrl(stack, DEMO_CUSTOMERS[1]));
    const owner = await TestClient.connect(signedInUrl(stack, DEMO_CUSTOMERS[0]));
    try {
      attacker.send({ action: 'invoke', message: 'where is my order 12345', requestId: 'other' });
      attacker.send({ action: 'invoke', message: 'where is my order 12346', requestId: 'missing' });
      owner.send({ action: 'invoke', message: 'where is my order 12345', requestId: 'own' });
      const other = await attacker.finish('other');
      const missing = await attacker.finish('missing');
      const own = await owner.finish('own');

      // Same text but for the number the client itself sent, same frame sequence, same done fields.
      expect(textOf(other).replace('12345', 'N')).toBe(textOf(missing).replace('12346', 'N'));
      const shape = (frames: readonly ServerFrame[]) => frames.map((f) => (f.type === 'done' ? { ...f, requestId: '', latencyMs: 0 } : { type: f.type }));
      expect(shape(other)).toEqual(shape(missing));
      expect(textOf(other)).not.toMatch(/ONE PIECE|Yamato|4512/);
      expect(textOf(own)).toContain('Yamato Transport');
    } finally {
      await Promise.all([attacker.close(), owner.close()]);
    }
  });

  it("refuses another customer's session: ?sessionId= starts a new session, an invoke naming it gets session_refused", async () => {
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const victimSession = 'victim-session-0001';
    const victim = await TestClient.connect(signedInUrl(stack, DEMO_CUSTOMERS[0], { sessionId: victimSession }));
    const attacker = await TestClient.connect(signedInUrl(stack, DEMO_CUSTOMERS[1], { sessionId: victimSession }));
    try {
      victim.send({ action: 'invoke', message: 'Can you recommend manga like Berserk?', requestId: 'v-1' });
      expect((await victim.finish('v-1')).at(-1)).toMatchObject({ type: 'done' });
      const turns = async () =>
        (await documents.send(new QueryCommand({ TableName: stack.tables.sessions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SESSION#${victimSession}` } }))).Items ?? [];
      // The exchange is stored just after its done frame: wait for it, so the comparison below is not a race. The
      // partition holds META, the answer's record for feedback (ANSWER#v-1) and the exchange's two turns.
      let before = await turns();
      for (let tries = 0; before.length < 4 && tries < 50; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        before = await turns();
      }
      expect(before.map((item) => String(item['sk']).split('#')[0]).sort()).toEqual(['ANSWER', 'META', 'TURN', 'TURN']);

      attacker.send({ action: 'invoke', message: 'what did I just ask?', sessionId: victimSession, requestId: 'a-1' });
      const refused = await attacker.finish('a-1');

      expect(refused).toEqual([expect.objectContaining({ type: 'error', requestId: 'a-1', code: 'session_refused' })]);
      expect(await turns()).toEqual(before);
      const meta = await documents.send(new GetCommand({ TableName: stack.tables.sessions, Key: { pk: `SESSION#${victimSession}`, sk: 'META' } }));
      expect(meta.Item).toMatchObject({ owner: `customer:${DEMO_CUSTOMERS[0]}` });
      // The attacker's own connection was given a fresh session, not the victim's.
      attacker.send({ action: 'invoke', message: 'hello', requestId: 'a-2' });
      expect((await attacker.finish('a-2')).at(-1)).toMatchObject({ type: 'done' });
      expect((await turns()).length).toBe(before.length);
    } finally {
      documents.destroy();
      await Promise.all([victim.close(), attacker.close()]);
    }
  });
});

describe('abuse: guests, where the deploy allows them (offline default)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrock: { seed: 3, latencyScale: 0.02 } });
  });
  afterAll(() => stack.close());

  it('admits a connection without a token as a guest, but never downgrades a bad token to a guest', async () => {
    expect(await handshakeStatus(stack.url)).toBe(101);
    expect(await handshakeStatus(withToken(stack, stack.issuer.signClaims({ iss: stack.issuer.issuer, sub: 'x', aud: 'other', exp: now() + 60 })))).toBe(401);
    expect(await handshakeStatus(`${stack.url}/?token=garbage`)).toBe(401);
  });

  it('asks a guest to sign in for any order, its own number or not, and enumerating orders discloses nothing', async () => {
    const guest = await TestClient.connect(stack.url);
    try {
      const ids = ['12345', '98765', '55555', '00001'];
      for (const id of ids) guest.send({ action: 'invoke', message: `where is my order ${id}`, requestId: `g-${id}` });
      const texts = await Promise.all(ids.map(async (id) => textOf(await guest.finish(`g-${id}`))));
      expect(new Set(texts).size).toBe(1);
      expect(texts[0]).toContain('sign in');
    } finally {
      await guest.close();
    }
  });

  it("keys a guest's sessions by its connection: another guest naming its session is refused", async () => {
    const first = await TestClient.connect(stack.url);
    const second = await TestClient.connect(stack.url);
    try {
      first.send({ action: 'invoke', message: 'hello', sessionId: 'guest-session-0001', requestId: 'f-1' });
      expect((await first.finish('f-1')).at(-1)).toMatchObject({ type: 'done' });
      second.send({ action: 'invoke', message: 'hello', sessionId: 'guest-session-0001', requestId: 's-1' });
      expect(await second.finish('s-1')).toEqual([expect.objectContaining({ type: 'error', code: 'session_refused' })]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
