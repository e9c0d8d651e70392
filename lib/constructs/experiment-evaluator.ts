import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { schedulerInvokeRole } from '../scheduler-role';
import { EVALUATOR_PERIOD_MINUTES } from '../../lambdas/app/experiments/evaluate';
import { ENV } from '../../lambdas/runtime/env-names';
import { GatewayFunction } from './gateway-function';
import { grantTable } from './tables';

/** The payload the handler parses (lambdas/handlers/experiment-evaluator.ts). */
export const EVALUATOR_PAYLOAD = { kind: 'scheduled' } as const;

export interface ExperimentEvaluatorProps {
  /** The schedule is `<namePrefix>-experiment-evaluator`. */
  readonly namePrefix: string;
  readonly logRetention: RetentionDays;
  readonly tables: { readonly experiments: ITable; readonly routingVersions: ITable; readonly routingConfig: ITable };
  /** JSON of the experiments' configuration over the defaults (EXPERIMENTS_CONFIG); absent, the defaults. */
  readonly configJson?: string;
}

/**
 * The experiment evaluator (issue 12): a house function that EventBridge Scheduler runs every 15 minutes to hold,
 * advance, promote or stop each running experiment and roll back recent routing changes whose intent's satisfaction
 * dropped. Least privilege: the Experiments table Get/Query/Put/Update (experiments, counters, records), RoutingVersions
 * read and Put (a promotion or a revert is a conditional put of the next version; never an update or a delete),
 * RoutingConfig read (version 0 before any commit). No VPC, no Bedrock: DynamoDB only.
 */
export class ExperimentEvaluator extends Construct {
  readonly fn: GatewayFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ExperimentEvaluatorProps) {
    super(scope, id);
    this.fn = new GatewayFunction(this, 'Function', {
      handlerName: 'experimentEvaluator',
      description: 'MangaAssist experiment evaluator: promote, hold, stop, roll back',
      // A handful of experiments, a few reads each: JSON work only.
      memorySize: 256,
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      environment: {
        [ENV.experimentsTable]: props.tables.experiments.tableName,
        [ENV.routingVersionsTable]: props.tables.routingVersions.tableName,
        [ENV.routingTable]: props.tables.routingConfig.tableName,
        ...(props.configJson !== undefined && { [ENV.experimentsConfig]: props.configJson }),
      },
      // The next run, 15 minutes later, does what a failed one left; every write is conditional, so a retry is safe.
      retryAttempts: 2,
    });
    // Experiments: reads, Query of a partition, conditional puts and counter updates; never a Scan or a delete.
    props.tables.experiments.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    grantTable(props.tables.routingVersions, 'getQuery', this.fn);
    props.tables.routingVersions.grant(this.fn, 'dynamodb:PutItem');
    grantTable(props.tables.routingConfig, 'read', this.fn);

    const scheduleName = `${props.namePrefix}-experiment-evaluator`;
    const role = schedulerInvokeRole(this, {
      description: `EventBridge Scheduler: invokes the ${props.namePrefix} experiment evaluator`,
      schedulePattern: scheduleName,
      functions: [this.fn],
    });
    this.schedule = new Schedule(this, 'Every15Minutes', {
      scheduleName,
      description: `Experiment evaluator every ${EVALUATOR_PERIOD_MINUTES} minutes`,
      schedule: ScheduleExpression.rate(Duration.minutes(EVALUATOR_PERIOD_MINUTES)),
      // A run older than one period is superseded by the next: never queue them up.
      target: new LambdaInvoke(this.fn, { role, input: ScheduleTargetInput.fromObject(EVALUATOR_PAYLOAD), retryAttempts: 2, maxEventAge: Duration.minutes(EVALUATOR_PERIOD_MINUTES) }),
    });
  }
}
