import * as z from 'zod/mini';
import './validation';
import type { ConnectAuthPolicy } from '../core/auth';

/** An origin is scheme://host[:port], nothing after it. */
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const CLAIM = /^[A-Za-z_][\w:.-]{0,63}$/;

const authConfig = z.strictObject({
  issuer: z.optional(z.url()),
  audience: z.optional(z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))])),
  jwksUri: z.optional(z.url()),
  tokenUse: z.optional(z.enum(['id', 'access'])),
  customerIdClaim: z._default(z.string().check(z.regex(CLAIM, 'must be a claim name such as sub')), 'sub'),
  allowedOrigins: z._default(z.array(z.string().check(z.regex(ORIGIN, 'must be an origin such as https://shop.example.com (no path)'))), []),
  allowGuests: z._default(z.boolean(), false),
});

export interface AuthConfig {
  readonly policy: ConnectAuthPolicy;
  /** Absent when no identity provider is configured: every token is then refused (guests only, if allowed). */
  readonly jwksUri?: string;
}

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

const isLoopbackHttp = (url: string): boolean => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

/**
 * Reads the `$connect` authorizer's configuration (AUTH_CONFIG, a JSON object the stack writes from the `auth` deploy
 * parameter), strictly: a misspelt key or a bad value is an error, every problem listed at once.
 * `{"issuer","audience","jwksUri"?,"tokenUse"?,"customerIdClaim"?,"allowedOrigins"?,"allowGuests"?}`: `jwksUri`
 * defaults to `<issuer>/.well-known/jwks.json` (Cognito's and most OIDC issuers'); guests are refused unless
 * `allowGuests`. Without `issuer` and `audience` there is no identity provider: every token is refused, and only
 * guests (if allowed) connect. Issuer and JWKS must be HTTPS, except on a loopback address when `allowLoopbackHttp` (offline only).
 */
export const parseAuthConfig = (json: string | undefined, options: { readonly allowLoopbackHttp?: boolean } = {}): AuthConfig => {
  if (json === undefined || json.trim() === '') throw new AuthConfigError('auth configuration (AUTH_CONFIG) is missing');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new AuthConfigError('auth configuration is not valid JSON');
  }
  const result = authConfig.safeParse(raw);
  if (!result.success) {
    throw new AuthConfigError(`invalid auth configuration: ${result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  const config = result.data;
  const base = { customerIdClaim: config.customerIdClaim, allowedOrigins: config.allowedOrigins, allowGuests: config.allowGuests };
  if (config.issuer === undefined || config.audience === undefined) {
    if (config.issuer !== undefined || config.audience !== undefined || config.jwksUri !== undefined || config.tokenUse !== undefined) {
      throw new AuthConfigError('invalid auth configuration: issuer and audience go together (set both, or neither for a deploy without sign-in)');
    }
    // No identity provider: no token can be verified, so none is accepted (the empty issuer matches no token).
    return { policy: { issuer: '', audiences: [], ...base } };
  }
  const jwksUri = config.jwksUri ?? `${config.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  const problems: string[] = [];
  for (const [name, url] of [['issuer', config.issuer], ['jwksUri', jwksUri]] as const) {
    if (!url.startsWith('https://') && !(options.allowLoopbackHttp && isLoopbackHttp(url))) problems.push(`${name}: must be an https:// URL`);
  }
  if (problems.length > 0) throw new AuthConfigError(`invalid auth configuration: ${problems.join('; ')}`);
  return {
    jwksUri,
    policy: {
      issuer: config.issuer,
      audiences: typeof config.audience === 'string' ? [config.audience] : config.audience,
      ...(config.tokenUse !== undefined && { tokenUse: config.tokenUse }),
      ...base,
    },
  };
};
