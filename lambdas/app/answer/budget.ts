import { applyBudget, type BudgetMode, type BudgetStatus } from '../../core/budget/guardian';
import { modelFor, type RouteDecision } from '../../core/routing';
import type { MetricsSink } from '../../ports';
import type { RoutedMessage } from '../router';
import { CHEAP_TIER, FAIL_CLOSED_REASON, type Admission } from './admit';
import type { AnswerDeps } from './types';

/** `BudgetMode` as a metric value: alarms read "mode != normal" as "> 0". */
export const BUDGET_MODE_VALUE: Readonly<Record<BudgetMode, number>> = { normal: 0, conserve: 1, emergency: 2, exhausted: 3 };

const recordStatus = (metrics: MetricsSink, status: BudgetStatus): void => {
  metrics.record('SpendUsd', status.spentUsd, 'None');
  metrics.record('ProjectedSpendUsd', status.projectedUsd, 'None');
  metrics.record('BudgetUtilisation', status.utilisation, 'None');
  metrics.record('BudgetMode', BUDGET_MODE_VALUE[status.mode], 'None');
};

/** Under a ledger outage every model call goes to the cheap tier, unreserved; the decision says so. */
const cheapTierOnly = (decision: RouteDecision, deps: Pick<AnswerDeps, 'catalog'>): RouteDecision => ({
  ...decision,
  tier: CHEAP_TIER,
  model: modelFor(CHEAP_TIER, deps.catalog),
  reasons: [...decision.reasons, FAIL_CLOSED_REASON],
});

/**
 * The budget step, after mitigation, for answers that will call a model (the template tier never waits on the
 * ledger): today's reading from the ledger (cached about a second per container), then the core's ramp: a demoted
 * intent (or a share of the requests of a partly demoted locked one) leaves the strong tier with the reason
 * `budget:<mode>:demoted_to_haiku`, which the `done` frame repeats.
 * The reading is handed to admission, which reserves every call against the same day's budget, and shared with the
 * `route` Lambda when it changed. If the ledger cannot be read the request fails closed to the cheap tier.
 */
export const applyDayBudget = async (
  deps: Pick<AnswerDeps, 'budget' | 'budgetPublisher' | 'catalog' | 'metrics' | 'random'>,
  routed: RoutedMessage,
  admission: Admission,
): Promise<RoutedMessage> => {
  const { decision } = routed;
  const reading = await deps.budget.read(admission.day, routed.map, admission.startedAt);
  admission.useReading(reading);
  if (reading.kind === 'unavailable') return { ...routed, decision: cheapTierOnly(decision, deps) };
  const { status } = reading;
  recordStatus(deps.metrics, status);
  // A locked intent the emergency moves only for a share of its requests is drawn per request.
  const budgeted = applyBudget(decision, status, (tier) => modelFor(tier, deps.catalog), deps.random);
  if (budgeted.tier !== decision.tier) deps.metrics.record('BudgetDemotions', 1, 'Count', { Intent: decision.intent });
  await deps.budgetPublisher.publish(status);
  return { ...routed, decision: budgeted };
};
