import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { schedulerInvokeRole } from '../scheduler-role';
import { SCHEDULE_TIME_ZONE } from './capacity-scheduler';
import { GatewayFunction } from './gateway-function';

/** Monday 09:00 JST: the week's traffic audited at the start of the working week (seed 000: a weekly audit). */
export const AUDIT_SCHEDULE = { weekDay: 'MON', hour: '9', minute: '0' } as const;

/** The payload the handler parses (lambdas/handlers/audit-unmapped.ts): the default 7-day window. */
export const AUDIT_PAYLOAD = { kind: 'scheduled' } as const;

export interface UnmappedAuditProps {
  /** The schedule is `<namePrefix>-unmapped-audit`. */
  readonly namePrefix: string;
  readonly logRetention: RetentionDays;
}

/**
 * The weekly unmapped-intent audit (seed 000 scenario 5's prevention): a house function that reads a week of
 * CloudWatch metric data, `Requests {Intent, Tier}` and `ModelCostMicroUsd {Tier}` of namespace MangaAssist (the
 * simplest real source: the gateway already publishes both, and metric data needs no log parsing; message text is
 * never logged in AWS), and reports the labels the routing map does not name as warn log lines and the
 * `AuditUnmappedLabels` metric the dashboard shows. It needs no table and no VPC: CloudWatch only.
 */
export class UnmappedAudit extends Construct {
  readonly fn: GatewayFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: UnmappedAuditProps) {
    super(scope, id);
    this.fn = new GatewayFunction(this, 'Function', {
      handlerName: 'unmappedAudit',
      description: 'MangaAssist weekly unmapped-intent audit',
      // A few hundred metric series summed: no model traffic, a small JSON job.
      memorySize: 256,
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      // A failed run is retried twice by Lambda; next week's run covers the rest.
      retryAttempts: 2,
      anyResourceReason:
        'cloudwatch:ListMetrics and cloudwatch:GetMetricData support no resource-level permissions (and no namespace condition), so they can only be granted on Resource "*"; they read metrics, nothing else.',
    });
    this.fn.addToRolePolicy(
      new PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
    );

    const scheduleName = `${props.namePrefix}-unmapped-audit`;
    const role = schedulerInvokeRole(this, {
      description: `EventBridge Scheduler: invokes the ${props.namePrefix} unmapped-intent audit`,
      schedulePattern: scheduleName,
      functions: [this.fn],
    });
    this.schedule = new Schedule(this, 'Weekly', {
      scheduleName,
      description: 'Unmapped-intent audit of the last 7 days, Monday 09:00 JST',
      schedule: ScheduleExpression.cron({ ...AUDIT_SCHEDULE, timeZone: SCHEDULE_TIME_ZONE }),
      target: new LambdaInvoke(this.fn, { role, input: ScheduleTargetInput.fromObject(AUDIT_PAYLOAD), retryAttempts: 2, maxEventAge: Duration.hours(1) }),
    });
  }
}
