import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedulerInvokeRole } from '../scheduler-role';
import type { CapacityConfig } from '../../lambdas/core/capacity/config';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import { SCHEDULED_ENTRIES, type ScheduledName } from '../../lambdas/runtime/env-names';
import {
  THROUGHPUT_CREATE_ACTION,
  THROUGHPUT_DELETE_ACTION,
  THROUGHPUT_GET_ACTION,
  THROUGHPUT_LIST_ACTION,
  provisionableModelArns,
  provisionedModelArnPattern,
  type ArnContext,
} from '../bedrock-iam';
import {
  HEALTH_PAYLOAD,
  boundarySchedules,
  healthPeriodicScheduleName,
  reconcilePayload,
  reconcilePeriodicScheduleName,
} from '../capacity-names';
import { acknowledgeStatementWildcards } from '../compliance';
import { SCHEDULED_SPECS, scheduledEnvironment, type TableAccess, type TableKey } from '../handler-specs';
import { GatewayFunction } from './gateway-function';
import { grantTable, tableNamesOf, type GatewayTableSet } from './tables';

export const SCHEDULED_NAMES = Object.keys(SCHEDULED_ENTRIES) as ScheduledName[];

/** Statement ids of the Bedrock control-plane grants (kept apart from merged statements, easy to audit). */
export const THROUGHPUT_SIDS = {
  list: 'ListProvisionedThroughput',
  observe: 'ReadProvisionedThroughput',
  manage: 'ManageProvisionedThroughput',
  createFrom: 'ProvisionCatalogModels',
} as const;

/** The EventBridge Scheduler time zone: windows and events are JST, and Asia/Tokyo has no daylight saving. */
export const SCHEDULE_TIME_ZONE = TimeZone.ASIA_TOKYO;

/**
 * Quarter hours JST for the reconciler; the health check 5 minutes later, so it sees what the reconciler just did.
 * Both are cron, not rate, expressions: a rate has no time zone and no alignment to the windows' quarter hours.
 */
export const RECONCILE_MINUTES = '0/15';
export const HEALTH_MINUTES = '5/15';

/**
 * Both delivery layers retry: the scheduler when it cannot invoke (throttled, function updating), Lambda when
 * the function fails (async invocation). A run older than the next periodic run is superseded by it, so neither
 * layer keeps an event past 15 minutes; what is still failing then goes to the dead-letter queue.
 */
export const DELIVERY = { retryAttempts: 2, maxEventAge: Duration.minutes(15) } as const;

export interface CapacitySchedulerProps {
  /** From the data stack: the functions read their names and are granted access. */
  readonly tables: Pick<GatewayTableSet, 'calendar' | 'capacityState'>;
  /** The resolved catalog: on-demand prices for break-even, and the foundation models throughput is bought for. */
  readonly catalog: ModelCatalog;
  /** The resolved capacity configuration: the functions' CAPACITY_CONFIG and the source of the boundary schedules. */
  readonly capacity: CapacityConfig;
  /** false: every schedule is created DISABLED (capacitySchedulerEnabled). */
  readonly enabled: boolean;
  readonly logRetention: RetentionDays;
}

/** `CapacityReconcileFunction`, `CapacityHealthFunction`. */
const constructId = (name: ScheduledName): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}Function`;

/**
 * The capacity scheduler: the reconcile and health functions (outside any VPC: they call only the Bedrock
 * control plane, DynamoDB and CloudWatch Logs, all public AWS endpoints), their least-privilege grants, the
 * EventBridge Scheduler schedules that run them (every 15 minutes JST, plus one run per schedule window,
 * `provisioningLeadMs` before it starts), and one encrypted dead-letter queue for every run that never succeeded.
 * Metrics leave through EMF in the logs, so no cloudwatch:PutMetricData is granted.
 */
export class CapacityScheduler extends Construct {
  readonly functions: Readonly<Record<ScheduledName, GatewayFunction>>;
  /** Runs the scheduler could not deliver and runs that failed after Lambda's retries. */
  readonly deadLetters: Queue;
  /** The role EventBridge Scheduler assumes to invoke the functions. */
  readonly schedulerRole: Role;
  readonly schedules: readonly Schedule[];

  constructor(scope: Construct, id: string, props: CapacitySchedulerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const at: ArnContext = { partition: stack.partition, region: stack.region, account: stack.account };
    const { capacity } = props;

    this.deadLetters = new Queue(this, 'DeadLetters', {
      // SQS-managed keys: encrypted at rest with nothing for the scheduler or Lambda to be granted on a KMS key.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: a failed run is evidence for the runbook, read when someone gets to it.
      retentionPeriod: Duration.days(14),
    });

    const values = {
      tableNames: tableNamesOf(props.tables),
      modelCatalogJson: JSON.stringify(props.catalog),
      capacityConfigJson: JSON.stringify(capacity),
    };
    const provisioned = provisionedModelArnPattern(at);
    const build = (name: ScheduledName): GatewayFunction => {
      const spec = SCHEDULED_SPECS[name];
      const fn = new GatewayFunction(this, constructId(name), {
        handlerName: name,
        description: `MangaAssist capacity scheduler: ${name}`,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logRetention: props.logRetention,
        environment: scheduledEnvironment(name, values),
        deadLetterQueue: this.deadLetters,
        ...DELIVERY,
        anyResourceReason:
          'bedrock:ListProvisionedModelThroughputs supports no resource-level permission, so it can only be granted on Resource "*"; it reads names, units and status, nothing else.',
      });
      const tables: Readonly<Partial<Record<TableKey, ITable>>> = props.tables;
      for (const [table, access] of Object.entries(spec.tables) as [TableKey, TableAccess][]) {
        const granted = tables[table];
        if (!granted) throw new Error(`the ${name} function needs the ${table} table`);
        grantTable(granted, access, fn);
      }

      fn.addToRolePolicy(new PolicyStatement({ sid: THROUGHPUT_SIDS.list, actions: [THROUGHPUT_LIST_ACTION], resources: ['*'] }));
      const onProvisioned =
        spec.throughput === 'manage'
          ? new PolicyStatement({
              sid: THROUGHPUT_SIDS.manage,
              actions: [THROUGHPUT_GET_ACTION, THROUGHPUT_CREATE_ACTION, THROUGHPUT_DELETE_ACTION],
              resources: [provisioned],
            })
          : new PolicyStatement({ sid: THROUGHPUT_SIDS.observe, actions: [THROUGHPUT_GET_ACTION], resources: [provisioned] });
      fn.addToRolePolicy(onProvisioned);
      acknowledgeStatementWildcards(
        fn.role ?? fn,
        [onProvisioned],
        'Provisioned throughput ARNs end in an id Bedrock assigns at creation, not the name, so provisioned-model/* in this account and region is the narrowest pattern that names the throughput this scheduler creates.',
      );
      if (spec.throughput === 'manage') {
        // Create also names the model it provisions: only the catalog's foundation models, in this region.
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: THROUGHPUT_SIDS.createFrom,
            actions: [THROUGHPUT_CREATE_ACTION],
            resources: provisionableModelArns(props.catalog, at),
          }),
        );
      }
      return fn;
    };
    const reconcile = build('capacityReconcile');
    const health = build('capacityHealth');
    this.functions = { capacityReconcile: reconcile, capacityHealth: health };

    // One role for both targets instead of the target's default one: confused-deputy conditions (only this
    // account's schedules of this deployment may use it) and the invoke grant acknowledged in one place.
    this.schedulerRole = schedulerInvokeRole(this, {
      description: `EventBridge Scheduler: invokes the ${capacity.namePrefix} capacity functions`,
      schedulePattern: `${capacity.namePrefix}-*`,
      functions: [reconcile, health],
    });

    interface ScheduleSpec {
      readonly id: string;
      readonly name: string;
      readonly description: string;
      readonly minute: string;
      readonly hour?: string;
      readonly fn: GatewayFunction;
      readonly payload: object;
    }
    const schedule = (spec: ScheduleSpec): Schedule =>
      new Schedule(this, spec.id, {
        scheduleName: spec.name,
        description: spec.description,
        schedule: ScheduleExpression.cron({ minute: spec.minute, ...(spec.hour !== undefined && { hour: spec.hour }), timeZone: SCHEDULE_TIME_ZONE }),
        target: new LambdaInvoke(spec.fn, {
          role: this.schedulerRole,
          input: ScheduleTargetInput.fromObject(spec.payload),
          deadLetterQueue: this.deadLetters,
          ...DELIVERY,
        }),
        enabled: props.enabled,
      });

    const periodic = reconcilePeriodicScheduleName(capacity.namePrefix);
    const healthName = healthPeriodicScheduleName(capacity.namePrefix);
    this.schedules = [
      schedule({
        id: 'ReconcilePeriodic',
        name: periodic,
        description: 'Reconcile provisioned throughput with the plan, every 15 minutes JST',
        minute: RECONCILE_MINUTES,
        fn: reconcile,
        payload: reconcilePayload(periodic),
      }),
      ...boundarySchedules(capacity).map((boundary) =>
        schedule({
          id: `ReconcileBefore-${boundary.slug}`,
          name: boundary.scheduleName,
          description: `Reconcile ahead of the "${boundary.window}" window (its start minus the provisioning lead time, JST)`,
          minute: String(boundary.minute),
          hour: String(boundary.hour),
          fn: reconcile,
          payload: reconcilePayload(boundary.scheduleName),
        }),
      ),
      schedule({
        id: 'HealthPeriodic',
        name: healthName,
        description: 'Check provisioned throughput against the plan, every 15 minutes JST',
        minute: HEALTH_MINUTES,
        fn: health,
        payload: HEALTH_PAYLOAD,
      }),
    ];
  }
}
