import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ModelCatalog } from '../lambdas/core/catalog';
import type { ModelTier } from '../lambdas/core/vocabulary';
import { mangaAssistMetric, type RunbookAlarmRow } from './constructs/runbook-alarms';
import { MODEL_TIERS } from './parameters';

/**
 * The rows of DESIGN section 6 that the capacity feature owns, as data for the one alarm helper (RunbookAlarms).
 * Metric names and dimensions are the contract the Lambdas publish (Powertools EMF, namespace MangaAssist, plus
 * the `service` dimension Powertools adds); thresholds are the seeds'. Each row names its runbook file.
 */

const MINUTE = Duration.minutes(1);

/** The serving side (gateway stack): what the invoke path publishes, and Bedrock's own throttles. */
export interface ServingAlarmInputs {
  /** Throttles are read per tier on the model id the tier calls on demand. */
  readonly catalog: ModelCatalog;
}

export const servingAlarmRows = ({ catalog }: ServingAlarmInputs): RunbookAlarmRow[] => [
  ...MODEL_TIERS.map(
    (tier): RunbookAlarmRow => ({
      id: `bedrock-throttles-${tier}`,
      signal: `AWS/Bedrock InvocationThrottles of the ${tier} tier (ModelId ${catalog[tier].modelId}, sum per minute)`,
      runbook: 'bedrock-throttles',
      metric: new Metric({
        namespace: 'AWS/Bedrock',
        metricName: 'InvocationThrottles',
        dimensionsMap: { ModelId: catalog[tier].modelId },
        statistic: 'Sum',
        period: MINUTE,
      }),
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ),
  // Throttles of provisioned throughput: its ARN exists only at runtime, so AWS/Bedrock's per-ModelId metric cannot
  // be named here; the invoke path's own count is.
  ...MODEL_TIERS.map(
    (tier): RunbookAlarmRow => ({
      id: `provisioned-throttles-${tier}`,
      signal: `ModelThrottles of the ${tier} tier on provisioned throughput (Target provisioned, sum per minute)`,
      runbook: 'bedrock-throttles',
      metric: mangaAssistMetric('ModelThrottles', { statistic: 'Sum', period: MINUTE, dimensions: { Tier: tier, Target: 'provisioned' } }),
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ),
  {
    id: 'queue-wait',
    signal: 'QueueWaitMs p99 (wait before a model call, ms)',
    runbook: 'queue-wait',
    metric: mangaAssistMetric('QueueWaitMs', { statistic: 'p99', period: MINUTE }),
    threshold: 300,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'token-plan-exceeded',
    signal: "TokenPlanExceeded (requests over their intent's planned tokens, sum)",
    runbook: 'token-plan',
    metric: mangaAssistMetric('TokenPlanExceeded', { statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
];

/** The capacity side (capacity stack). */
export interface CapacityAlarmInputs {
  readonly reconcile: IFunction;
  readonly health: IFunction;
  readonly deadLetters: IQueue;
  /** What a tier's utilisation alarm does on ALARM: invoke the reconciler (scale-up); none while disabled. */
  readonly scaleUpActions: readonly IAlarmAction[];
}

/** Used tokens per second over provisioned tokens per second, per minute. */
const utilisation = (tier: ModelTier): MathExpression =>
  new MathExpression({
    expression: '(tokens / 60) / capacity',
    usingMetrics: {
      tokens: mangaAssistMetric('ProvisionedTokens', { statistic: 'Sum', period: MINUTE, dimensions: { Tier: tier } }),
      capacity: mangaAssistMetric('ProvisionedCapacityTps', { statistic: 'Maximum', period: MINUTE, dimensions: { Tier: tier } }),
    },
    period: MINUTE,
    label: `provisioned utilisation ${tier}`,
  });

/** 1 - used / provisioned over an hour; an hour without provisioned tokens counts as nothing used. */
const wasteRatio = (tier: ModelTier): MathExpression =>
  new MathExpression({
    expression: '1 - (FILL(tokens, 0) / 3600) / capacity',
    usingMetrics: {
      tokens: mangaAssistMetric('ProvisionedTokens', { statistic: 'Sum', period: Duration.hours(1), dimensions: { Tier: tier } }),
      capacity: mangaAssistMetric('ProvisionedCapacityTps', { statistic: 'Average', period: Duration.hours(1), dimensions: { Tier: tier } }),
    },
    period: Duration.hours(1),
    label: `waste ratio ${tier}`,
  });

const FIVE_MINUTES = Duration.minutes(5);

export const capacityAlarmRows = (inputs: CapacityAlarmInputs): RunbookAlarmRow[] => [
  ...MODEL_TIERS.flatMap((tier): RunbookAlarmRow[] => [
    {
      // The name the reconcile handler reads the tier from (capacity-names.ts provisionedUtilisationAlarmName).
      id: `provisioned-utilisation-${tier}`,
      signal: `Provisioned utilisation of the ${tier} tier ((ProvisionedTokens sum / 60) / ProvisionedCapacityTps max, ratio)`,
      runbook: 'provisioned-utilisation',
      metric: utilisation(tier),
      threshold: 0.8,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmActions: inputs.scaleUpActions,
    },
    {
      id: `waste-ratio-${tier}`,
      signal: `Waste ratio of the ${tier} tier (1 - (ProvisionedTokens sum / 3600) / ProvisionedCapacityTps average)`,
      runbook: 'waste-ratio',
      metric: wasteRatio(tier),
      threshold: 0.5,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
    {
      id: `capacity-mismatch-${tier}`,
      signal: `CapacityMismatch of the ${tier} tier (units off the plan after the lead time, max)`,
      runbook: 'capacity-mismatch',
      metric: mangaAssistMetric('CapacityMismatch', { statistic: 'Maximum', period: Duration.minutes(15), dimensions: { Tier: tier } }),
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
  ]),
  {
    id: 'scheduler-errors',
    signal: 'SchedulerErrors (failed control-plane or state calls of the capacity functions, AccessDenied included, sum)',
    runbook: 'scheduler-errors',
    metric: mangaAssistMetric('SchedulerErrors', { statistic: 'Sum', period: FIVE_MINUTES }),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  // Seed 003 scenario 4: a failure the function itself never counts (init error, timeout, out of memory).
  ...(
    [
      ['capacity-reconcile-errors', 'reconcile', inputs.reconcile],
      ['capacity-health-errors', 'health', inputs.health],
    ] as const
  ).map(
    ([id, name, fn]): RunbookAlarmRow => ({
      id,
      signal: `AWS/Lambda Errors of the capacity ${name} function (sum)`,
      runbook: 'scheduler-errors',
      metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: 0,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ),
  {
    id: 'capacity-dead-letters',
    signal: 'Capacity runs in the dead-letter queue (never delivered, or failed after every retry; visible messages, max)',
    runbook: 'scheduler-errors',
    metric: inputs.deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    // Published by the health check every run (0 or 1) and by invoke while it is on: 8 quarter hours = 2 h.
    id: 'mitigation-mode',
    signal: 'MitigationMode (throttle mitigation on, max; informational: mitigation should not linger)',
    runbook: 'mitigation-mode',
    metric: mangaAssistMetric('MitigationMode', { statistic: 'Maximum', period: Duration.minutes(15) }),
    threshold: 1,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 8,
    datapointsToAlarm: 8,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
];
