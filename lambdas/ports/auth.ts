/**
 * Verifies a bearer token from the store's identity provider: signature against the issuer's JWKS, algorithm,
 * issuer and expiry. Resolves to the token's claims; rejects with TokenRejectedError (lambdas/core/auth) naming why.
 */
export interface TokenVerifier {
  verify(token: string): Promise<Readonly<Record<string, unknown>>>;
}
