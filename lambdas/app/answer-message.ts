import { ConnectionGoneError } from '../core/errors';
import { detectLanguage } from '../core/language';
import { isFaqDecision } from '../core/faq';
import { isTemplateIntent } from '../core/templates';
import type { ModelTier } from '../core/vocabulary';
import { admitRequest, enterLimits, type Admission } from './answer/admit';
import { applyDayBudget } from './answer/budget';
import { cacheAnswer } from './answer/cache';
import { answerQuality, experimentSubject } from './answer/experiment';
import { charge } from './answer/charge';
import { settlingBeforeDone, strongAllowance } from './answer/limits';
import { historyFor, recallMemory, rememberExchange } from './answer/memory';
import { mitigationEffects } from './answer/mitigation';
import { enterProcessCap, freeingBeforeDone } from './answer/process-cap';
import type { ModelOutcome } from './answer/model';
import { reply } from './answer/reply';
import { cachedAnswer, callModel } from './answer/single-flight';
import { templateAnswer } from './answer/template';
import type { AnswerDeps, AnswerOptions, AnswerOutcome, AnswerRequest } from './answer/types';

export type { AnswerDeps, AnswerOptions, AnswerOutcome, AnswerRequest, AnswerSession, BudgetPublisher, BudgetReader, ThrottleDefence } from './answer/types';

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  coalescer: { maxChars: 160, maxDelayMs: 120 },
  cacheTtlSeconds: 3600,
  deadlineMs: 25_000,
};

/**
 * Answers one chat message, in steps:
 * 1. admit: the request's budget day, ledger key and principal, fixed now (lambdas/app/answer/admit.ts), the
 *    process's cap of answers in flight (lambdas/app/answer/process-cap.ts: the excess ends at once in
 *    `gateway_busy`), then the limits per principal and connection (lambdas/app/answer/limits.ts): the daily spend cap, answers in flight and
 *    the message rate; a refused message ends here as `limited` (nothing routed, called or charged), an admitted one
 *    holds its in-flight slot until the end;
 * 2. route: classify, the routing map, and mitigation's demotion of the decision (lambdas/app/router.ts), plus what
 *    else mitigation changes for this answer (a longer cache TTL); the template tier answers here, at no cost;
 * 3. budget: today's reading of the budget ledger and the ramp's demotion of the decision, or fail closed to the
 *    cheap tier when the ledger cannot be read;
 * 4. the answer cache, or an identical cacheable question's answer while it is being generated in this container
 *    (single-flight, lambdas/app/answer/single-flight.ts: one model call for both; a failed leader's followers call
 *    the model themselves), or
 * 5. the model: on the strong tier only within the principal's hourly allowance (else the cheap tier, reason
 *    `limit:strong_hourly:demoted_to_haiku`); the tier's target (provisioned or on-demand), each call admitted by a reservation of its worst case,
 *    streamed as coalesced chunks (the first text at once; chunks posted through an ordered send queue while the
 *    stream keeps being read, lambdas/app/answer/send-queue.ts), all within one deadline per answer, falling back while no text has reached the client (provisioned -> on-demand ->
 *    the cheaper tier, also when the budget refuses a tier); the throttle defence counts calls; a cascade-eligible
 *    decision tries the cheap tier first, buffered and judged, and escalates at most once (lambdas/app/answer/cascade.ts);
 * 6. charge: every reservation settled with what its call cost, for the tier actually called, whatever happened,
 *    and the request's cost added to its principal's spend of the day;
 * 7. reply: exactly one `done` frame; a failure is returned as `failed` for the handler's one `error` frame.
 * A client that left (410) stops the posting and the stream.
 * Conversation memory (lambdas/app/answer/memory.ts), when the request has a session: its recent turns are read
 * first; routing sees the previous exchange (follow-ups: lambdas/core/conversation), the model gets the history within the
 * intent's input budget, and a complete answer is stored as an exchange after its `done` frame (never an error, an
 * interrupted answer, or an answer to a client that left). A message with history neither reads nor fills the answer
 * cache: "what about the second one?" means something else in every conversation. An answered request is recorded
 * under its session (intent, tier, who asked) for `feedback` just before its `done` frame (lambdas/app/answer/reply.ts).
 */
export const answerMessage = async (deps: AnswerDeps, request: AnswerRequest): Promise<AnswerOutcome> => {
  const admission = admitRequest(deps, request);
  const process = enterProcessCap(deps);
  if (process.kind === 'refused') return { kind: 'busy', error: process.error };
  try {
    const limits = await enterLimits(deps, request, admission);
    if (limits.kind === 'refused') return { kind: 'limited', error: limits.error };
    try {
      const messenger = freeingBeforeDone(settlingBeforeDone(deps, admission, limits), process);
      return await answerAdmitted({ ...deps, messenger }, request, admission);
    } finally {
      await limits.release();
    }
  } finally {
    process.release();
  }
};

const answerAdmitted = async (deps: AnswerDeps, request: AnswerRequest, admission: Admission): Promise<AnswerOutcome> => {
  // One deadline for the whole answer: a follower's wait for an identical question, every model call, fallback and
  // cascade step share it (so a slow strong-tier stream then a fallback cannot outrun the Lambda's own timeout).
  const deadlineAt = deps.clock.now() + deps.options.deadlineMs;
  const memory = await recallMemory(deps, request);
  const routed = await deps.route(request.message, memory.previous, experimentSubject(request));
  // An LLM classification (the fallback when the fast path was unsure) is a paid cheap-tier call.
  admission.classifierCostUsd = routed.classifierCostUsd ?? 0;
  const mitigation = mitigationEffects(deps, routed);
  const language = detectLanguage(request.message);
  try {
    // A FAQ decision (template tier, reason `faq:<id>`) is answered here too, by its entry, at no model cost.
    if (routed.decision.tier === 'template' && (isTemplateIntent(routed.decision.intent) || isFaqDecision(routed.decision))) {
      const answer = await templateAnswer(deps, request, routed.decision, language);
      const outcome = await reply(deps, request, routed.decision, mitigation, { ...answer, costUsd: admission.totalCostUsd() });
      await rememberExchange(deps, request, routed.decision, { text: answer.chunk ?? '', tier: answer.tier });
      return outcome;
    }
    const budgeted = await applyDayBudget(deps, routed, admission);
    const routedTier: ModelTier = budgeted.decision.tier === 'template' ? 'haiku' : budgeted.decision.tier;
    const history = historyFor(deps, memory, budgeted.decision.intent, request.message);
    const cached = history.length > 0 ? undefined : await cachedAnswer(deps, request, budgeted.decision, routedTier);
    if (cached) {
      const outcome = await reply(deps, request, budgeted.decision, mitigation, { ...cached, costUsd: admission.totalCostUsd() });
      await rememberExchange(deps, request, routed.decision, { text: cached.chunk ?? '', tier: cached.tier });
      return outcome;
    }
    const allowed = await strongAllowance(deps, admission, budgeted);
    const { decision } = allowed;
    const tier: ModelTier = decision.tier === 'template' ? 'haiku' : decision.tier;

    const called: ModelOutcome = await callModel(deps, {
      request: history.length > 0 ? { ...request, history } : request,
      routed: allowed,
      routedTier: tier,
      language,
      admission,
      deadlineAt,
    });
    if (called.kind === 'failed') return called;
    const { target, result } = called;
    if (history.length === 0) await cacheAnswer(deps, request, decision, tier, { tier: target.tier, ...result }, mitigation.cacheTtlSeconds);
    const outcome = await reply(
      deps,
      request,
      decision,
      mitigation,
      {
        tier: target.tier,
        model: deps.catalog[target.tier].modelId,
        target: target.kind,
        cacheHit: false,
        inputTokens: result.inputTokens,
        outputTokens: result.outputTokens,
        // Every call of the answer is paid for, a failed strong-tier attempt before the fallback included.
        costUsd: admission.totalCostUsd(),
        escalated: called.escalated ?? false,
        quality: answerQuality(decision, result),
      },
      admission.reasons,
    );
    // The user turn keeps the tier routing decided it needed (before the budget): what its follow-ups inherit.
    await rememberExchange(deps, request, routed.decision, { text: result.text, tier: target.tier });
    return outcome;
  } catch (error) {
    if (error instanceof ConnectionGoneError) return { kind: 'client_gone', tier: routed.decision.tier };
    throw error;
  } finally {
    // Whatever was generated was generated: an interrupted or abandoned answer is paid for too, and no reservation
    // outlives the request; the classification call is paid whatever answered.
    await charge(deps, routed.decision, admission);
  }
};
