import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketStage,
  type ThrottleSettings,
  type WebSocketRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { CfnAuthorizer as CfnWebSocketAuthorizer, type IWebSocketRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from '../../lambdas/runtime/env-names';

/** Each handler answers one route key; the client picks `route`, `invoke` or `feedback` by its frame's `action`. */
export const ROUTE_KEYS: Readonly<Record<HandlerName, string>> = {
  connect: '$connect',
  disconnect: '$disconnect',
  route: 'route',
  invoke: 'invoke',
  feedback: 'feedback',
  default: '$default',
};

export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

/**
 * Stage throttling: 1M messages a day is ~12/s on average; the evening peak is a few times that and release
 * nights 5x (seeds), so ~200/s at worst. 250/s steady with bursts of 500 serves that with headroom while a
 * runaway client loop is capped long before it costs real Bedrock money or the account's 10,000 rps.
 */
export const DEFAULT_THROTTLE: Required<ThrottleSettings> = { rateLimit: 250, burstLimit: 500 };

/**
 * Per-route throttling under the stage's: the outer wall for everyone at once, in front of the limits per principal
 * (lambdas/core/limits). Sized from the seeds' traffic (~12 messages/s on average, ~200/s on a release night at 5x):
 * - `invoke` (every model call): 200/s, bursts of 400: the release-night peak, no room for a flood on top of it;
 * - `route` (a preview, no answer): 50/s, bursts of 100;
 * - `feedback` (a rating: two reads and a write, no model): 50/s, bursts of 100; most answers are never rated;
 * - `$connect` (the authorizer and a Sessions write): 50/s, bursts of 100, far above a store's new chats per second
 *   and far below what an enumeration or connection flood needs;
 * - `$default` (only malformed or unknown frames reach it): 20/s, bursts of 40.
 * `$disconnect` keeps the stage's: cleanup is never throttled by its own route.
 */
export const ROUTE_THROTTLE: Readonly<Partial<Record<HandlerName, Required<ThrottleSettings>>>> = {
  invoke: { rateLimit: 200, burstLimit: 400 },
  route: { rateLimit: 50, burstLimit: 100 },
  feedback: { rateLimit: 50, burstLimit: 100 },
  connect: { rateLimit: 50, burstLimit: 100 },
  default: { rateLimit: 20, burstLimit: 40 },
};

export interface ChatWebSocketApiProps {
  readonly handlers: Readonly<Record<HandlerName, IFunction>>;
  readonly stageName: string;
  readonly logRetention: RetentionDays;
  readonly throttle?: ThrottleSettings;
  /**
   * The `$connect` authorizer (lib/constructs/connect-authorizer.ts), on `$connect` only; `identitySource` empty means
   * none (guests allowed: API Gateway must not require a token).
   */
  readonly connectAuthorizer?: { readonly authorizer: IWebSocketRouteAuthorizer; readonly identitySource: readonly string[] };
  /** Per route key, under the stage's; ROUTE_THROTTLE unless given. */
  readonly routeThrottle?: Readonly<Partial<Record<HandlerName, Required<ThrottleSettings>>>>;
}

/**
 * The public WebSocket API: route selection on the frame's `action`, one Lambda per route, one auto-deployed
 * stage with throttling and JSON access logs.
 *
 * Access logging needs the account-level API Gateway CloudWatch Logs role (AWS::ApiGateway::Account) to be set
 * once per account and region; this stack does not own that account-wide setting (the README says so).
 */
export class ChatWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly routes: Readonly<Record<HandlerName, WebSocketRoute>>;

  constructor(scope: Construct, id: string, props: ChatWebSocketApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: 'mangaassist-chat',
      description: 'MangaAssist storefront chat',
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });

    const addRoute = (name: HandlerName): WebSocketRoute => {
      const authorizer = name === 'connect' ? props.connectAuthorizer?.authorizer : undefined;
      const route = this.api.addRoute(ROUTE_KEYS[name], {
        integration: new WebSocketLambdaIntegration(`${name}Integration`, props.handlers[name]),
        ...(authorizer && { authorizer }),
      });
      if (authorizer === undefined) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            name === 'connect'
              ? 'This API was built without its $connect authorizer (a test of the API construct alone); the gateway stack always sets it.'
              : 'A WebSocket API authorizes only at $connect: this route runs on a connection the $connect authorizer admitted and acts for the principal in its context (requestContext.authorizer).',
        });
      }
      return route;
    };
    this.routes = {
      connect: addRoute('connect'),
      disconnect: addRoute('disconnect'),
      route: addRoute('route'),
      invoke: addRoute('invoke'),
      feedback: addRoute('feedback'),
      default: addRoute('default'),
    };
    if (props.connectAuthorizer && props.connectAuthorizer.identitySource.length === 0) {
      // An empty IdentitySource list is not "none" to CloudFormation: drop the property (optional for a REQUEST
      // authorizer), so a connection without a token reaches the function and becomes a guest.
      for (const child of this.api.node.findAll()) {
        if (child instanceof CfnWebSocketAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
      }
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            requestTimeEpoch: '$context.requestTimeEpoch',
            integrationLatency: '$context.integrationLatency',
            sourceIp: '$context.identity.sourceIp',
            error: '$context.error.message',
            integrationError: '$context.integration.error',
          }),
        ),
      },
    });
    this.throttleRoutes(props.routeThrottle ?? ROUTE_THROTTLE);
  }

  /**
   * The routes' throttling on the stage (`RouteSettings`, which the WebSocketStage L2 does not expose). A route must
   * exist before the stage can name it, so the stage depends on each.
   */
  private throttleRoutes(throttle: Readonly<Partial<Record<HandlerName, Required<ThrottleSettings>>>>): void {
    // CloudFormation's RouteSettings is free JSON keyed by route key: CDK passes it through as written (PascalCase).
    const settings: Record<string, { readonly ThrottlingRateLimit: number; readonly ThrottlingBurstLimit: number }> = {};
    for (const [name, limits] of Object.entries(throttle) as [HandlerName, Required<ThrottleSettings>][]) {
      settings[ROUTE_KEYS[name]] = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
      this.stage.node.addDependency(this.routes[name]);
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = settings;
  }

  /** `wss://` URL clients connect to. */
  get url(): string {
    return this.stage.url;
  }
}
