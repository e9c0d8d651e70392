import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/runtime/env-names';
import { TOKEN_IDENTITY_SOURCE } from '../../lib/constructs/connect-authorizer';
import { ParametersError } from '../../lib/parameters';
import { logicalIdOf, makeParams, synthesizeApp, type SynthesizedApp } from './fixture';

const ISSUER = 'https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_Example';

const routesByKey = (synthesized: SynthesizedApp) =>
  Object.fromEntries(
    Object.values(synthesized.gatewayTemplate.findResources('AWS::ApiGatewayV2::Route')).map((route) => {
      const properties = (route as { Properties: { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown } }).Properties;
      return [properties.RouteKey, properties];
    }),
  );

describe('the $connect authorizer (CDK)', () => {
  const withProvider = synthesizeApp(makeParams({ auth: { issuer: ISSUER, audience: 'client-abc', tokenUse: 'access', allowedOrigins: ['https://shop.example.com'] } }));

  it('authorizes $connect, and only $connect, with one Lambda REQUEST authorizer reading the token query parameter', () => {
    const authorizers = withProvider.gatewayTemplate.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const [authorizerId, authorizer] = Object.entries(authorizers)[0] ?? [];
    expect(authorizer).toMatchObject({ Properties: { AuthorizerType: 'REQUEST', IdentitySource: [TOKEN_IDENTITY_SOURCE] } });

    const routes = routesByKey(withProvider);
    expect(routes['$connect']).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    for (const key of ['$disconnect', '$default', 'route', 'invoke']) {
      expect(routes[key]?.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(routes[key]?.AuthorizerId).toBeUndefined();
    }
  });

  it("gives the authorizer function the deploy's auth configuration, and API Gateway the right to invoke it", () => {
    const fn = withProvider.gateway.connectAuthorizer.function;
    withProvider.gatewayTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.authConfig]: JSON.stringify({ issuer: ISSUER, audience: 'client-abc', tokenUse: 'access', allowedOrigins: ['https://shop.example.com'] }) }) },
    });
    withProvider.gatewayTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(fn), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    expect(Annotations.fromStack(withProvider.gateway).findWarning('*', Match.stringLikeRegexp('no issuer'))).toHaveLength(0);
  });

  it('with guests allowed, sets no identity source (API Gateway would otherwise refuse a connection without a token before the authorizer)', () => {
    const guests = synthesizeApp(makeParams({ auth: { issuer: ISSUER, audience: 'client-abc', allowGuests: true } }));
    const [authorizer] = Object.values(guests.gatewayTemplate.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect((authorizer as { Properties: Record<string, unknown> }).Properties['IdentitySource']).toBeUndefined();
    expect(routesByKey(guests)['$connect']).toMatchObject({ AuthorizationType: 'CUSTOM' });
  });

  it('by default (no identity provider, no guests) still deploys the authorizer, which admits no one, and warns at synth', () => {
    const defaults = synthesizeApp(makeParams());
    expect(routesByKey(defaults)['$connect']).toMatchObject({ AuthorizationType: 'CUSTOM' });
    expect(defaults.gateway.connectAuthorizer.identitySource).toEqual([TOKEN_IDENTITY_SOURCE]);
    expect(Annotations.fromStack(defaults.gateway).findWarning('*', Match.stringLikeRegexp('refuses every connection'))).toHaveLength(1);
  });

  it("refuses bad auth parameters with the function's own parser, every problem listed", () => {
    expect(() => makeParams({ auth: { issuer: 'http://idp.example.com', audience: 'a' } })).toThrow(ParametersError);
    expect(() => makeParams({ auth: { issuer: ISSUER } })).toThrow(/issuer and audience go together/);
    expect(() => makeParams({ auth: { issuer: ISSUER, audience: 'a', allowedOrigins: ['*'], alowGuests: true } })).toThrow(/allowedOrigins[\s\S]*alowGuests|alowGuests[\s\S]*allowedOrigins/);
  });
});
