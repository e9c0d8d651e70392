import { LimitError } from '../../core/errors';
import { limitsFor, LIMITS_UNAVAILABLE_REASON, STRONG_HOURLY_DEMOTION_REASON, type LimitsConfig } from '../../core/limits';
import type { Principal } from '../../core/principal';
import { modelFor } from '../../core/routing';
import type { LimitStore, Messenger } from '../../ports';
import type { RoutedMessage } from '../router';
import type { Admission } from './admit';
import type { AnswerDeps, AnswerRequest } from './types';

/** The limits per principal and connection (lambdas/core/limits) and where they are counted. */
export interface AnswerLimits {
  readonly store: LimitStore;
  readonly config: LimitsConfig;
}

/** Who a request acts for: its principal, or (a caller that names none) a guest keyed by its connection. */
export const requestPrincipal = (request: Pick<AnswerRequest, 'principal' | 'connectionId'>): Principal =>
  request.principal ?? { kind: 'guest', guestId: request.connectionId };

export type LimitEntry =
  | { readonly kind: 'admitted'; release(): Promise<void> }
  /** A limit refused the message: nothing was routed, called or charged. */
  | { readonly kind: 'refused'; readonly error: LimitError };

const NOTHING_HELD: LimitEntry = { kind: 'admitted', release: async () => undefined };

type LimitDeps = Pick<AnswerDeps, 'limits' | 'clock' | 'metrics' | 'log'>;

/**
 * The limits half of the admit step, before routing (so a refused message costs nothing, not even the LLM
 * classifier's call): the principal's daily spend, its connection's answers in flight, its message rate, checked and
 * recorded in one atomic step of the store. Admitted, the message holds an in-flight slot until `release` (the
 * pipeline's `finally`).
 *
 * Fails open: when the store cannot be asked (Redis down or slow past 500 ms) the message is admitted, logged and
 * counted as `LimitsUnavailable` (Limit `message`). Refusing every message in an outage would take the chat down for
 * everyone to stop a flood from a few; meanwhile the API Gateway throttling still holds, the budget guardian (same
 * Redis) fails closed to the cheap tier, and the strong-tier allowance fails closed (below), so an outage can buy no
 * strong-tier answer.
 */
export const enterLimits = async (deps: LimitDeps, request: AnswerRequest, admission: Admission): Promise<LimitEntry> => {
  const limits = deps.limits;
  if (limits === undefined) return NOTHING_HELD;
  const slot = { principalKey: admission.principalKey, connectionId: request.connectionId, id: admission.key };
  let verdict;
  try {
    verdict = await limits.store.admitMessage({
      ...slot,
      day: admission.day,
      now: deps.clock.now(),
      limits: limitsFor(limits.config, requestPrincipal(request)),
      config: limits.config,
    });
  } catch (error) {
    deps.metrics.record('LimitsUnavailable', 1, 'Count', { Limit: 'message' });
    deps.log.error('limit store unavailable; message admitted unchecked (fail open)', { principal: admission.principalKey, error });
    return NOTHING_HELD;
  }
  if (!verdict.admitted) {
    deps.metrics.record('LimitBreaches', 1, 'Count', { Limit: verdict.limit });
    deps.log.info('message refused by a limit', { principal: admission.principalKey, limit: verdict.limit, retryAfterMs: verdict.retryAfterMs });
    return { kind: 'refused', error: new LimitError(verdict.limit, verdict.retryAfterMs) };
  }
  let released = false;
  return {
    kind: 'admitted',
    release: async () => {
      if (released) return;
      released = true;
      try {
        await limits.store.releaseInFlight(slot);
      } catch (error) {
        // The slot frees itself after inFlightTtlMs; until then the connection has one answer fewer in flight.
        deps.metrics.record('LimitsUnavailable', 1, 'Count', { Limit: 'in_flight_release' });
        deps.log.warn('in-flight slot not released; it expires by itself', { principal: admission.principalKey, error });
      }
    },
  };
};

const toCheapTier = (routed: RoutedMessage, deps: Pick<AnswerDeps, 'catalog'>, reason: string): RoutedMessage => ({
  ...routed,
  decision: { ...routed.decision, tier: 'haiku', model: modelFor('haiku', deps.catalog), reasons: [...routed.decision.reasons, reason] },
});

/**
 * The strong-tier allowance, once an answer is about to call a model on the strong tier (after the budget and the
 * answer cache: a cached strong answer costs nothing and takes no allowance). Within the principal's hourly
 * allowance the answer is logged against it; beyond it the answer is demoted to the cheap tier with the reason
 * `limit:strong_hourly:demoted_to_haiku`, not refused: the customer still gets an answer, and the cost of one is the
 * cheap tier's. Padding a message to raise its complexity, or any other way to reach the strong tier, is bounded here.
 * Fails closed: if the store cannot be asked the cheap tier answers (`limit:unavailable:cheap_tier`), as the budget
 * guardian does when its ledger fails.
 */
export const strongAllowance = async (deps: LimitDeps & Pick<AnswerDeps, 'catalog'>, admission: Admission, routed: RoutedMessage): Promise<RoutedMessage> => {
  const limits = deps.limits;
  if (limits === undefined || routed.decision.tier !== 'sonnet') return routed;
  try {
    const verdict = await limits.store.takeStrongAnswer({
      principalKey: admission.principalKey,
      id: admission.key,
      now: deps.clock.now(),
      limits: limitsFor(limits.config, admission.principal),
    });
    if (verdict.admitted) return routed;
    deps.metrics.record('LimitBreaches', 1, 'Count', { Limit: verdict.limit });
    return toCheapTier(routed, deps, STRONG_HOURLY_DEMOTION_REASON);
  } catch (error) {
    deps.metrics.record('LimitsUnavailable', 1, 'Count', { Limit: 'strong_hourly' });
    deps.log.error('limit store unavailable; strong tier withheld (fail closed)', { principal: admission.principalKey, error });
    return toCheapTier(routed, deps, LIMITS_UNAVAILABLE_REASON);
  }
};

/**
 * Adds what the request cost (every model call, the classifier's included: `done.costUsd`) to the principal's spend
 * on the request's JST day, in the charge step. A failure is logged with the amount and never fails the answer.
 */
export const chargePrincipal = async (deps: Pick<AnswerDeps, 'limits' | 'metrics' | 'log'>, admission: Admission): Promise<void> => {
  if (admission.principalCharged) return;
  admission.principalCharged = true;
  const usd = admission.totalCostUsd();
  if (deps.limits === undefined || usd <= 0) return;
  try {
    await deps.limits.store.chargeSpend({ principalKey: admission.principalKey, day: admission.day, usd });
  } catch (error) {
    deps.metrics.record('LimitsUnavailable', 1, 'Count', { Limit: 'daily_spend' });
    deps.log.error('principal spend not recorded', { principal: admission.principalKey, day: admission.day, usd, error });
  }
};

/**
 * The answer's messenger, which settles its limits just before its `done` frame: the request's spend is added to the
 * principal's day and its in-flight slot is freed, so a client that waits for `done` before its next message is
 * never refused for the answer it just received. Any other ending (an error, a client that left) settles in the
 * pipeline's `finally` and the charge step; both are idempotent.
 */
export const settlingBeforeDone = (
  deps: Pick<AnswerDeps, 'limits' | 'metrics' | 'log' | 'messenger'>,
  admission: Admission,
  entry: Extract<LimitEntry, { kind: 'admitted' }>,
): Messenger => ({
  send: async (connectionId, frame) => {
    if (frame.type === 'done') {
      await chargePrincipal(deps, admission);
      await entry.release();
    }
    await deps.messenger.send(connectionId, frame);
  },
});

export type { LimitsConfig };
