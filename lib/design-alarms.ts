import { INTENTS, TIERS } from '../lambdas/core/vocabulary';
import { MODEL_TIERS } from './parameters';

/**
 * DESIGN section 6's alarm table, row by row, and the runbook alarms (lib/runbook-alarm-rows.ts) that implement each:
 * the test test/infra/design-alarms.test.ts keeps the two in step (the DESIGN text verbatim, every alarm id present
 * with the row's runbook and threshold). A change to DESIGN's table fails that test until this table, the rows and
 * the runbook follow.
 */
export interface DesignAlarm {
  /** The `alarm` column of DESIGN section 6, verbatim. */
  readonly design: string;
  /** The `threshold (seeds)` column, verbatim. */
  readonly designThreshold: string;
  /** The runbook file (docs/runbooks/<runbook>.md) every alarm of the row names. */
  readonly runbook: string;
  /** The RunbookAlarmRow ids (alarm names without the `<namePrefix>-`) and the threshold each alarms on. */
  readonly alarms: Readonly<Record<string, number>>;
  /** Which stack carries them. */
  readonly stack: 'gateway' | 'capacity';
}

const each = <T extends string>(values: readonly T[], id: (value: T) => string, threshold: number): Record<string, number> =>
  Object.fromEntries(values.map((value) => [id(value), threshold]));

/** What the default deploy parameters give (dailyBudgetUsd 2500, strong-tier projection 60% of it). */
export const designAlarms = (budget: { readonly dailyBudgetUsd: number; readonly strongTierDailyProjectionUsd: number }): readonly DesignAlarm[] => [
  {
    design: 'intent satisfaction',
    designThreshold: '< 80% for 15 min',
    runbook: 'intent-satisfaction',
    alarms: each(INTENTS, (intent) => `intent-satisfaction-${intent}`, 0.8),
    stack: 'gateway',
  },
  { design: 'CSAT', designThreshold: '< 3.8 (baseline 4.2)', runbook: 'csat', alarms: { csat: 3.8 }, stack: 'gateway' },
  {
    design: 'strong-tier daily cost',
    designThreshold: '> 115% of projection',
    runbook: 'strong-tier-cost',
    alarms: { 'strong-tier-cost': Math.round(budget.strongTierDailyProjectionUsd * 1.15 * 1e6) },
    stack: 'gateway',
  },
  { design: 'strong-tier share', designThreshold: '> 20%', runbook: 'strong-tier-share', alarms: { 'strong-tier-share': 0.2 }, stack: 'gateway' },
  {
    design: 'budget utilisation',
    designThreshold: '> 60% before noon JST; > 95%',
    runbook: 'budget-utilisation',
    alarms: { 'budget-utilisation-morning': 0.6, 'budget-utilisation-high': 0.95 },
    stack: 'gateway',
  },
  // BudgetMode 1 = conserve: any mode but normal.
  { design: 'budget mode', designThreshold: 'for > 2 h', runbook: 'budget-mode', alarms: { 'budget-mode': 1 }, stack: 'gateway' },
  { design: 'unmapped intents', designThreshold: '> 0', runbook: 'unmapped-intents', alarms: { 'unmapped-intents': 0 }, stack: 'gateway' },
  {
    design: 'Bedrock throttles',
    designThreshold: '> 0 for 1 period',
    runbook: 'bedrock-throttles',
    alarms: { ...each(MODEL_TIERS, (tier) => `bedrock-throttles-${tier}`, 0), ...each(MODEL_TIERS, (tier) => `provisioned-throttles-${tier}`, 0) },
    stack: 'gateway',
  },
  {
    design: 'request latency',
    designThreshold: '> 3,000 ms',
    runbook: 'request-latency',
    alarms: each(TIERS, (tier) => `request-latency-${tier}`, 3000),
    stack: 'gateway',
  },
  { design: 'fallback replies', designThreshold: '> 0.1%', runbook: 'fallback-replies', alarms: { 'fallback-replies': 0.001 }, stack: 'gateway' },
  {
    design: 'waste ratio',
    designThreshold: '> 50% for 2 h',
    runbook: 'waste-ratio',
    alarms: each(MODEL_TIERS, (tier) => `waste-ratio-${tier}`, 0.5),
    stack: 'capacity',
  },
  {
    design: 'provisioned utilisation',
    designThreshold: '> 80% for 2 min (scale up)',
    runbook: 'provisioned-utilisation',
    alarms: each(MODEL_TIERS, (tier) => `provisioned-utilisation-${tier}`, 0.8),
    stack: 'capacity',
  },
  {
    design: 'capacity mismatch',
    designThreshold: 'any mismatch after lead time',
    runbook: 'capacity-mismatch',
    alarms: each(MODEL_TIERS, (tier) => `capacity-mismatch-${tier}`, 0),
    stack: 'capacity',
  },
  {
    design: 'scheduler errors',
    designThreshold: '> 0',
    runbook: 'scheduler-errors',
    alarms: { 'scheduler-errors': 0, 'capacity-reconcile-errors': 0, 'capacity-health-errors': 0, 'capacity-dead-letters': 0 },
    stack: 'capacity',
  },
  { design: 'queue wait', designThreshold: '> 300 ms', runbook: 'queue-wait', alarms: { 'queue-wait': 300 }, stack: 'gateway' },
  {
    design: 'token budget per intent',
    designThreshold: 'exceeded',
    runbook: 'token-plan',
    alarms: { 'token-plan-exceeded': 0 },
    stack: 'gateway',
  },
  {
    design: 'daily spend anomaly',
    designThreshold: '> 2x',
    runbook: 'spend-anomaly',
    alarms: { 'spend-anomaly': budget.dailyBudgetUsd * 2 },
    stack: 'gateway',
  },
];

/** An alarm beyond DESIGN's table: why it exists, and its runbook (docs/runbooks/<runbook>.md). */
export interface ExtraAlarm {
  readonly why: string;
  readonly runbook: string;
}

/** Alarms beyond DESIGN's table, by RunbookAlarmRow id. */
export const EXTRA_ALARMS: Readonly<Record<string, ExtraAlarm>> = {
  'mitigation-mode': { why: 'informational: throttle mitigation left on for 2 h (seed 003 scenario 1 aftermath)', runbook: 'mitigation-mode' },
  'routing-rollbacks': { why: 'issue 12: the experiment evaluator reverted a routing change or switched off an arm on a satisfaction drop', runbook: 'routing-rollbacks' },
  'routing-rollbacks-blocked': { why: 'issue 12: a locked intent dropped after a change and automation may not revert it: a person decides', runbook: 'routing-rollbacks' },
  'experiment-evaluator-errors': {
    why: 'issue 12: the evaluator failed (an experiment skipped, or the whole run): experiments stall and no change is watched for a drop',
    runbook: 'experiment-evaluator-errors',
  },
  'experiment-evaluator-idle': { why: 'issue 12: the evaluator did not run for 30 min (schedule disabled or gone): the same gap, with no error to count', runbook: 'experiment-evaluator-errors' },
};
