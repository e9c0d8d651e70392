import { Duration, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CapacityConfig } from '../../lambdas/core/capacity/config';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import { HANDLER_ENTRIES, type HandlerName } from '../../lambdas/runtime/env-names';
import { BEDROCK_CLASSIFY_ACTIONS, BEDROCK_INVOKE_ACTIONS, bedrockClassifierResources, bedrockInvokeResources, provisionedModelArnPattern } from '../bedrock-iam';
import { acknowledgeGrantWildcards, acknowledgeStatementWildcards } from '../compliance';
import { HANDLER_SPECS, handlerEnvironment, type TableAccess, type TableKey } from '../handler-specs';
import type { Cache } from './cache';
import type { ChatGuardrail } from './guardrail';
import { GatewayFunction } from './gateway-function';
import type { Network } from './network';
import { grantTable, tableNamesOf, type GatewayTableSet } from './tables';

export const HANDLER_NAMES = Object.keys(HANDLER_ENTRIES) as HandlerName[];

/** The Sid of the invoke function's Bedrock statement (kept apart from merged statements, easy to audit). */
export const BEDROCK_STATEMENT_SID = 'InvokeCatalogModels';
/** The Sid of the statement of a function that classifies with the LLM but does not answer (route): the cheap tier only. */
export const CLASSIFIER_STATEMENT_SID = 'InvokeCheapTierClassifier';
/** The Sid of the invoke function's statement for the capacity scheduler's provisioned throughput. */
export const PROVISIONED_STATEMENT_SID = 'InvokeProvisionedThroughput';
/** The Sid of the invoke function's bedrock:ApplyGuardrail statement. */
export const GUARDRAIL_STATEMENT_SID = 'ApplyChatGuardrail';

export interface GatewayHandlersProps {
  readonly tables: GatewayTableSet;
  /** The resolved catalog: passed to the functions as MODEL_CATALOG and the source of the Bedrock grant. */
  readonly catalog: ModelCatalog;
  /** The resolved capacity configuration: route and invoke read it as CAPACITY_CONFIG. */
  readonly capacity: CapacityConfig;
  readonly dailyBudgetUsd: number;
  /** BUDGET_CONFIG of the invoke function (parameters.ts budgetConfigJson); absent: the embedded default. */
  readonly budgetConfigJson?: string;
  /** CASCADE_CONFIG of the invoke function (parameters.ts cascadeConfigJson); absent: no intent cascades. */
  readonly cascadeConfigJson?: string;
  /** LIMITS_CONFIG of the invoke function (parameters.ts limitsConfigJson); absent: the embedded default limits. */
  readonly limitsConfigJson?: string;
  /** EXPERIMENTS_CONFIG of the feedback function (parameters.ts experimentsConfigJson); absent: the embedded defaults. */
  readonly experimentsConfigJson?: string;
  readonly logRetention: RetentionDays;
  /** The invoke function runs in this network's private subnets, next to the cache. */
  readonly network: Network;
  readonly cache: Cache;
  /** The Bedrock guardrail every answer goes through; absent (`guardrailEnabled: false`), none. */
  readonly guardrail?: ChatGuardrail;
}

/** `ConnectFunction`, ...: never a bare `Default`, which CDK treats as the parent's default child. */
const constructId = (name: HandlerName): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}Function`;


/**
 * The six WebSocket handlers, shaped by HANDLER_SPECS: sizing, environment, the narrowest table grant each
 * needs, and for invoke the VPC placement and Bedrock access limited to the catalog's models.
 */
export class GatewayHandlers extends Construct {
  readonly functions: Readonly<Record<HandlerName, GatewayFunction>>;

  constructor(scope: Construct, id: string, props: GatewayHandlersProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const values = {
      tableNames: tableNamesOf(props.tables),
      modelCatalogJson: JSON.stringify(props.catalog),
      capacityConfigJson: JSON.stringify(props.capacity),
      redisUrl: props.cache.url,
      dailyBudgetUsd: props.dailyBudgetUsd,
      budgetConfigJson: props.budgetConfigJson,
      cascadeConfigJson: props.cascadeConfigJson,
      limitsConfigJson: props.limitsConfigJson,
      experimentsConfigJson: props.experimentsConfigJson,
      cacheAuthSecretArn: props.cache.authSecret.secretArn,
      ...(props.guardrail && { guardrail: { id: props.guardrail.guardrailId, version: props.guardrail.guardrailVersion } }),
    };

    const build = (name: HandlerName): GatewayFunction => {
      const spec = HANDLER_SPECS[name];
      const fn = new GatewayFunction(this, constructId(name), {
        handlerName: name,
        description: `MangaAssist WebSocket ${name} handler`,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logRetention: props.logRetention,
        environment: handlerEnvironment(name, values),
        ...(spec.answers && {
          vpc: props.network.vpc,
          vpcSubnets: props.network.privateSubnets,
          securityGroups: [props.cache.clientSecurityGroup],
        }),
      });
      for (const [table, access] of Object.entries(spec.tables) as [TableKey, TableAccess][]) {
        grantTable(props.tables[table], access, fn);
      }
      if (spec.answers) {
        props.network.bedrockEndpoint.connections.allowDefaultPortFrom(fn, `Bedrock Runtime from the ${name} function`);
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: BEDROCK_STATEMENT_SID,
            actions: [...BEDROCK_INVOKE_ACTIONS],
            resources: bedrockInvokeResources(props.catalog, {
              partition: stack.partition,
              region: stack.region,
              account: stack.account,
            }),
          }),
        );
        // The capacity scheduler's routing target for a tier may be a provisioned throughput, called by its ARN.
        const provisioned = new PolicyStatement({
          sid: PROVISIONED_STATEMENT_SID,
          actions: [...BEDROCK_INVOKE_ACTIONS],
          resources: [provisionedModelArnPattern({ partition: stack.partition, region: stack.region, account: stack.account })],
        });
        fn.addToRolePolicy(provisioned);
        // The cache's AUTH token, read once at cold start.
        props.cache.grantTokenRead(fn);
        if (props.guardrail) {
          const applyGuardrail = props.guardrail.applyStatement(GUARDRAIL_STATEMENT_SID);
          fn.addToRolePolicy(applyGuardrail);
          acknowledgeStatementWildcards(
            fn.role ?? fn,
            [applyGuardrail],
            'The guardrail runs on a system guardrail profile (cross-Region inference, needed for Japanese): invoking it needs that one profile in each destination Region AWS routes to, which AWS may extend; only the Region is a wildcard.',
          );
        }
        acknowledgeStatementWildcards(
          fn.role ?? fn,
          [provisioned],
          'The routing target of a tier may be a provisioned throughput the capacity scheduler created; its ARN ends in an id Bedrock assigns at creation, so only provisioned-model/* in this account and region can name it.',
        );
      } else if (spec.classifiesWithLlm) {
        // The LLM classifier fallback: one non-streaming call on the cheap tier's catalog model, nothing more (an
        // answering function's catalog statement above already covers it).
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: CLASSIFIER_STATEMENT_SID,
            actions: [...BEDROCK_CLASSIFY_ACTIONS],
            resources: bedrockClassifierResources(props.catalog, { partition: stack.partition, region: stack.region, account: stack.account }),
          }),
        );
      }
      return fn;
    };

    this.functions = {
      connect: build('connect'),
      disconnect: build('disconnect'),
      default: build('default'),
      route: build('route'),
      invoke: build('invoke'),
      feedback: build('feedback'),
    };
  }

  /** Lets the handlers that reply (HANDLER_SPECS.postsToConnections) post to connections of this stage only. */
  grantConnectionManagement(stage: WebSocketStage): void {
    for (const name of HANDLER_NAMES) {
      if (!HANDLER_SPECS[name].postsToConnections) continue;
      const fn = this.functions[name];
      const grant = stage.grantManagementApiAccess(fn);
      acknowledgeGrantWildcards(
        fn.role ?? fn,
        grant,
        'execute-api:ManageConnections on this API and stage only; the trailing wildcards stand for the HTTP verb and the connection id, which exists only at runtime.',
      );
    }
  }
}
