import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { CapacityScheduler } from '../constructs/capacity-scheduler';
import { RunbookAlarms } from '../constructs/runbook-alarms';
import type { GatewayTableSet } from '../constructs/tables';
import { resolveCapacityConfig, resolveModelCatalog, type DeployParameters } from '../parameters';
import { capacityAlarmRows } from '../runbook-alarm-rows';

export interface CapacityStackProps extends StackProps {
  readonly parameters: DeployParameters;
  /** From the data stack: the scheduler reads the event calendar and keeps its state in the capacity table. */
  readonly tables: Pick<GatewayTableSet, 'calendar' | 'capacityState'>;
  /** From the data stack: the alarm topic's action, on every alarm (ALARM and OK). */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The capacity scheduler and its alarms, apart from the gateway: it shares nothing with the gateway stack but the
 * tables (data stack) and the configuration (parameters), needs no VPC, and buys and deletes paid throughput, so
 * a gateway deployment (VPC, cache, API) never touches the schedules and a change here never touches chat
 * traffic. The scale-up alarms sit next to the function they invoke, so no permission crosses stacks.
 */
export class CapacityStack extends Stack {
  readonly scheduler: CapacityScheduler;
  readonly alarms: RunbookAlarms;

  constructor(scope: Construct, id: string, props: CapacityStackProps) {
    super(scope, id, props);
    const { parameters } = props;
    const capacity = resolveCapacityConfig(parameters);

    this.scheduler = new CapacityScheduler(this, 'Scheduler', {
      tables: props.tables,
      catalog: resolveModelCatalog(parameters),
      capacity,
      enabled: parameters.capacitySchedulerEnabled,
      logRetention: parameters.logRetentionDays,
    });
    const { capacityReconcile: reconcile, capacityHealth: health } = this.scheduler.functions;
    this.alarms = new RunbookAlarms(this, 'Alarms', {
      namePrefix: capacity.namePrefix,
      ...(props.alarmAction && { notify: props.alarmAction }),
      rows: capacityAlarmRows({
        reconcile,
        health,
        deadLetters: this.scheduler.deadLetters,
        // One permission per alarm (the two tiers' alarms would otherwise share an id on the function).
        scaleUpActions: parameters.capacitySchedulerEnabled ? [new LambdaAction(reconcile, { useUniquePermissionId: true })] : [],
      }),
    });
  }
}
