import { createHmac } from 'node:crypto';
import { JwtTokenVerifier } from '../../lambdas/adapters/jwt-token-verifier';
import { TokenRejectedError } from '../../lambdas/core/auth';
import { generateSigningKey, signJwt, startLocalIssuer, type LocalIssuer } from '../../local/issuer';

/** The verifier against a real issuer (dev key pair, JWKS over loopback HTTP), with real signed tokens. */
describe('JwtTokenVerifier (aws-jwt-verify)', () => {
  let issuer: LocalIssuer;
  let verifier: JwtTokenVerifier;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    verifier = new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true });
  });
  afterAll(() => issuer.close());

  const reasonFor = async (token: string): Promise<string> => {
    try {
      await verifier.verify(token);
      return 'accepted';
    } catch (error) {
      return error instanceof TokenRejectedError ? error.reason : `unexpected ${String(error)}`;
    }
  };

  it("accepts the issuer's token and returns its claims", async () => {
    const claims = await verifier.verify(issuer.sign({ customerId: 'cust-1', scope: 'read' }));
    expect(claims).toMatchObject({ iss: issuer.issuer, sub: 'cust-1', aud: issuer.audience, token_use: 'access', scope: 'read' });
  });

  it('refuses an expired token', async () => {
    expect(await reasonFor(issuer.signClaims({ iss: issuer.issuer, sub: 'c', aud: issuer.audience, exp: now() - 60 }))).toBe('expired');
  });

  it('refuses a token not valid yet', async () => {
    expect(await reasonFor(issuer.signClaims({ iss: issuer.issuer, sub: 'c', aud: issuer.audience, exp: now() + 600, nbf: now() + 300 }))).toBe('not_yet_valid');
  });

  it('refuses a token of another issuer, even signed with the right key', async () => {
    expect(await reasonFor(issuer.signClaims({ iss: 'https://evil.example.com', sub: 'c', aud: issuer.audience, exp: now() + 600 }))).toBe('wrong_issuer');
  });

  it('refuses a forged signature: the right claims signed with another key under the issuer key id', async () => {
    const header = JSON.parse(Buffer.from(issuer.sign({ customerId: 'c' }).split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = signJwt(header, { iss: issuer.issuer, sub: 'cust-victim', aud: issuer.audience, token_use: 'access', exp: now() + 600 }, generateSigningKey().privateKey);
    expect(await reasonFor(forged)).toBe('bad_signature');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [head, , signature] = issuer.sign({ customerId: 'cust-1' }).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: issuer.issuer, sub: 'cust-2', aud: issuer.audience, exp: now() + 600 })).toString('base64url');
    expect(await reasonFor(`${head}.${payload}.${signature}`)).toBe('bad_signature');
  });

  it('refuses alg none (unsigned), with or without the key id', async () => {
    const payload = Buffer.from(JSON.stringify({ iss: issuer.issuer, sub: 'cust-1', aud: issuer.audience, exp: now() + 600 })).toString('base64url');
    const kid = (JSON.parse(Buffer.from(issuer.sign({ customerId: 'c' }).split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    for (const header of [{ alg: 'none', typ: 'JWT' }, { alg: 'none', kid }]) {
      const unsigned = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.`;
      expect(['bad_signature', 'malformed_token', 'unknown_key']).toContain(await reasonFor(unsigned));
    }
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'x' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: issuer.issuer, sub: 'cust-1', aud: issuer.audience, exp: now() + 600 })).toString('base64url');
    const jwks = await (await fetch(issuer.jwksUri)).text();
    const mac = createHmac('sha256', jwks).update(`${head}.${body}`).digest('base64url');
    expect(['bad_signature', 'unknown_key']).toContain(await reasonFor(`${head}.${body}.${mac}`));
  });

  it('refuses garbage as malformed', async () => {
    expect(await reasonFor('not-a-jwt')).toBe('malformed_token');
    expect(await reasonFor('a.b.c')).toBe('malformed_token');
  });

  it('says the issuer is unavailable when the JWKS cannot be fetched', async () => {
    const lonely = new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json', allowLoopbackHttpJwks: true });
    const result = await lonely.verify(issuer.sign({ customerId: 'c' })).catch((error: unknown) => error);
    expect(result).toBeInstanceOf(TokenRejectedError);
    expect((result as TokenRejectedError).reason).toBe('issuer_unavailable');
  });

  it('never fetches a JWKS over plain HTTP unless told to (the deployed authorizer is HTTPS only)', async () => {
    const strict = new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri });
    const result = await strict.verify(issuer.sign({ customerId: 'c' })).catch((error: unknown) => error);
    expect((result as TokenRejectedError).reason).toBe('issuer_unavailable');
  });
});
