import {
  DEFAULT_CASCADE_CONFIG,
  decideCascade,
  estimateConfidence,
  isCascadeEligible,
  keptReason,
  type ConfidenceEstimate,
} from '../../core/cascade';
import { BudgetExhaustedError, ContentBlockedError } from '../../core/errors';
import type { ServerFrame } from '../../core/protocol';
import type { ModelTier } from '../../core/vocabulary';
import type { Messenger, MetricsSink } from '../../ports';
import type { Admission } from './admit';
import type { ModelOutcome, ModelStepInput, StreamTierOptions } from './model';
import type { AnswerDeps } from './types';

/** One tier's streamed call (lambdas/app/answer/model.ts `streamTier`). */
export type TierCall = (deps: AnswerDeps, input: ModelStepInput, options?: StreamTierOptions) => Promise<ModelOutcome>;

const CHEAP: ModelTier = 'haiku';
const STRONG: ModelTier = 'sonnet';

/** Keeps the cheap call's chunk frames (already coalesced) until the answer is judged; nothing reaches the client. */
class BufferedMessenger implements Messenger {
  private readonly frames: { readonly connectionId: string; readonly frame: ServerFrame }[] = [];

  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    this.frames.push({ connectionId, frame });
  }

  /** Posts the kept frames, in order; a client that left throws (ConnectionGoneError) as a live stream would. */
  async release(to: Messenger): Promise<void> {
    for (const { connectionId, frame } of this.frames) await to.send(connectionId, frame);
    this.frames.length = 0;
  }
}

/** Counts what reached the client, to know whether a failed escalation may still give the cheap answer. */
class CountingMessenger implements Messenger {
  sent = 0;
  constructor(private readonly inner: Messenger) {}
  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    await this.inner.send(connectionId, frame);
    this.sent += 1;
  }
}

const withMessenger = (deps: AnswerDeps, messenger: Messenger): AnswerDeps => ({ ...deps, messenger });

/** The second call of an answer: the wait before the first model call is recorded once per answer, by the first. */
const secondCall = (deps: AnswerDeps, messenger: Messenger): AnswerDeps => {
  const metrics: MetricsSink = { record: (name, ...rest) => (name === 'QueueWaitMs' ? undefined : deps.metrics.record(name, ...rest)) };
  return { ...withMessenger(deps, messenger), metrics };
};

/**
 * The confidence cascade (issue 8, item 4). For a cascade-eligible decision (lambdas/core/cascade/config.ts: a
 * listed, unlocked intent routed to the strong tier, without conversation history) the cheap tier answers first,
 * its chunks BUFFERED, never posted: the user never sees an answer that is then replaced. The answer is judged
 * (lambdas/core/cascade/confidence.ts: stop reason, hedging in English and Japanese, answer checks):
 * - confident enough (the intent's threshold, 0.80 by default): the buffered chunks are released as they were
 *   coalesced; `done` says tier haiku, escalated false, reason `cascade:accepted:<score>`;
 * - not, with at least `minTimeLeftMs` of the deadline left: the strong tier answers once, streamed as usual (its
 *   targets only, no fallback to the cheap tier, which already answered); escalated true, reason
 *   `cascade:escalated:<score>`; the cost is both calls (each reserved and settled through admission);
 * - not, without the time, or when the strong tier is refused by the budget or fails before any text: the cheap
 *   answer is released (`cascade:kept:<score>:deadline|budget|strong_failed`).
 * A cheap call that fails (no answer) falls through to the usual chain from the strong tier (`cascade:cheap_failed`);
 * one the budget refuses ends the answer as `budget_exhausted` would. Everything shares the answer's one deadline
 * (`input.deadlineAt`); the cheap call gets it less `minTimeLeftMs` (at least half of what is left), so a slow cheap
 * call still leaves the strong tier its time. The buffered cheap answer is released the moment it is judged.
 */
export const answerWithCascade = async (deps: AnswerDeps, input: ModelStepInput, stream: TierCall): Promise<ModelOutcome> => {
  const { request, routed, routedTier, admission } = input;
  const config = deps.options.cascade ?? DEFAULT_CASCADE_CONFIG;
  const { decision } = routed;
  const hasHistory = (request.history?.length ?? 0) > 0;
  if (routedTier !== STRONG || !isCascadeEligible(config, { ...decision, tier: routedTier }, routed.map, hasHistory)) {
    return stream(deps, input);
  }
  const { intent } = decision;
  // The answer's one deadline (callModel sets it): the cheap call, the judging and the strong call all fit in it.
  const deadlineAt = input.deadlineAt ?? deps.clock.now() + deps.options.deadlineMs;
  const deadlineMs = deadlineAt - deps.clock.now();
  const timeLeft = (): number => deadlineAt - deps.clock.now();
  const buffer = new BufferedMessenger();
  const cheapDeadlineMs = Math.max(deadlineMs - config.minTimeLeftMs, deadlineMs / 2);
  const cheapInput: ModelStepInput = { ...input, routedTier: CHEAP, deadlineAt: deps.clock.now() + cheapDeadlineMs };
  const cheap = await stream(withMessenger(deps, buffer), cheapInput, { onlyRoutedTier: true });

  if (cheap.kind === 'failed') {
    // A blocked message is blocked on the strong tier too: escalating would only pay twice for the same refusal.
    if (cheap.error instanceof BudgetExhaustedError || cheap.error instanceof ContentBlockedError || timeLeft() <= 0) return cheap;
    admission.reasons.push('cascade:cheap_failed');
    deps.metrics.record('CascadeCheapFailures', 1, 'Count', { Intent: intent });
    return stream(secondCall(deps, deps.messenger), { ...input, deadlineAt });
  }

  const estimate = estimateConfidence({ text: cheap.result.text, stopReason: cheap.result.stopReason, intent });
  const step = decideCascade(config, intent, estimate, timeLeft());
  deps.log.info('cascade judged the cheap answer', { intent, score: estimate.score, signals: estimate.signals, step: step.kind });
  if (step.kind !== 'escalate') {
    admission.reasons.push(step.reason);
    deps.metrics.record(step.kind === 'accept' ? 'CascadeAccepted' : 'CascadeKept', 1, 'Count', { Intent: intent });
    await buffer.release(deps.messenger);
    return cheap;
  }

  const counting = new CountingMessenger(deps.messenger);
  const strong = await stream(secondCall(deps, counting), { ...input, deadlineAt }, { onlyRoutedTier: true });
  if (strong.kind === 'answered') {
    admission.reasons.push(step.reason);
    deps.metrics.record('CascadeEscalations', 1, 'Count', { Intent: intent });
    return { ...strong, escalated: true };
  }
  // The strong answer broke after some of it reached the client: that is the answer's failure, as without a cascade.
  if (counting.sent > 0) return strong;
  return keepCheap(deps, admission, buffer, cheap, estimate, strong.error instanceof BudgetExhaustedError ? 'budget' : 'strong_failed', intent);
};

const keepCheap = async (
  deps: AnswerDeps,
  admission: Admission,
  buffer: BufferedMessenger,
  cheap: ModelOutcome,
  estimate: ConfidenceEstimate,
  why: 'budget' | 'strong_failed',
  intent: string,
): Promise<ModelOutcome> => {
  admission.reasons.push(keptReason(estimate, why));
  deps.metrics.record('CascadeKept', 1, 'Count', { Intent: intent });
  await buffer.release(deps.messenger);
  return cheap;
};
