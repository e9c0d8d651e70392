import { exceedsTokenPlan } from '../../core/capacity/config';
import type { RouteDecision } from '../../core/routing';
import type { Admission, LedgerSlot } from './admit';
import { chargePrincipal } from './limits';
import type { AnswerDeps } from './types';

/**
 * The charge step, run in a `finally` after the model step so errors, timeouts and clients that left are charged
 * too: every admission slot is settled in the ledger with what its call actually cost (0 when it produced nothing,
 * which releases the reservation), for the tier actually called (after fallback: a paid fallback must not leak
 * spend), on the request's budget day. Calls made while the guardian failed closed are settled without a
 * reservation, so the day's spend still counts them. A settlement that fails is logged with its amount, so the
 * day's spend can be reconciled from the logs; it never fails the answer. Also records what the calls used: cost and
 * tokens per tier, provisioned tokens against provisioned capacity, tokens per request against the intent's plan.
 * The request's whole cost is added to its principal's spend of the day (the daily spend cap, lambdas/core/limits).
 */
export const charge = async (
  deps: Pick<AnswerDeps, 'capacity' | 'ledger' | 'metrics' | 'log' | 'limits'>,
  decision: RouteDecision,
  admission: Admission,
): Promise<void> => {
  await Promise.all([...admission.slots.map((slot) => settle(deps, decision, admission.day, slot)), chargePrincipal(deps, admission)]);
  if (admission.classifierCostUsd > 0) {
    // The LLM classification call ran on the cheap tier before any reservation could be sized: settled unreserved.
    const classifier = { id: admission.classifierId, tier: 'haiku' as const, reserved: false };
    await settleUsd(deps, decision, admission.day, classifier, admission.classifierCostUsd);
    deps.metrics.record('ModelCostMicroUsd', Math.round(admission.classifierCostUsd * 1e6), 'Count', { Tier: 'haiku' });
  }
  let requestTokens = 0;
  for (const { call } of admission.slots) {
    if (call === undefined) continue;
    const { tier, kind, capacityTps } = call.target;
    const tokens = call.inputTokens + call.outputTokens;
    requestTokens += tokens;
    if (tokens > 0) deps.metrics.record('ModelTokens', tokens, 'Count', { Tier: tier });
    if (kind === 'provisioned') {
      if (tokens > 0) deps.metrics.record('ProvisionedTokens', tokens, 'Count', { Tier: tier });
      deps.metrics.record('ProvisionedCapacityTps', capacityTps, 'None', { Tier: tier });
    }
    if (call.costUsd > 0) {
      const micro = Math.round(call.costUsd * 1e6);
      deps.metrics.record('ModelCostMicroUsd', micro, 'Count', { Tier: tier });
      if (tier === 'sonnet') deps.metrics.record('StrongTierCostMicroUsd', micro, 'Count');
    }
  }
  if (requestTokens === 0) return;
  deps.metrics.record('TokensPerRequest', requestTokens, 'Count', { Intent: decision.intent });
  deps.metrics.record('TokensPerIntent', requestTokens, 'Count', { Intent: decision.intent });
  if (exceedsTokenPlan(deps.capacity, decision.intent, requestTokens)) {
    deps.metrics.record('TokenPlanExceeded', 1, 'Count', { Intent: decision.intent });
    deps.metrics.record('TokenPlanExceeded', 1, 'Count');
  }
};

const settle = async (deps: Pick<AnswerDeps, 'ledger' | 'metrics' | 'log'>, decision: RouteDecision, day: string, slot: LedgerSlot): Promise<void> =>
  settleUsd(deps, decision, day, slot, slot.call?.costUsd ?? 0);

const settleUsd = async (
  deps: Pick<AnswerDeps, 'ledger' | 'metrics' | 'log'>,
  decision: RouteDecision,
  day: string,
  slot: Pick<LedgerSlot, 'id' | 'tier' | 'reserved'>,
  usd: number,
): Promise<void> => {
  // An unreserved slot that cost nothing has nothing to release and nothing to count.
  if (!slot.reserved && usd <= 0) return;
  try {
    await deps.ledger.settle({ day, id: slot.id, usd, tier: slot.tier, intent: decision.intent });
  } catch (error) {
    deps.metrics.record('BudgetSettleErrors', 1, 'Count');
    deps.log.error('budget settlement failed; reconcile the day from this entry', {
      day,
      id: slot.id,
      tier: slot.tier,
      intent: decision.intent,
      usd,
      reserved: slot.reserved,
      error,
    });
  }
};
