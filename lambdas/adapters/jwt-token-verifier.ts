import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { TokenRejectedError, type RefusalReason } from '../core/auth';
import type { TokenVerifier } from '../ports';

export interface JwtVerifierOptions {
  readonly issuer: string;
  /** The issuer's JWKS (for a Cognito user pool, `<issuer>/.well-known/jwks.json`). */
  readonly jwksUri: string;
  /**
   * Offline only: fetch the JWKS over plain HTTP from a loopback address (the local issuer of `npm start`). The
   * library itself fetches over HTTPS only, which is what a deployed authorizer uses.
   */
  readonly allowLoopbackHttpJwks?: boolean;
}

/** Why the library refused, as the policy's stable reasons (the error's own message may quote claims: not logged). */
const reasonOf = (error: unknown): RefusalReason => {
  if (error instanceof JwtExpiredError) return 'expired';
  if (error instanceof JwtNotBeforeError) return 'not_yet_valid';
  if (error instanceof JwtInvalidIssuerError) return 'wrong_issuer';
  if (error instanceof JwtInvalidAudienceError) return 'wrong_audience';
  if (error instanceof JwtInvalidSignatureError || error instanceof JwtInvalidSignatureAlgorithmError) return 'bad_signature';
  if (error instanceof KidNotFoundInJwksError || error instanceof JwtWithoutValidKidError || error instanceof WaitPeriodNotYetEndedJwkError) return 'unknown_key';
  if (error instanceof JwtParseError) return 'malformed_token';
  if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError || error instanceof JwksValidationError || error instanceof JwkValidationError) {
    return 'issuer_unavailable';
  }
  // Anything that is not the library's verdict on the token (a socket error, an unsupported URL) is the JWKS fetch
  // failing; any other verdict of the library is a token we do not accept.
  return error instanceof JwtBaseError ? 'malformed_token' : 'issuer_unavailable';
};

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/** Node's fetch for `http://127.0.0.1...` JWKS URIs (offline); anything else goes to the library's HTTPS fetcher. */
const loopbackFetcher = (fallback: Fetcher): Fetcher => ({
  fetch: async (uri, requestOptions, data) => {
    if (!LOOPBACK.test(uri)) return fallback.fetch(uri, requestOptions, data);
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (response.status !== 200) throw new Error(`JWKS ${uri} answered ${response.status}`);
    return response.arrayBuffer();
  },
});

/**
 * A TokenVerifier on aws-jwt-verify (AWS's JWT library): RS/ES/EdDSA signatures against the issuer's JWKS (fetched
 * once and cached; an unknown `kid` refetches, rate-limited by the library's penalty box), `alg: none` and
 * algorithms the key does not declare refused, issuer, expiry and not-before checked. Audience and token use are the
 * policy's (lambdas/core/auth principalFromClaims), so Cognito access tokens (no `aud`, a `client_id`) and any OIDC
 * issuer's tokens are checked the same way.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly verifier;

  constructor(options: JwtVerifierOptions) {
    const cache = new SimpleJwksCache();
    if (options.allowLoopbackHttpJwks) cache.fetcher = loopbackFetcher(cache.fetcher);
    this.verifier = JwtRsaVerifier.create({ issuer: options.issuer, jwksUri: options.jwksUri, audience: null }, { jwksCache: cache });
  }

  /** Fetches the JWKS ahead of the first token (a cold start's first connection then does not wait for it). */
  async hydrate(): Promise<void> {
    await this.verifier.hydrate();
  }

  async verify(token: string): Promise<Readonly<Record<string, unknown>>> {
    try {
      return (await this.verifier.verify(token)) as Readonly<Record<string, unknown>>;
    } catch (error) {
      const reason = reasonOf(error);
      // The cause is kept only for the JWKS being unavailable (a URI and a status, no token content).
      throw new TokenRejectedError(reason, reason === 'issuer_unavailable' ? { cause: error } : undefined);
    }
  }
}
