import { exceedsTokenPlan } from '../../core/capacity/config';
import type { RouteDecision } from '../../core/routing';
import { budgetDay } from '../../core/spend';
import type { ModelTier } from '../../core/vocabulary';
import type { ModelCall } from './model-attempt';
import type { AnswerDeps } from './types';

/**
 * Charges every model call of one answer to the tier actually called, at the catalog's on-demand prices (after
 * fallback: a paid fallback must not leak spend), and records what the calls used: tokens per tier, provisioned
 * tokens against provisioned capacity, tokens per request against the intent's plan.
 */
export const charge = async (
  deps: Pick<AnswerDeps, 'capacity' | 'spend' | 'clock' | 'metrics' | 'log'>,
  decision: RouteDecision,
  calls: readonly ModelCall[],
): Promise<void> => {
  let requestTokens = 0;
  for (const call of calls) {
    const { tier, kind, capacityTps } = call.target;
    const tokens = call.inputTokens + call.outputTokens;
    requestTokens += tokens;
    if (tokens > 0) deps.metrics.record('ModelTokens', tokens, 'Count', { Tier: tier });
    if (kind === 'provisioned') {
      if (tokens > 0) deps.metrics.record('ProvisionedTokens', tokens, 'Count', { Tier: tier });
      deps.metrics.record('ProvisionedCapacityTps', capacityTps, 'None', { Tier: tier });
    }
    await addSpend(deps, tier, call.costUsd);
  }
  if (requestTokens === 0) return;
  deps.metrics.record('TokensPerRequest', requestTokens, 'Count', { Intent: decision.intent });
  if (exceedsTokenPlan(deps.capacity, decision.intent, requestTokens)) {
    deps.metrics.record('TokenPlanExceeded', 1, 'Count', { Intent: decision.intent });
    deps.metrics.record('TokenPlanExceeded', 1, 'Count');
  }
};

const addSpend = async (deps: Pick<AnswerDeps, 'spend' | 'clock' | 'metrics' | 'log'>, tier: ModelTier, usd: number): Promise<void> => {
  if (usd <= 0) return;
  deps.metrics.record('ModelCostMicroUsd', Math.round(usd * 1e6), 'Count', { Tier: tier });
  try {
    await deps.spend.add({ day: budgetDay(deps.clock.now()), tier, usd });
  } catch (error) {
    // Logged with the amount so the day's spend can be reconciled from the logs.
    deps.log.error('spend not recorded', { tier, usd, error });
  }
};
