import { authorizerContext, originAllowed, preVerification, principalFromClaims, REFUSE_EVERY_TOKEN, type ConnectAuthPolicy } from '../../lambdas/core/auth';
import { principalFromAuthorizerContext } from '../../lambdas/core/principal';

const POLICY: ConnectAuthPolicy = {
  issuer: 'https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_Example',
  audiences: ['client-abc'],
  tokenUse: 'access',
  customerIdClaim: 'sub',
  allowedOrigins: ['https://shop.example.com'],
  allowGuests: false,
};
const NOW = 1_800_000_000;
const claims = (overrides: Record<string, unknown> = {}) => ({ iss: POLICY.issuer, aud: 'client-abc', token_use: 'access', sub: 'cust-1', exp: NOW + 60, iat: NOW - 10, ...overrides });

describe('principalFromClaims', () => {
  it('accepts a token of the issuer, audience and token use, naming the customer and its scopes', () => {
    expect(principalFromClaims(claims({ scope: 'read mangaassist/operator' }), POLICY, NOW)).toEqual({
      principal: { kind: 'customer', customerId: 'cust-1', scopes: ['read', 'mangaassist/operator'] },
    });
  });

  it("reads a Cognito access token's audience from client_id when it has no aud", () => {
    expect(principalFromClaims(claims({ aud: undefined, client_id: 'client-abc' }), POLICY, NOW)).toMatchObject({ principal: { customerId: 'cust-1' } });
    // A token WITH an aud is judged by it: a client_id cannot rescue a wrong aud.
    expect(principalFromClaims(claims({ aud: 'other', client_id: 'client-abc' }), POLICY, NOW)).toEqual({ reason: 'wrong_audience' });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example.com' }, 'wrong_issuer'],
    ['no issuer', { iss: undefined }, 'wrong_issuer'],
    ['expired at this second', { exp: NOW }, 'expired'],
    ['no expiry', { exp: undefined }, 'expired'],
    ['not valid yet', { nbf: NOW + 30 }, 'not_yet_valid'],
    ['another audience', { aud: 'other-client' }, 'wrong_audience'],
    ['an audience list without ours', { aud: ['a', 'b'] }, 'wrong_audience'],
    ['an id token where access is required', { token_use: 'id' }, 'wrong_token_use'],
    ['no subject', { sub: undefined }, 'no_customer_id'],
    ['a subject that is not an id', { sub: 'a b<script>' }, 'no_customer_id'],
  ])('refuses %s', (_label, overrides, reason) => {
    expect(principalFromClaims(claims(overrides), POLICY, NOW)).toEqual({ reason });
  });

  it('accepts an audience list holding ours, and any token use when none is required', () => {
    const { tokenUse: _unset, ...anyUse } = POLICY;
    expect(principalFromClaims(claims({ aud: ['x', 'client-abc'], token_use: 'id' }), anyUse, NOW)).toMatchObject({ principal: { kind: 'customer' } });
  });

  it('reads the customer id from the configured claim', () => {
    expect(principalFromClaims(claims({ customer_no: 'C-0042' }), { ...POLICY, customerIdClaim: 'customer_no' }, NOW)).toMatchObject({ principal: { customerId: 'C-0042' } });
  });
});

describe('preVerification', () => {
  it('refuses a browser origin outside the allow-list (403), before looking at any token', () => {
    expect(preVerification({ origin: 'https://evil.example.com', token: 'x.y.z' }, POLICY, 'conn-1')).toEqual({ outcome: 'forbidden', reason: 'origin_not_allowed' });
  });

  it('matches origins exactly, ignoring case and a trailing slash; a request without Origin is not a browser and passes this check', () => {
    expect(originAllowed('HTTPS://Shop.Example.com/', POLICY.allowedOrigins)).toBe(true);
    expect(originAllowed('https://shop.example.com.evil.com', POLICY.allowedOrigins)).toBe(false);
    expect(originAllowed('http://shop.example.com', POLICY.allowedOrigins)).toBe(false);
    expect(originAllowed(undefined, POLICY.allowedOrigins)).toBe(true);
    expect(originAllowed('https://shop.example.com', [])).toBe(false);
  });

  it('refuses a connection without a token (401) unless guests are allowed, when it becomes a guest keyed by the connection', () => {
    expect(preVerification({ origin: undefined, token: undefined }, POLICY, 'conn-1')).toEqual({ outcome: 'unauthorized', reason: 'missing_token' });
    expect(preVerification({ origin: undefined, token: '' }, POLICY, 'conn-1')).toEqual({ outcome: 'unauthorized', reason: 'missing_token' });
    expect(preVerification({ origin: undefined, token: undefined }, { ...POLICY, allowGuests: true }, 'conn-1')).toEqual({
      outcome: 'allow',
      principal: { kind: 'guest', guestId: 'conn-1' },
    });
  });

  it('verifies a present token even where guests are allowed (a bad token is never downgraded to a guest), and refuses an oversized one unread', () => {
    expect(preVerification({ origin: undefined, token: 'a.b.c' }, { ...POLICY, allowGuests: true }, 'conn-1')).toBe('verify');
    expect(preVerification({ origin: undefined, token: 'a'.repeat(9000) }, POLICY, 'conn-1')).toEqual({ outcome: 'unauthorized', reason: 'malformed_token' });
  });
});

describe('authorizerContext', () => {
  it('round-trips through the principal seam every route reads', () => {
    const customer = { kind: 'customer' as const, customerId: 'cust-7', scopes: ['mangaassist/operator'] };
    expect(principalFromAuthorizerContext(authorizerContext(customer), 'conn-1')).toEqual(customer);
    expect(principalFromAuthorizerContext(authorizerContext({ kind: 'guest', guestId: 'conn-1' }), 'conn-1')).toEqual({ kind: 'guest', guestId: 'conn-1' });
    expect(Object.values(authorizerContext(customer)).every((value) => typeof value === 'string')).toBe(true);
  });
});

describe('a deploy without an identity provider', () => {
  it('accepts no token, whatever it claims', async () => {
    expect(principalFromClaims(claims({ iss: '' }), { ...POLICY, issuer: '' }, NOW)).toEqual({ reason: 'no_identity_provider' });
    await expect(REFUSE_EVERY_TOKEN.verify()).rejects.toMatchObject({ reason: 'no_identity_provider' });
  });
});
