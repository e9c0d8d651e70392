import { AUTHORIZER_CONTEXT_KEYS, type Principal } from '../principal';

/**
 * The `$connect` authorization policy (API Gateway WebSocket authorizes only there; every route of the connection
 * then acts for the principal decided here). Pure: the token's signature is checked by the TokenVerifier adapter
 * (aws-jwt-verify: signature, algorithm, issuer, expiry); this module decides what a verified token, a missing one and
 * the browser's `Origin` mean.
 */
export interface ConnectAuthPolicy {
  /**
   * The identity provider's `iss` (a Cognito user pool's `https://cognito-idp.<region>.amazonaws.com/<poolId>`);
   * empty when the deploy has none (no token then matches it).
   */
  readonly issuer: string;
  /** Accepted audiences: the token's `aud`, or its `client_id` when it has no `aud` (Cognito access tokens). */
  readonly audiences: readonly string[];
  /** When set, the token's `token_use` claim must equal it (Cognito: `id` or `access`). */
  readonly tokenUse?: 'id' | 'access';
  /** The claim that names the customer (`sub` by default). */
  readonly customerIdClaim: string;
  /** Browser origins allowed to open the socket; a request without `Origin` (not a browser) is not refused for it. */
  readonly allowedOrigins: readonly string[];
  /** A connection without a token becomes a guest (general questions only) instead of being refused. */
  readonly allowGuests: boolean;
}

/** Why a connection was refused: logged (never the token), and the only thing tests and metrics see. */
export type RefusalReason =
  | 'origin_not_allowed'
  | 'missing_token'
  | 'malformed_token'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_token_use'
  | 'no_customer_id'
  | 'issuer_unavailable'
  /** The deploy configured no identity provider: no token can be accepted. */
  | 'no_identity_provider';

/**
 * `unauthorized`: no acceptable credential (API Gateway answers 401); `forbidden`: a credential or origin that is
 * refused on purpose (403).
 */
export type ConnectDecision =
  | { readonly outcome: 'allow'; readonly principal: Principal }
  | { readonly outcome: 'unauthorized'; readonly reason: RefusalReason }
  | { readonly outcome: 'forbidden'; readonly reason: RefusalReason };

/** A JWT is three base64url parts; anything longer than this is not a token of ours (and is not worth parsing). */
export const MAX_TOKEN_LENGTH = 8192;

const CUSTOMER_ID = /^[\w.@:+-]{1,128}$/;

/** Exact match after normalising case and a trailing slash (origins are scheme://host[:port], case-insensitive). */
const normaliseOrigin = (origin: string): string => origin.trim().toLowerCase().replace(/\/+$/, '');

export const originAllowed = (origin: string | undefined, allowed: readonly string[]): boolean =>
  origin === undefined || allowed.some((candidate) => normaliseOrigin(candidate) === normaliseOrigin(origin));

const audiencesOf = (claims: Readonly<Record<string, unknown>>): readonly string[] => {
  const aud = claims['aud'];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((value): value is string => typeof value === 'string');
  // Cognito access tokens name their app client in client_id and carry no aud.
  const clientId = claims['client_id'];
  return aud === undefined && typeof clientId === 'string' ? [clientId] : [];
};

/**
 * The principal of verified claims, or why they are not acceptable. Issuer and expiry are checked again here
 * (`nowSeconds`), so the policy holds whatever the verifier library does.
 */
export const principalFromClaims = (
  claims: Readonly<Record<string, unknown>>,
  policy: ConnectAuthPolicy,
  nowSeconds: number,
): { readonly principal: Principal } | { readonly reason: RefusalReason } => {
  if (policy.issuer === '') return { reason: 'no_identity_provider' };
  if (claims['iss'] !== policy.issuer) return { reason: 'wrong_issuer' };
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp <= nowSeconds) return { reason: 'expired' };
  const nbf = claims['nbf'];
  if (typeof nbf === 'number' && nbf > nowSeconds) return { reason: 'not_yet_valid' };
  if (!audiencesOf(claims).some((audience) => policy.audiences.includes(audience))) return { reason: 'wrong_audience' };
  if (policy.tokenUse !== undefined && claims['token_use'] !== policy.tokenUse) return { reason: 'wrong_token_use' };
  const customerId = claims[policy.customerIdClaim];
  if (typeof customerId !== 'string' || !CUSTOMER_ID.test(customerId)) return { reason: 'no_customer_id' };
  const scope = claims['scope'];
  const scopes = typeof scope === 'string' ? scope.split(' ').filter((s) => s.length > 0) : [];
  return { principal: { kind: 'customer', customerId, scopes } };
};

/** What to do before any token is verified: the origin, and a connection without a token. */
export const preVerification = (
  request: { readonly origin: string | undefined; readonly token: string | undefined },
  policy: Pick<ConnectAuthPolicy, 'allowedOrigins' | 'allowGuests'>,
  guestId: string,
): ConnectDecision | 'verify' => {
  if (!originAllowed(request.origin, policy.allowedOrigins)) return { outcome: 'forbidden', reason: 'origin_not_allowed' };
  if (request.token === undefined || request.token === '') {
    return policy.allowGuests ? { outcome: 'allow', principal: { kind: 'guest', guestId } } : { outcome: 'unauthorized', reason: 'missing_token' };
  }
  // A token that is present but bad is refused even where guests are allowed: never a silent downgrade.
  if (request.token.length > MAX_TOKEN_LENGTH) return { outcome: 'unauthorized', reason: 'malformed_token' };
  return 'verify';
};

/**
 * The authorizer's context: what API Gateway repeats in `requestContext.authorizer` on every route of the connection
 * (lambdas/core/principal.ts reads it back). Only string values: API Gateway allows nothing nested.
 */
export const authorizerContext = (principal: Principal): Record<string, string> =>
  principal.kind === 'customer'
    ? { [AUTHORIZER_CONTEXT_KEYS.kind]: 'customer', [AUTHORIZER_CONTEXT_KEYS.customerId]: principal.customerId, [AUTHORIZER_CONTEXT_KEYS.scopes]: principal.scopes.join(' ') }
    : { [AUTHORIZER_CONTEXT_KEYS.kind]: 'guest', [AUTHORIZER_CONTEXT_KEYS.customerId]: '', [AUTHORIZER_CONTEXT_KEYS.scopes]: '' };

/** Thrown by a TokenVerifier for a token it refuses; `reason` is safe to log (the token never is). */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
  constructor(
    readonly reason: RefusalReason,
    options?: { cause?: unknown },
  ) {
    super(`token refused: ${reason}`, options);
  }
}

/** The verifier of a deploy without an identity provider: every token is refused (guests only, where allowed). */
export const REFUSE_EVERY_TOKEN = {
  verify: async (): Promise<never> => {
    throw new TokenRejectedError('no_identity_provider');
  },
};
