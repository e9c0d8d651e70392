import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { BUDGET_MODES } from '../lambdas/core/budget/guardian';
import type { ModelCatalog } from '../lambdas/core/catalog';
import { EXPERIMENT_METRICS, FALLBACK_REPLY_CODES, FEEDBACK_METRICS, OPERATIONS_METRICS } from '../lambdas/core/metric-contract';
import { INTENTS, TIERS, type Intent, type ModelTier, type Tier } from '../lambdas/core/vocabulary';
import { mangaAssistMetric, type RunbookAlarmRow } from './constructs/runbook-alarms';
import { MODEL_TIERS } from './parameters';

/**
 * The rows of DESIGN section 6 that the capacity feature owns, as data for the one alarm helper (RunbookAlarms).
 * Metric names and dimensions are the contract the Lambdas publish (Powertools EMF, namespace MangaAssist, plus
 * the `service` dimension Powertools adds); thresholds are the seeds'. Each row names its runbook file.
 */

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** The serving side (gateway stack): what the invoke path publishes, and Bedrock's own throttles. */
export interface ServingAlarmInputs {
  /** Throttles are read per tier on the model id the tier calls on demand. */
  readonly catalog: ModelCatalog;
  /** The budget and cost rows' thresholds. */
  readonly budget: BudgetAlarmInputs;
}

export const servingAlarmRows = ({ catalog, budget }: ServingAlarmInputs): RunbookAlarmRow[] => [
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
  ...budgetAlarmRows(budget),
  ...operationsAlarmRows(),
];

/** The experiment evaluator (issue 12), on the gateway stack with the function. */
export interface ExperimentAlarmInputs {
  /** Its AWS/Lambda Errors: a run that failed as a whole (init, timeout, a throw) counts nothing itself. */
  readonly evaluator: IFunction;
}

/** The evaluator runs every 15 minutes: one period is one run. */
const EVALUATOR_PERIOD = Duration.minutes(15);

/**
 * Failures of the evaluator per 15 min: `ExperimentEvaluatorErrors` (one experiment or one rollback check failed and
 * was skipped, the rest of the run went on) plus the function's AWS/Lambda Errors (the run failed as a whole: the
 * experiments table unreadable, a bad EXPERIMENTS_CONFIG at init, a timeout), which the first never counts.
 */
export const evaluatorFailures = (evaluator: IFunction): MathExpression =>
  new MathExpression({
    expression: 'FILL(skipped, 0) + FILL(crashed, 0)',
    usingMetrics: {
      skipped: mangaAssistMetric(EXPERIMENT_METRICS.evaluatorErrors, { statistic: 'Sum', period: EVALUATOR_PERIOD }),
      crashed: evaluator.metricErrors({ statistic: 'Sum', period: EVALUATOR_PERIOD }),
    },
    period: EVALUATOR_PERIOD,
    label: 'evaluator failures',
  });

/**
 * Issue 12, beyond DESIGN's table (lib/design-alarms.ts EXTRA_ALARMS):
 * - routing-rollbacks: the evaluator rolled an intent back (a version reverted, or a treatment arm switched off)
 *   because its satisfaction dropped beyond the threshold within the window of a change. One a quarter hour pages:
 *   automation has already acted, a person confirms why and decides what next;
 * - routing-rollbacks-blocked: the same drop on a locked intent, which automation may not move: nothing has been
 *   done, a person must decide (published every run while the change is in force and in the window);
 * - experiment-evaluator-errors: a run that failed, whole or in part. While it fails, experiments neither advance
 *   nor stop and no change is watched for a drop: the safety net of every routing change is off;
 * - experiment-evaluator-idle: the same with nothing failing, because nothing runs (the schedule disabled or gone).
 */
export const experimentAlarmRows = ({ evaluator }: ExperimentAlarmInputs): RunbookAlarmRow[] => [
  {
    id: 'routing-rollbacks',
    signal: 'RoutingRollbacks (automatic rollbacks of a routing change or an experiment arm by the evaluator, sum per 15 min)',
    runbook: 'routing-rollbacks',
    metric: mangaAssistMetric(EXPERIMENT_METRICS.rollbacks, { statistic: 'Sum', period: EVALUATOR_PERIOD }),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'routing-rollbacks-blocked',
    signal: 'RoutingRollbacksBlocked (a locked intent dropped beyond the rollback rule after a change; automation may not revert it, sum per 15 min)',
    runbook: 'routing-rollbacks',
    metric: mangaAssistMetric(EXPERIMENT_METRICS.rollbacksBlocked, { statistic: 'Sum', period: EVALUATOR_PERIOD }),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    // Silent is worse than failing: a disabled or deleted schedule counts no error anywhere. Missing data breaches;
    // 2 of 2 quarter hours, so one run that slips across a period boundary (two runs in the next) does not page.
    id: 'experiment-evaluator-idle',
    signal: 'AWS/Lambda Invocations of the experiment evaluator (the 15-minute schedule ran it; missing data counts as none, sum per 15 min)',
    runbook: 'experiment-evaluator-errors',
    metric: evaluator.metricInvocations({ statistic: 'Sum', period: EVALUATOR_PERIOD }),
    threshold: 1,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.BREACHING,
  },
  {
    id: 'experiment-evaluator-errors',
    signal: 'Experiment evaluator failures (ExperimentEvaluatorErrors + AWS/Lambda Errors of the evaluator function, sum per 15 min)',
    runbook: 'experiment-evaluator-errors',
    metric: evaluatorFailures(evaluator),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
];

/**
 * The metrics the budget rows read (namespace MangaAssist, Powertools' `service` dimension plus the ones named): the
 * contract with the invoke path (issue 7, DESIGN section 6).
 */
export const BUDGET_METRICS = {
  /** (spent + reserved) / the day's budget (base + event pool, or the override), a ratio: 0.6 = 60%. No other dimension. */
  utilisation: 'BudgetUtilisation',
  /** The guardian's mode as its index in BUDGET_MODES: 0 normal, 1 conserve, 2 emergency, 3 exhausted. No other dimension. */
  mode: 'BudgetMode',
  /** Projected end-of-day spend of the JST day from the burn rate so far, USD. No other dimension. */
  projectedSpend: 'ProjectedSpendUsd',
  /**
   * Cost of each strong-tier (sonnet) model call in micro-USD, no other dimension (lambdas/app/answer/charge.ts; the
   * same figure as ModelCostMicroUsd of Tier sonnet). Micro-USD counts, so a day's sum stays exact.
   */
  strongTierCost: 'StrongTierCostMicroUsd',
  /**
   * End-to-end latency of each answered request, per `Tier` that answered (lambdas/app/answer/reply.ts): one sample
   * per `done` frame, so its SampleCount per tier is the requests each tier answered. (`Requests` carries `Intent`
   * and `Tier` together, and CloudWatch does not add up the per-intent series for an alarm.)
   */
  requestLatency: 'RequestLatency',
} as const;

/** The strong (most expensive) tier the share and cost rows watch. */
export const STRONG_TIER: ModelTier = 'sonnet';

/** What the budget rows take from the deploy parameters. */
export interface BudgetAlarmInputs {
  /** The budget of an ordinary JST day, USD (dailyBudgetUsd). */
  readonly dailyBudgetUsd: number;
  /** The expected strong-tier cost of an ordinary day, USD (strongTierDailyProjectionUsd, default 60% of the budget). */
  readonly strongTierDailyProjectionUsd: number;
}

/**
 * JST is UTC+9 all year (no daylight saving). The JST day, which the budget resets on, starts at 15:00 UTC, and noon
 * JST is 03:00 UTC: "before noon JST" is 15:00-24:00 UTC of the previous UTC day plus 00:00-03:00 UTC.
 */
export const JST_MIDNIGHT_UTC_HOUR = 15;
export const JST_NOON_UTC_HOUR = 3;

/** Seed 000 scenario 3: the early warning (> 60% before noon JST) and the page (> 95%). */
export const BUDGET_MORNING_UTILISATION = 0.6;
export const BUDGET_HIGH_UTILISATION = 0.95;
/** DESIGN section 6 "strong-tier share": sonnet above 20% of answered requests. */
export const STRONG_TIER_SHARE_THRESHOLD = 0.2;
/** Below this many requests in 15 min (a quiet night) the share is noise and reads 0: 1 of 3 is not "33% on sonnet". */
export const STRONG_TIER_SHARE_MIN_REQUESTS = 100;
/** Seed 000 scenario 2: the strong tier's daily cost above 115% of its projection, for 3 consecutive days. */
export const STRONG_TIER_COST_RATIO = 1.15;
export const STRONG_TIER_COST_DAYS = 3;
/** DESIGN section 6 "daily spend anomaly": the day's spend heading for more than twice its forecast. */
export const SPEND_ANOMALY_RATIO = 2;

const budgetMetric = (metricName: string, statistic: string, period: Duration, dimensions?: Readonly<Record<string, string>>) =>
  mangaAssistMetric(metricName, { statistic, period, ...(dimensions && { dimensions }) });

/**
 * Utilisation before noon JST, 0 after it. CloudWatch metric math's HOUR(m) gives, for each datapoint of m, the
 * hour of its timestamp (0-23, UTC; one of the date functions MINUTE/HOUR/DAY/DATE/MONTH added to metric math in
 * June 2021: "Enhance CloudWatch metrics with metric math functions", AWS Cloud Operations blog, and the function
 * table of "Metric math syntax and functions" in the CloudWatch user guide). A 5-minute datapoint is stamped with its
 * start, so the last one counted is 02:55-03:00 UTC = 11:55-12:00 JST.
 */
const morningUtilisation = (): MathExpression =>
  new MathExpression({
    expression: `IF(HOUR(utilisation) >= ${JST_MIDNIGHT_UTC_HOUR} OR HOUR(utilisation) < ${JST_NOON_UTC_HOUR}, utilisation, 0)`,
    usingMetrics: { utilisation: budgetMetric(BUDGET_METRICS.utilisation, 'Maximum', FIVE_MINUTES) },
    period: FIVE_MINUTES,
    label: 'budget utilisation before noon JST',
  });

/** Sonnet's share of answered requests per 15 min, 0 while fewer than STRONG_TIER_SHARE_MIN_REQUESTS were answered. */
export const strongTierShare = (): MathExpression => {
  const period = Duration.minutes(15);
  const answered = Object.fromEntries(
    TIERS.map((tier) => [tier, budgetMetric(BUDGET_METRICS.requestLatency, 'SampleCount', period, { Tier: tier })]),
  ) as Record<Tier, Metric>;
  const total = new MathExpression({
    expression: TIERS.map((tier) => `FILL(${tier}, 0)`).join(' + '),
    usingMetrics: answered,
    period,
    label: 'answered requests, all tiers',
  });
  return new MathExpression({
    expression: `IF(total >= ${STRONG_TIER_SHARE_MIN_REQUESTS}, FILL(${STRONG_TIER}, 0) / total, 0)`,
    usingMetrics: { total, [STRONG_TIER]: answered[STRONG_TIER] },
    period,
    label: 'strong-tier share',
  });
};

/**
 * DESIGN section 6's budget and cost rows (issue 7), on the gateway stack. What each compares and why:
 * - utilisation before noon JST: the seed's early warning; an HOUR() filter, so the alarm returns to OK at noon JST
 *   by itself (the warning is about the morning burn rate, and > 95% covers the afternoon);
 * - mode != normal for > 2 h: 24 consecutive 5-minute maxima at conserve or worse (a quiet 5 minutes without a
 *   request restarts the count: missing data is not breaching);
 * - strong-tier daily cost: the sum of a CloudWatch day. CloudWatch days are UTC days (09:00-09:00 JST), not the
 *   budget's JST day, but each is a full 24 h of traffic, which is what a daily projection is about;
 * - spend anomaly: the guardian's own projected end-of-day spend against twice the ordinary day's budget. The
 *   "forecast" of a day is its budget (the guardian plans to spend up to it); this compares one published series
 *   with a fixed number, so it works on a day with no spend yet and cannot be fooled by a missing second series.
 *   A calendar event with a budget multiplier of 2 or more raises the day's budget but not this threshold: the
 *   runbook checks `budget status` for the event pool first.
 */
export const budgetAlarmRows = ({ dailyBudgetUsd, strongTierDailyProjectionUsd }: BudgetAlarmInputs): RunbookAlarmRow[] => [
  {
    id: 'budget-utilisation-morning',
    signal:
      `BudgetUtilisation before noon JST (max per 5 min of (spent + reserved) / the day's budget, ratio; counted ` +
      `00:00-12:00 JST, i.e. metric math HOUR() >= ${JST_MIDNIGHT_UTC_HOUR} or < ${JST_NOON_UTC_HOUR} UTC, and 0 after noon)`,
    runbook: 'budget-utilisation',
    metric: morningUtilisation(),
    threshold: BUDGET_MORNING_UTILISATION,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'budget-utilisation-high',
    signal: "BudgetUtilisation (max per 5 min of (spent + reserved) / the day's budget, ratio; the guardian's emergency)",
    runbook: 'budget-utilisation',
    metric: budgetMetric(BUDGET_METRICS.utilisation, 'Maximum', FIVE_MINUTES),
    threshold: BUDGET_HIGH_UTILISATION,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    // 24 x 5 min = 2 h (the seed's "!= normal for > 2 hours").
    id: 'budget-mode',
    signal: `BudgetMode (max per 5 min; ${BUDGET_MODES.map((mode, index) => `${index} ${mode}`).join(', ')}: not normal)`,
    runbook: 'budget-mode',
    metric: budgetMetric(BUDGET_METRICS.mode, 'Maximum', FIVE_MINUTES),
    threshold: BUDGET_MODES.indexOf('conserve'),
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 24,
    datapointsToAlarm: 24,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'strong-tier-share',
    signal:
      `Strong-tier share (answered requests of Tier ${STRONG_TIER} / of all tiers per 15 min, from RequestLatency ` +
      `SampleCount per Tier, ratio; 0 below ${STRONG_TIER_SHARE_MIN_REQUESTS} requests)`,
    runbook: 'strong-tier-share',
    metric: strongTierShare(),
    threshold: STRONG_TIER_SHARE_THRESHOLD,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'strong-tier-cost',
    signal:
      `StrongTierCostMicroUsd (cost of ${STRONG_TIER} calls, sum per UTC day, micro-USD; threshold = ` +
      `${Math.round(STRONG_TIER_COST_RATIO * 100)}% of the strong-tier projection of $${strongTierDailyProjectionUsd}/day)`,
    runbook: 'strong-tier-cost',
    metric: budgetMetric(BUDGET_METRICS.strongTierCost, 'Sum', Duration.days(1)),
    threshold: Math.round(strongTierDailyProjectionUsd * STRONG_TIER_COST_RATIO * 1e6),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: STRONG_TIER_COST_DAYS,
    datapointsToAlarm: STRONG_TIER_COST_DAYS,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'spend-anomaly',
    signal:
      `ProjectedSpendUsd (max per 5 min, projected end-of-day spend in USD; threshold = ${SPEND_ANOMALY_RATIO}x the ` +
      `daily budget of $${dailyBudgetUsd})`,
    runbook: 'spend-anomaly',
    metric: budgetMetric(BUDGET_METRICS.projectedSpend, 'Maximum', FIVE_MINUTES),
    threshold: dailyBudgetUsd * SPEND_ANOMALY_RATIO,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    // 15 minutes: one burst in an early-morning lull must not page; a real runaway holds.
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
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

/** Used tokens per second over provisioned tokens per second, per minute. `idSuffix`: unique metric ids in a graph of several. */
export const utilisation = (tier: ModelTier, idSuffix = ''): MathExpression =>
  new MathExpression({
    expression: `(tokens${idSuffix} / 60) / capacity${idSuffix}`,
    usingMetrics: {
      [`tokens${idSuffix}`]: mangaAssistMetric('ProvisionedTokens', { statistic: 'Sum', period: MINUTE, dimensions: { Tier: tier } }),
      [`capacity${idSuffix}`]: mangaAssistMetric('ProvisionedCapacityTps', { statistic: 'Maximum', period: MINUTE, dimensions: { Tier: tier } }),
    },
    period: MINUTE,
    label: `provisioned utilisation ${tier}`,
  });

/** 1 - used / provisioned over an hour; an hour without provisioned tokens counts as nothing used. */
export const wasteRatio = (tier: ModelTier, idSuffix = ''): MathExpression =>
  new MathExpression({
    expression: `1 - (FILL(tokens${idSuffix}, 0) / 3600) / capacity${idSuffix}`,
    usingMetrics: {
      [`tokens${idSuffix}`]: mangaAssistMetric('ProvisionedTokens', { statistic: 'Sum', period: Duration.hours(1), dimensions: { Tier: tier } }),
      [`capacity${idSuffix}`]: mangaAssistMetric('ProvisionedCapacityTps', { statistic: 'Average', period: Duration.hours(1), dimensions: { Tier: tier } }),
    },
    period: Duration.hours(1),
    label: `waste ratio ${tier}`,
  });

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

/** DESIGN section 6 "intent satisfaction": thumbs-up share per intent below 80% over 15 min (seed 000 scenarios 1, 4). */
export const SATISFACTION_THRESHOLD = 0.8;
/** Fewer ratings of an intent in 15 min than this and its share is noise (1 down of 3 is not "67% satisfied"): reads 1. */
export const SATISFACTION_MIN_RATINGS = 20;
/** DESIGN section 6 "CSAT": the 24 h score below 3.8 (baseline 4.2, seed 000 scenario 4). */
export const CSAT_THRESHOLD = 3.8;
/** Fewer CSAT scores in 24 h than this and the average is not the customers' verdict: reads 5. */
export const CSAT_MIN_SCORES = 50;
/** DESIGN section 6 "request latency": end-to-end p99 above 3 s (the product target, DESIGN section 1). */
export const REQUEST_LATENCY_P99_MS = 3000;
/** DESIGN section 6 "fallback replies": above 0.1% of chat replies (seed 003: < 0.1% is normal, 12% was the incident). */
export const FALLBACK_SHARE_THRESHOLD = 0.001;
/**
 * Below this many replies in 5 min the share is not a rate: at 0.1% a single error among fewer than 1,000 replies
 * would page. Quiet hours are covered by the throttle and latency alarms.
 */
export const FALLBACK_SHARE_MIN_REPLIES = 1000;

const FIFTEEN_MINUTES = Duration.minutes(15);

/**
 * Thumbs-up share of one intent per 15 min, 1 while it has fewer than SATISFACTION_MIN_RATINGS ratings.
 *
 * One alarm per intent of the vocabulary, not one expression over all of them: an alarm's metric math may read at
 * most 10 metrics and SEARCH is not allowed in alarms, so "every intent" in one alarm would need 2 x 21 series; and
 * an alarm per intent names the intent that regressed (seed 000 scenario 4: "the team cannot pinpoint which intent
 * degraded"), where one alarm over the minimum would not. Each reads the `Feedback {Intent, Rating}` series the
 * feedback action publishes (lambdas/core/metric-contract.ts feedbackMetricRecords): 2 metrics per alarm.
 */
export const intentSatisfaction = (intent: Intent, idSuffix = ''): MathExpression => {
  const rating = (value: 'up' | 'down'): Metric =>
    budgetMetric(FEEDBACK_METRICS.feedback, 'Sum', FIFTEEN_MINUTES, { Intent: intent, Rating: value });
  const [up, down] = [`up${idSuffix}`, `down${idSuffix}`];
  return new MathExpression({
    expression: `IF((FILL(${up}, 0) + FILL(${down}, 0)) >= ${SATISFACTION_MIN_RATINGS}, FILL(${up}, 0) / (FILL(${up}, 0) + FILL(${down}, 0)), 1)`,
    usingMetrics: { [up]: rating('up'), [down]: rating('down') },
    period: FIFTEEN_MINUTES,
    label: `satisfaction ${intent}`,
  });
};

/** The 24 h CSAT (average 1-5 score), 5 while fewer than CSAT_MIN_SCORES scores were given. */
export const csat24h = (): MathExpression => {
  const day = Duration.days(1);
  return new MathExpression({
    expression: `IF(FILL(scores, 0) >= ${CSAT_MIN_SCORES}, score, 5)`,
    usingMetrics: {
      score: budgetMetric(FEEDBACK_METRICS.csat, 'Average', day),
      scores: budgetMetric(FEEDBACK_METRICS.csat, 'SampleCount', day),
    },
    period: day,
    label: 'CSAT 24 h',
  });
};

/**
 * Fallback replies over all chat replies per 5 min: `ErrorReplies` of the FALLBACK_REPLY_CODES (one series per
 * Code: no SEARCH in alarms) over those plus the answers (`RequestLatency` SampleCount per Tier); 9 metrics, within
 * the alarm limit of 10. 0 below FALLBACK_SHARE_MIN_REPLIES replies.
 */
export const fallbackShare = (): MathExpression => {
  const failures = Object.fromEntries(
    FALLBACK_REPLY_CODES.map((code) => [code, budgetMetric(OPERATIONS_METRICS.errorReplies, 'Sum', FIVE_MINUTES, { Code: code })]),
  );
  const answers = Object.fromEntries(
    TIERS.map((tier) => [`answered_${tier}`, budgetMetric(OPERATIONS_METRICS.requestLatency, 'SampleCount', FIVE_MINUTES, { Tier: tier })]),
  );
  const failed = new MathExpression({
    expression: FALLBACK_REPLY_CODES.map((code) => `FILL(${code}, 0)`).join(' + '),
    usingMetrics: failures,
    period: FIVE_MINUTES,
    label: 'fallback replies',
  });
  const answered = new MathExpression({
    expression: TIERS.map((tier) => `FILL(answered_${tier}, 0)`).join(' + '),
    usingMetrics: answers,
    period: FIVE_MINUTES,
    label: 'answered requests',
  });
  return new MathExpression({
    expression: `IF(failed + answered >= ${FALLBACK_SHARE_MIN_REPLIES}, failed / (failed + answered), 0)`,
    usingMetrics: { failed, answered },
    period: FIVE_MINUTES,
    label: 'fallback reply share',
  });
};

/**
 * DESIGN section 6's quality and operations rows (issue 10), on the gateway stack:
 * - intent satisfaction: one alarm per intent (intentSatisfaction above says why);
 * - CSAT: the average score of a CloudWatch day;
 * - unmapped intents: any `unknown` routing decision in a day. The threshold is the seeds' "> 0"; some `unknown`
 *   traffic is normal, so a shorter period would flap between ALARM and OK (each a notification) every quiet hour.
 *   A day makes it a standing ticket: the runbook reads volume and cost with `audit unmapped` before acting;
 * - request latency: p99 per Tier. Percentiles of separate series cannot be combined by metric math, and one per
 *   tier loses nothing: if more than 1% of all requests take over 3 s, more than 1% of some tier's do, so that
 *   tier's p99 is over 3 s too (and the alarm names the tier);
 * - fallback replies: fallbackShare above.
 */
export const operationsAlarmRows = (): RunbookAlarmRow[] => [
  ...INTENTS.map(
    (intent): RunbookAlarmRow => ({
      id: `intent-satisfaction-${intent}`,
      signal:
        `Satisfaction of intent ${intent} (thumbs-up share: Feedback Rating up / (up + down) per 15 min, Intent ${intent}; ` +
        `1 below ${SATISFACTION_MIN_RATINGS} ratings)`,
      runbook: 'intent-satisfaction',
      metric: intentSatisfaction(intent),
      threshold: SATISFACTION_THRESHOLD,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ),
  {
    id: 'csat',
    signal: `CSAT (average Csat score 1-5 per day; baseline 4.2; 5 below ${CSAT_MIN_SCORES} scores)`,
    runbook: 'csat',
    metric: csat24h(),
    threshold: CSAT_THRESHOLD,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  {
    id: 'unmapped-intents',
    signal: 'UnmappedIntents (routing decisions with intent unknown, the catch-all row, sum per day)',
    runbook: 'unmapped-intents',
    metric: budgetMetric(OPERATIONS_METRICS.unmappedIntents, 'Sum', Duration.days(1)),
    threshold: 0,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  ...TIERS.map(
    (tier): RunbookAlarmRow => ({
      id: `request-latency-${tier}`,
      signal: `RequestLatency p99 of answers on the ${tier} tier (end-to-end ms, receipt to done frame)`,
      runbook: 'request-latency',
      metric: budgetMetric(OPERATIONS_METRICS.requestLatency, 'p99', FIVE_MINUTES, { Tier: tier }),
      threshold: REQUEST_LATENCY_P99_MS,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // 10 minutes: one slow burst (a cold start wave) does not page, a slow model does.
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ),
  {
    id: 'fallback-replies',
    signal:
      `Fallback reply share (ErrorReplies of ${FALLBACK_REPLY_CODES.join(', ')} / (those + answers from RequestLatency ` +
      `SampleCount per Tier) per 5 min, ratio; 0 below ${FALLBACK_SHARE_MIN_REPLIES} replies)`,
    runbook: 'fallback-replies',
    metric: fallbackShare(),
    threshold: FALLBACK_SHARE_THRESHOLD,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
];
