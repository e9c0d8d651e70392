import type { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  type IAlarmAction,
  type IMetric,
  type TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { alarmName } from '../capacity-names';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '../handler-specs';

/**
 * One alarm of DESIGN section 6, as data: what it watches, when it fires, and the runbook an operator opens.
 * The description is written from these fields, so the threshold it states is the one the alarm uses.
 */
export interface RunbookAlarmRow {
  /** Kebab-case; the construct id and the alarm name suffix (`<namePrefix>-<id>`). */
  readonly id: string;
  /** The signal in words, e.g. "Bedrock InvocationThrottles of the sonnet tier (sum per minute)". */
  readonly signal: string;
  /** The runbook's file name under docs/runbooks, without `.md`. */
  readonly runbook: string;
  /** A Metric or a MathExpression; its period is the alarm's period. */
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Actions on entering ALARM besides the notification (RunbookAlarmsProps.notify), e.g. the scale-up invoke. */
  readonly alarmActions?: readonly IAlarmAction[];
}

const COMPARISON_SYMBOLS: Readonly<Record<ComparisonOperator, string>> = {
  [ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: '>=',
  [ComparisonOperator.GREATER_THAN_THRESHOLD]: '>',
  [ComparisonOperator.LESS_THAN_THRESHOLD]: '<',
  [ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD]: '<=',
  [ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD]: 'outside the band of',
  [ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD]: 'above the band of',
  [ComparisonOperator.LESS_THAN_LOWER_THRESHOLD]: 'below the band of',
};

/** `1 min`, `15 min`, `1 h`, `1 day`: how the descriptions name a period. */
export const formatPeriod = (seconds: number): string => {
  const minutes = seconds / 60;
  if (minutes >= 1440 && minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
};

/** The period of a Metric or a MathExpression, in seconds. */
export const periodSeconds = (metric: IMetric): number => {
  const config = metric.toMetricConfig();
  const seconds = config.metricStat?.period.toSeconds() ?? config.mathExpression?.period;
  if (seconds === undefined) throw new Error('a runbook alarm metric needs a period');
  return seconds;
};

/** The path an operator opens from the alarm. */
export const runbookPath = (runbook: string): string => `docs/runbooks/${runbook}.md`;

/** `<signal> <op> <threshold> for <m> of <n> periods of <period>. Runbook: docs/runbooks/<name>.md` */
export const describeRow = (row: RunbookAlarmRow): string => {
  const period = formatPeriod(periodSeconds(row.metric));
  const periods = row.evaluationPeriods === 1 ? `1 period of ${period}` : `${row.datapointsToAlarm} of ${row.evaluationPeriods} periods of ${period}`;
  return `${row.signal} ${COMPARISON_SYMBOLS[row.comparison]} ${row.threshold} for ${periods}. Runbook: ${runbookPath(row.runbook)}`;
};

export interface MangaAssistMetricOptions {
  readonly statistic: string;
  readonly period: Duration;
  /** Besides `service`, which Powertools adds to every metric it publishes. */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly label?: string;
}

/**
 * A metric the Lambdas publish through Powertools (EMF, namespace MangaAssist). Powertools adds the dimension
 * `service` (POWERTOOLS_SERVICE_NAME) to every metric, so a metric "without dimensions" is the one with only
 * `service`, and one "per Tier" has `service` and `Tier`: an alarm without it would watch a series nobody writes.
 */
export const mangaAssistMetric = (metricName: string, options: MangaAssistMetricOptions): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    statistic: options.statistic,
    period: options.period,
    dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, ...options.dimensions },
    ...(options.label !== undefined && { label: options.label }),
  });

export interface RunbookAlarmsProps {
  /** Alarm names are `<namePrefix>-<row id>` (capacity-names.ts alarmName). */
  readonly namePrefix: string;
  readonly rows: readonly RunbookAlarmRow[];
  /**
   * The notification of every row (the alarm topic, lib/constructs/alarm-topic.ts), on ALARM and on OK: the
   * operator paged by a breach learns from the same channel that it has cleared.
   */
  readonly notify?: IAlarmAction;
}

/** The one alarm helper: each row becomes a named CloudWatch alarm whose description names its runbook. */
export class RunbookAlarms extends Construct {
  readonly alarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: RunbookAlarmsProps) {
    super(scope, id);
    const alarms: Record<string, Alarm> = {};
    for (const row of props.rows) {
      if (alarms[row.id]) throw new Error(`runbook alarm "${row.id}" is defined twice`);
      const alarm = new Alarm(this, row.id, {
        alarmName: alarmName(props.namePrefix, row.id),
        alarmDescription: describeRow(row),
        metric: row.metric,
        threshold: row.threshold,
        comparisonOperator: row.comparison,
        evaluationPeriods: row.evaluationPeriods,
        datapointsToAlarm: row.datapointsToAlarm,
        treatMissingData: row.treatMissingData,
      });
      if (props.notify) {
        alarm.addAlarmAction(props.notify);
        alarm.addOkAction(props.notify);
      }
      if (row.alarmActions) alarm.addAlarmAction(...row.alarmActions);
      alarms[row.id] = alarm;
    }
    this.alarms = alarms;
  }
}
