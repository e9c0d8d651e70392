import { ConnectionGoneError, ModelError, ModelThrottledError, ModelUnavailableError } from '../../core/errors';
import type { Language } from '../../core/language';
import type { ModelTier } from '../../core/vocabulary';
import type { RoutedMessage } from '../router';
import { ModelAttempt, type ModelCall, type StreamResult } from './model-attempt';
import { modelTargets, type ModelTarget } from './targets';
import type { AnswerDeps, AnswerRequest } from './types';

export type ModelOutcome =
  | { readonly kind: 'answered'; readonly target: ModelTarget; readonly result: StreamResult; readonly call: ModelCall }
  | { readonly kind: 'failed'; readonly error: ModelError; readonly tier: ModelTier };

/**
 * Streams an answer from the routed tier's target, falling back while no text has reached the client: provisioned
 * -> the same tier on-demand -> the cheaper tier. A failure after text ends in `failed` (the client must not take
 * the partial text for a complete answer). Every call made is appended to `calls`, to be charged whatever happens;
 * a client that left (ConnectionGoneError) is thrown.
 */
export const callModel = async (
  deps: AnswerDeps,
  request: AnswerRequest,
  routed: RoutedMessage,
  routedTier: ModelTier,
  language: Language,
  calls: ModelCall[],
): Promise<ModelOutcome> => {
  const targets = modelTargets(routedTier, routed.serving, deps.catalog, deps.capacity, deps.random);
  const deadline = AbortSignal.timeout(deps.options.deadlineMs);
  deps.metrics.record('QueueWaitMs', Math.max(0, deps.clock.now() - request.receivedAt), 'Milliseconds');
  let lastError: ModelError = new ModelUnavailableError('no model target available');
  let lastTier = routedTier;
  for (const [index, target] of targets.entries()) {
    lastTier = target.tier;
    const attempt = new ModelAttempt(deps, request, routed.decision, target, language, deadline);
    let outcome: { result: StreamResult } | { error: unknown };
    try {
      outcome = { result: await attempt.run() };
    } catch (error) {
      outcome = { error };
    }
    const call = attempt.call();
    calls.push(call);
    const throttled = 'error' in outcome && outcome.error instanceof ModelThrottledError;
    if (throttled) deps.metrics.record('ModelThrottles', 1, 'Count', { Tier: target.tier, Target: target.kind });
    await deps.throttleDefence.recordCall(throttled);
    if ('result' in outcome) return { kind: 'answered', target, result: outcome.result, call };

    const { error } = outcome;
    if (error instanceof ConnectionGoneError) {
      deps.metrics.record('ClientGoneAborts', 1, 'Count', { Tier: target.tier });
      throw error;
    }
    if (!(error instanceof ModelError)) throw error;
    lastError = error;
    const next = targets[index + 1];
    const fallBack = next !== undefined && attempt.sentText === 0 && error.retryable && !deadline.aborted;
    deps.log.warn('model call failed', { tier: target.tier, target: target.kind, code: error.code, sentChars: attempt.sentText, fallingBack: fallBack, error });
    if (!fallBack) break;
    // Provisioned -> on-demand keeps the tier; only a move to the cheaper tier counts as a model fallback.
    deps.metrics.record(next.tier === target.tier ? 'TargetFallbacks' : 'ModelFallbacks', 1, 'Count', { Tier: target.tier });
  }
  deps.metrics.record('FallbackReplies', 1, 'Count', { Tier: lastTier });
  return { kind: 'failed', error: lastError, tier: lastTier };
};
