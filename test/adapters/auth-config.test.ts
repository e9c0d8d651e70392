import { AuthConfigError, parseAuthConfig } from '../../lambdas/runtime/auth-config';

describe('parseAuthConfig (AUTH_CONFIG of the $connect authorizer)', () => {
  const issuer = 'https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_Example';

  it('fills the defaults: JWKS under the issuer, sub as the customer id, no origin, no guests', () => {
    expect(parseAuthConfig(JSON.stringify({ issuer, audience: 'client-abc' }))).toEqual({
      jwksUri: `${issuer}/.well-known/jwks.json`,
      policy: { issuer, audiences: ['client-abc'], customerIdClaim: 'sub', allowedOrigins: [], allowGuests: false },
    });
  });

  it('refuses a missing configuration, a misspelt key, a non-HTTPS issuer or JWKS, and an origin with a path, listing every problem', () => {
    expect(() => parseAuthConfig(undefined)).toThrow(AuthConfigError);
    expect(() => parseAuthConfig(JSON.stringify({ issuer, audience: 'a', allowGuest: true }))).toThrow(/allowGuest/);
    expect(() => parseAuthConfig(JSON.stringify({ issuer: 'http://idp.example.com', audience: 'a', jwksUri: 'http://idp.example.com/keys' }))).toThrow(/issuer: must be an https:\/\/ URL; jwksUri/);
    expect(() => parseAuthConfig(JSON.stringify({ issuer, audience: 'a', allowedOrigins: ['https://shop.example.com/chat'] }))).toThrow(/allowedOrigins/);
    expect(() => parseAuthConfig(JSON.stringify({ issuer, audience: [] }))).toThrow(/audience/);
    expect(() => parseAuthConfig(JSON.stringify({ issuer }))).toThrow(/issuer and audience go together/);
  });

  it('without an identity provider, accepts no token (guests only, if allowed)', () => {
    const config = parseAuthConfig(JSON.stringify({ allowGuests: true }));
    expect(config).toEqual({ policy: { issuer: '', audiences: [], customerIdClaim: 'sub', allowedOrigins: [], allowGuests: true } });
  });

  it('accepts a loopback HTTP issuer only when asked to (the offline stack)', () => {
    const local = JSON.stringify({ issuer: 'http://127.0.0.1:4000', audience: 'mangaassist-local', tokenUse: 'access', allowGuests: true });
    expect(() => parseAuthConfig(local)).toThrow(/https/);
    expect(parseAuthConfig(local, { allowLoopbackHttp: true }).policy).toMatchObject({ tokenUse: 'access', allowGuests: true });
  });
});
