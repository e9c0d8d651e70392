import { Annotations, Duration } from 'aws-cdk-lib';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AuthConfig } from '../../lambdas/runtime/auth-config';
import { ENV } from '../../lambdas/runtime/env-names';
import { GatewayFunction } from './gateway-function';

/** Where API Gateway finds the token: browsers cannot set headers on a WebSocket, so it is a query parameter. */
export const TOKEN_IDENTITY_SOURCE = 'route.request.querystring.token';

export interface ConnectAuthorizerProps {
  /** The resolved configuration (parameters.ts resolveAuthConfig): decides the identity source. */
  readonly config: AuthConfig;
  /** AUTH_CONFIG as the function reads it (parameters.ts authConfigJson). */
  readonly configJson: string;
  readonly logRetention: RetentionDays;
}

/**
 * The `$connect` Lambda REQUEST authorizer (lambdas/entry/authorize.ts) and its API Gateway authorizer, for the
 * `$connect` route only (WebSocket APIs authorize nowhere else; every later frame of the connection carries the
 * authorizer's context).
 *
 * The identity source: with guests refused, `route.request.querystring.token`, so API Gateway answers 401 to a
 * connection without a token before the function is even invoked (no Lambda cost for the commonest junk). With
 * guests allowed there is none: an identity source makes the token mandatory, and a guest has no token.
 */
export class ConnectAuthorizer extends Construct {
  readonly function: GatewayFunction;
  readonly authorizer: WebSocketLambdaAuthorizer;
  readonly identitySource: readonly string[];

  constructor(scope: Construct, id: string, props: ConnectAuthorizerProps) {
    super(scope, id);
    const { policy } = props.config;
    // RSA verification and a cached JWKS: light work; 10 s leaves room for one JWKS fetch on a cold start.
    this.function = new GatewayFunction(this, 'Function', {
      handlerName: 'authorize',
      description: 'MangaAssist WebSocket $connect authorizer',
      memorySize: 256,
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      environment: { [ENV.authConfig]: props.configJson },
    });
    this.identitySource = policy.allowGuests ? [] : [TOKEN_IDENTITY_SOURCE];
    this.authorizer = new WebSocketLambdaAuthorizer('ConnectAuthorizer', this.function, {
      authorizerName: 'mangaassist-connect',
      identitySource: [...this.identitySource],
    });
    if (props.config.jwksUri === undefined) {
      Annotations.of(this).addWarningV2(
        'mangaassist:auth-no-identity-provider',
        policy.allowGuests
          ? 'auth has no issuer: every connection is a guest (general questions only, no orders, no sessions across connections).'
          : 'auth has no issuer and allowGuests is false: the $connect authorizer refuses every connection. Set auth.issuer and auth.audience (README: Security).',
      );
    }
  }
}
