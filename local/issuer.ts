import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The audience the offline stack's authorizer expects and the local issuer writes (`aud`). */
export const LOCAL_AUDIENCE = 'mangaassist-local';
/** Tokens the local issuer hands out live an hour, like a Cognito access token by default. */
export const LOCAL_TOKEN_TTL_SECONDS = 3600;

const CUSTOMER_ID = /^[\w.@:+-]{1,128}$/;

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A compact JWS over the header and payload given, signed RS256 with `key` (tests use it to forge on purpose). */
export const signJwt = (header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>, key: KeyObject): string => {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};

/** A fresh 2048-bit RSA key pair, its public half as a JWK with a `kid`. */
export const generateSigningKey = (): { readonly privateKey: KeyObject; readonly publicJwk: Record<string, unknown>; readonly kid: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { privateKey, kid, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
};

export interface TokenRequest {
  readonly customerId: string;
  /** Space-separated OAuth scopes (e.g. `mangaassist/operator`). */
  readonly scope?: string;
  readonly ttlSeconds?: number;
}

export interface LocalIssuer {
  /** `iss` of its tokens: its own base URL. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string;
  /** `POST` `{"customerId": "...", "scope"?: "..."}` here returns `{"token": "..."}` (loopback only). */
  readonly tokenEndpoint: string;
  /** A token for a customer, as the store's identity provider would issue it. */
  sign(request: TokenRequest): string;
  /** Signs arbitrary claims with the issuer's key (tests: wrong audience, expired, ...). */
  signClaims(claims: Readonly<Record<string, unknown>>): string;
  close(): Promise<void>;
}

/**
 * The identity provider of the offline stack: a dev RSA key pair generated at start (never written to disk), its
 * JWKS at `/.well-known/jwks.json` on a loopback HTTP port, and a token endpoint for the chat client and the CLI.
 * Its tokens carry what a Cognito access token does: `iss`, `sub` (the customer id), `aud`, `token_use`, `iat`,
 * `exp`, `scope`.
 */
export const startLocalIssuer = async (options: { readonly port?: number; readonly audience?: string; readonly now?: () => number } = {}): Promise<LocalIssuer> => {
  const key = generateSigningKey();
  const audience = options.audience ?? LOCAL_AUDIENCE;
  const now = options.now ?? Date.now;
  let issuer = '';
  const signClaims = (claims: Readonly<Record<string, unknown>>): string => signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid }, claims, key.privateKey);
  const signFor = (request: TokenRequest): string => {
    if (!CUSTOMER_ID.test(request.customerId)) throw new Error(`not a customer id: "${request.customerId}" (1-128 letters, digits, . _ @ : + -)`);
    const iat = Math.floor(now() / 1000);
    return signClaims({
      iss: issuer,
      sub: request.customerId,
      aud: audience,
      token_use: 'access',
      scope: request.scope ?? '',
      iat,
      exp: iat + (request.ttlSeconds ?? LOCAL_TOKEN_TTL_SECONDS),
      jti: randomUUID(),
    });
  };

  const server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') return reply(200, { keys: [key.publicJwk] });
    if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
      return reply(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, token_endpoint: `${issuer}/token`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.method === 'POST' && req.url === '/token') {
      let size = 0;
      const chunks: Buffer[] = [];
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 4096) return reply(413, { error: 'request too large' });
        chunks.push(chunk as Buffer);
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { customerId?: unknown; scope?: unknown };
        if (typeof body.customerId !== 'string') return reply(400, { error: 'customerId (string) is required' });
        return reply(200, { token: signFor({ customerId: body.customerId, ...(typeof body.scope === 'string' && { scope: body.scope }) }), expiresIn: LOCAL_TOKEN_TTL_SECONDS });
      } catch (error) {
        return reply(400, { error: error instanceof Error ? error.message : 'bad request' });
      }
    }
    return reply(404, { error: `no route ${req.method} ${req.url}` });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audience,
    tokenEndpoint: `${issuer}/token`,
    sign: signFor,
    signClaims,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
