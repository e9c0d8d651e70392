import { maxTokensFor, trimToBudget, worstCaseUsd } from '../../core/budget/guardian';
import { BudgetExhaustedError, ConnectionGoneError, ContentBlockedError, GatewayBusyError, ModelError, ModelThrottledError, ModelUnavailableError } from '../../core/errors';
import { estimateTokens, type Language } from '../../core/language';
import type { ModelTier } from '../../core/vocabulary';
import type { RoutedMessage } from '../router';
import type { Admission } from './admit';
import { answerWithCascade } from './cascade';
import { ModelAttempt, type ModelCall, type StreamResult } from './model-attempt';
import { modelTargets, type ModelTarget } from './targets';
import type { AnswerDeps, AnswerRequest } from './types';

/** What the model step needs of one request, passed unchanged through its layers (single-flight, cascade, tier). */
export interface ModelStepInput {
  readonly request: AnswerRequest;
  readonly routed: RoutedMessage;
  readonly routedTier: ModelTier;
  readonly language: Language;
  readonly admission: Admission;
  /**
   * When the answer's one deadline passes (epoch ms on `deps.clock`): every attempt, fallback and cascade step of
   * the answer shares it. Absent, `deps.options.deadlineMs` from the first model call.
   */
  readonly deadlineAt?: number;
}

/** The time left before the answer's deadline (ms), never below 1 so that a spent deadline aborts at once. */
export const timeLeftMs = (deps: Pick<AnswerDeps, 'clock' | 'options'>, input: Pick<ModelStepInput, 'deadlineAt'>): number =>
  Math.max(1, Math.floor((input.deadlineAt ?? deps.clock.now() + deps.options.deadlineMs) - deps.clock.now()));

/** How one tier is streamed (`streamTier` below). */
export interface StreamTierOptions {
  /** Only the routed tier's targets are tried, never the cheaper tier; a failure is not counted as a fallback reply. */
  readonly onlyRoutedTier?: boolean;
}

export type ModelOutcome =
  | {
      readonly kind: 'answered';
      readonly target: ModelTarget;
      readonly result: StreamResult;
      readonly call: ModelCall;
      /** True when the confidence cascade judged the cheap answer too weak and the strong tier answered instead. */
      readonly escalated?: boolean;
    }
  | { readonly kind: 'failed'; readonly error: ModelError | BudgetExhaustedError; readonly tier: ModelTier };

/**
 * Streams an answer from the routed tier's target, falling back while no text has reached the client: provisioned
 * -> the same tier on-demand -> the cheaper tier. A cascade-eligible decision goes through the confidence cascade
 * first (lambdas/app/answer/cascade.ts: the cheap tier buffered and judged, the strong tier at most once). Before
 * every call, admission reserves its worst case in the budget ledger: a tier the budget refuses is skipped for the
 * cheaper one (`budget:refused:<tier>`), and a refusal at the cheapest ends in `budget_exhausted`. The message is
 * trimmed to the intent's input budget and `maxTokens` is the intent's output budget. A failure after text ends in `failed` (the client must not take the partial text
 * for a complete answer). Every call made is recorded on its admission slot, to be settled whatever happens; a
 * client that left (ConnectionGoneError) is thrown.
 */
export const callModel = (deps: AnswerDeps, input: ModelStepInput): Promise<ModelOutcome> =>
  answerWithCascade(deps, { ...input, deadlineAt: input.deadlineAt ?? deps.clock.now() + deps.options.deadlineMs }, streamTier);

/**
 * The model step without the cascade (`callModel` above). With `onlyRoutedTier` (the cascade's calls) only the
 * routed tier's targets are tried, never the cheaper tier, and a failure is not counted as a fallback reply: the
 * caller still has an answer to give.
 */
export const streamTier = async (deps: AnswerDeps, input: ModelStepInput, options: StreamTierOptions = {}): Promise<ModelOutcome> => {
  const { request, routed, routedTier, language, admission } = input;
  const onlyRoutedTier = options.onlyRoutedTier ?? false;
  const { intent } = routed.decision;
  const targets = modelTargets(routedTier, routed.serving, deps.catalog, deps.capacity, deps.random).filter(
    (target) => !onlyRoutedTier || target.tier === routedTier,
  );
  const tokenBudget = deps.budgetConfig.tokenBudgets[intent];
  const prompt = trimToBudget(request.message, tokenBudget, estimateTokens);
  if (prompt.trimmed) deps.metrics.record('InputTrimmed', 1, 'Count', { Intent: intent });
  // One deadline for every target tried here, and the answer's own (input.deadlineAt) when the caller set it.
  const deadline = AbortSignal.timeout(timeLeftMs(deps, input));
  deps.metrics.record('QueueWaitMs', Math.max(0, deps.clock.now() - request.receivedAt), 'Milliseconds');
  // Made only when needed: an Error captures a stack trace, and most answers never fail.
  let lastError: ModelError | BudgetExhaustedError | undefined;
  let lastTier = routedTier;
  /** A tier the budget refused (or that cannot be called unreserved): its other targets are not tried. */
  let skippedTier: ModelTier | undefined;
  for (const [index, target] of targets.entries()) {
    if (target.tier === skippedTier) continue;
    lastTier = target.tier;
    const spec = deps.catalog[target.tier];
    const attempt = new ModelAttempt(deps, request, routed.decision, target, language, deadline, prompt.text, maxTokensFor(spec, tokenBudget));
    const verdict = await admission.admit(target.tier, worstCaseUsd(spec, attempt.estimatedInputTokens, attempt.maxTokens));
    if (verdict.kind !== 'admitted') {
      skippedTier = target.tier;
      const cheaper = targets.slice(index + 1).some((next) => next.tier !== target.tier);
      if (!cheaper) {
        lastError = new BudgetExhaustedError(admission.day);
        break;
      }
      if (verdict.kind === 'refused') deps.metrics.record('BudgetDemotions', 1, 'Count', { Intent: intent });
      continue;
    }
    let outcome: { result: StreamResult } | { error: unknown };
    try {
      outcome = { result: await attempt.run() };
    } catch (error) {
      outcome = { error };
    }
    const call = attempt.call();
    verdict.slot.call = call;
    const throttled = 'error' in outcome && outcome.error instanceof ModelThrottledError;
    if (throttled) deps.metrics.record('ModelThrottles', 1, 'Count', { Tier: target.tier, Target: target.kind });
    await deps.throttleDefence.recordCall(throttled);
    if ('result' in outcome) return { kind: 'answered', target, result: outcome.result, call };

    const { error } = outcome;
    if (error instanceof ConnectionGoneError) {
      deps.metrics.record('ClientGoneAborts', 1, 'Count', { Tier: target.tier });
      throw error;
    }
    if (error instanceof GatewayBusyError) {
      // The gateway's own saturation, not the model's fault: no other target or tier is tried (they share the
      // process and its connections, so a fallback would only double the load); the handler sends `gateway_busy`.
      deps.metrics.record('GatewayBusy', 1, 'Count', { Reason: error.reason });
      deps.log.warn('model call got no connection in time; not falling back', { tier: target.tier, target: target.kind, retryAfterMs: error.retryAfterMs });
      throw error;
    }
    if (!(error instanceof ModelError)) throw error;
    if (error instanceof ContentBlockedError) {
      // The guardrail's verdict, not a failure of the model: no other target or tier is asked (it would be stopped
      // again, at a price), and it is not a fallback reply. Counted per intent; the call is charged (slot above).
      deps.metrics.record('GuardrailInterventions', 1, 'Count', { Intent: intent });
      deps.log.info('guardrail intervened', { tier: target.tier, target: target.kind, intent, sentChars: attempt.sentText });
      return { kind: 'failed', error, tier: target.tier };
    }
    lastError = error;
    const next = targets[index + 1];
    const fallBack = next !== undefined && attempt.sentText === 0 && error.retryable && !deadline.aborted;
    deps.log.warn('model call failed', { tier: target.tier, target: target.kind, code: error.code, sentChars: attempt.sentText, fallingBack: fallBack, error });
    if (!fallBack) break;
    // Provisioned -> on-demand keeps the tier; only a move to the cheaper tier counts as a model fallback.
    deps.metrics.record(next.tier === target.tier ? 'TargetFallbacks' : 'ModelFallbacks', 1, 'Count', { Tier: target.tier });
  }
  if (!onlyRoutedTier) deps.metrics.record('FallbackReplies', 1, 'Count', { Tier: lastTier });
  return { kind: 'failed', error: lastError ?? new ModelUnavailableError('no model target available'), tier: lastTier };
};
