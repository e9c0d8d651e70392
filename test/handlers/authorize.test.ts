import { JwtTokenVerifier } from '../../lambdas/adapters/jwt-token-verifier';
import type { ConnectAuthPolicy } from '../../lambdas/core/auth';
import { makeAuthorizerHandler } from '../../lambdas/handlers/authorize';
import { RecordingMetrics } from '../../local/console-log';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { RecordingLog } from '../support/fakes';

const METHOD_ARN = 'arn:aws:execute-api:ap-northeast-1:123456789012:abcdef/prod/$connect';

describe('$connect authorizer handler', () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(() => issuer.close());

  const setup = (overrides: Partial<ConnectAuthPolicy> = {}) => {
    const log = new RecordingLog();
    const metrics = new RecordingMetrics();
    const policy: ConnectAuthPolicy = {
      issuer: issuer.issuer,
      audiences: [issuer.audience],
      tokenUse: 'access',
      customerIdClaim: 'sub',
      allowedOrigins: ['https://shop.example.com'],
      allowGuests: false,
      ...overrides,
    };
    const verifier = new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true });
    const handler = makeAuthorizerHandler({ verifier, policy, clock: { now: () => Date.now() }, log, metrics });
    return { handler, log, metrics };
  };
  const event = (query?: Record<string, string>, headers: Record<string, string> = {}) => ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers,
    queryStringParameters: query,
    requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: 'conn-1' },
  });

  it('allows a valid token with an IAM Allow policy on the method and the principal as string context', async () => {
    const { handler, metrics } = setup();
    const result = await handler(event({ token: issuer.sign({ customerId: 'cust-1', scope: 'mangaassist/operator' }) }, { Origin: 'https://shop.example.com' }));

    expect(result).toEqual({
      principalId: 'customer:cust-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }] },
      context: { principalKind: 'customer', customerId: 'cust-1', scopes: 'mangaassist/operator' },
    });
    expect(metrics.records.some((r) => r.name === 'ConnectAuthorized')).toBe(true);
  });

  it('answers "Unauthorized" (API Gateway: 401) without a token or with a bad one, and never logs the token', async () => {
    const { handler, log } = setup();
    const expired = issuer.signClaims({ iss: issuer.issuer, sub: 'cust-1', aud: issuer.audience, token_use: 'access', exp: Math.floor(Date.now() / 1000) - 5 });

    await expect(handler(event())).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event({ token: expired }))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event({ token: issuer.sign({ customerId: 'cust-1' }).slice(0, -4) }))).rejects.toThrow(/^Unauthorized$/);

    const logged = JSON.stringify(log.entries);
    expect(logged).toContain('missing_token');
    expect(logged).toContain('expired');
    expect(logged).not.toContain(expired);
    expect(logged).not.toContain(expired.split('.')[1]);
  });

  it('denies a browser origin outside the allow-list (API Gateway: 403), even with a valid token', async () => {
    const { handler } = setup();
    const result = await handler(event({ token: issuer.sign({ customerId: 'cust-1' }) }, { origin: 'https://evil.example.com' }));
    expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(result.context).toBeUndefined();
  });

  it('admits a guest without a token only where guests are allowed', async () => {
    const { handler } = setup({ allowGuests: true });
    const result = await handler(event());
    expect(result).toMatchObject({ principalId: 'guest:conn-1', context: { principalKind: 'guest', customerId: '' } });
  });

  it('refuses an event that is not an authorizer event', async () => {
    const { handler } = setup({ allowGuests: true });
    await expect(handler({ nope: true })).rejects.toThrow(/^Unauthorized$/);
  });
});
