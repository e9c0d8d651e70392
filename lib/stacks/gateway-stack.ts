import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { Cache } from '../constructs/cache';
import { ConnectAuthorizer } from '../constructs/connect-authorizer';
import { ChatGuardrail } from '../constructs/guardrail';
import { GatewayHandlers } from '../constructs/handlers';
import { Network } from '../constructs/network';
import { OperationsDashboard } from '../constructs/operations-dashboard';
import { UnmappedAudit } from '../constructs/unmapped-audit';
import { ExperimentEvaluator } from '../constructs/experiment-evaluator';
import { RunbookAlarms } from '../constructs/runbook-alarms';
import type { GatewayTableSet } from '../constructs/tables';
import { ChatWebSocketApi } from '../constructs/websocket-api';
import {
  authConfigJson,
  budgetConfigJson,
  cascadeConfigJson,
  experimentsConfigJson,
  limitsConfigJson,
  resolveAuthConfig,
  resolveCapacityConfig,
  resolveModelCatalog,
  resolveStrongTierDailyProjectionUsd,
  type DeployParameters,
} from '../parameters';
import { experimentAlarmRows, servingAlarmRows } from '../runbook-alarm-rows';

export interface GatewayStackProps extends StackProps {
  readonly parameters: DeployParameters;
  /** From the data stack: the gateway only reads their names and is granted access. */
  readonly tables: GatewayTableSet;
  /** From the data stack: the alarm topic's action, on every alarm (ALARM and OK). */
  readonly alarmAction?: IAlarmAction;
}

/** The serving half: network, cache, functions, the WebSocket API and its alarms. Stateless, safe to replace wholesale. */
export class GatewayStack extends Stack {
  readonly network: Network;
  readonly cache: Cache;
  /** Absent with `guardrailEnabled: false`. */
  readonly guardrail?: ChatGuardrail;
  readonly handlers: GatewayHandlers;
  /** The `$connect` authorizer: every connection is admitted (or refused) here. */
  readonly connectAuthorizer: ConnectAuthorizer;
  readonly webSocket: ChatWebSocketApi;
  readonly alarms: RunbookAlarms;
  /** The operations dashboard (`<namePrefix>-operations`): every runbook signal in one place. */
  readonly dashboard: OperationsDashboard;
  /** The weekly unmapped-intent audit (function and schedule). */
  readonly unmappedAudit: UnmappedAudit;
  /** The experiment evaluator (function and 15-minute schedule): promotions, stops and automatic rollbacks. */
  readonly experimentEvaluator: ExperimentEvaluator;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { parameters } = props;
    const catalog = resolveModelCatalog(parameters);
    const capacity = resolveCapacityConfig(parameters);

    this.network = new Network(this, 'Network', {
      natGateways: parameters.natGateways,
      logRetention: parameters.logRetentionDays,
    });
    this.cache = new Cache(this, 'Cache', {
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      nodeType: parameters.cacheNodeType,
      logRetention: parameters.logRetentionDays,
    });
    if (parameters.guardrailEnabled) {
      this.guardrail = new ChatGuardrail(this, 'Guardrail', { name: `${capacity.namePrefix}-chat`, profileId: parameters.guardrailProfileId });
    }
    this.handlers = new GatewayHandlers(this, 'Handlers', {
      tables: props.tables,
      catalog,
      capacity,
      dailyBudgetUsd: parameters.dailyBudgetUsd,
      budgetConfigJson: budgetConfigJson(parameters),
      cascadeConfigJson: cascadeConfigJson(parameters),
      limitsConfigJson: limitsConfigJson(parameters),
      experimentsConfigJson: experimentsConfigJson(parameters),
      logRetention: parameters.logRetentionDays,
      network: this.network,
      cache: this.cache,
      ...(this.guardrail && { guardrail: this.guardrail }),
    });
    this.connectAuthorizer = new ConnectAuthorizer(this, 'ConnectAuthorizer', {
      config: resolveAuthConfig(parameters),
      configJson: authConfigJson(parameters),
      logRetention: parameters.logRetentionDays,
    });
    this.webSocket = new ChatWebSocketApi(this, 'WebSocket', {
      handlers: this.handlers.functions,
      connectAuthorizer: { authorizer: this.connectAuthorizer.authorizer, identitySource: this.connectAuthorizer.identitySource },
      stageName: parameters.stageName,
      logRetention: parameters.logRetentionDays,
    });
    this.handlers.grantConnectionManagement(this.webSocket.stage);
    // Before the alarms: its failures are one of them.
    this.experimentEvaluator = new ExperimentEvaluator(this, 'ExperimentEvaluator', {
      namePrefix: capacity.namePrefix,
      logRetention: parameters.logRetentionDays,
      tables: { experiments: props.tables.experiments, routingVersions: props.tables.routingVersions, routingConfig: props.tables.routingConfig },
      configJson: experimentsConfigJson(parameters),
    });
    this.alarms = new RunbookAlarms(this, 'Alarms', {
      namePrefix: capacity.namePrefix,
      ...(props.alarmAction && { notify: props.alarmAction }),
      rows: [
        ...servingAlarmRows({
          catalog,
          budget: {
            dailyBudgetUsd: parameters.dailyBudgetUsd,
            strongTierDailyProjectionUsd: resolveStrongTierDailyProjectionUsd(parameters),
          },
        }),
        ...experimentAlarmRows({ evaluator: this.experimentEvaluator.fn }),
      ],
    });

    this.unmappedAudit = new UnmappedAudit(this, 'UnmappedAudit', { namePrefix: capacity.namePrefix, logRetention: parameters.logRetentionDays });
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: `${capacity.namePrefix}-operations`,
      catalog,
      alarms: Object.values(this.alarms.alarms),
      experimentEvaluator: this.experimentEvaluator.fn,
    });

    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocket.url, description: 'wss:// URL for chat clients' });
    new CfnOutput(this, 'ConnectionsUrl', {
      value: this.webSocket.stage.callbackUrl,
      description: 'Management API (@connections) endpoint of the stage',
    });
  }

  /**
   * Two AZs by position (Fn::GetAZs) even when the account is known: an account-specific stack would otherwise
   * look the AZ names up through the CLI, and `cdk synth` must work offline without credentials.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }
}
