import { ConnectionGoneError } from '../core/errors';
import { detectLanguage } from '../core/language';
import { isTemplateIntent } from '../core/templates';
import type { ModelTier } from '../core/vocabulary';
import { cacheAnswer, cachedAnswer } from './answer/cache';
import { charge } from './answer/charge';
import { mitigationEffects } from './answer/mitigation';
import { callModel, type ModelOutcome } from './answer/model';
import type { ModelCall } from './answer/model-attempt';
import { reply } from './answer/reply';
import { templateAnswer } from './answer/template';
import type { AnswerDeps, AnswerOptions, AnswerOutcome, AnswerRequest } from './answer/types';

export type { AnswerDeps, AnswerOptions, AnswerOutcome, AnswerRequest, ThrottleDefence } from './answer/types';

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  coalescer: { maxChars: 160, maxDelayMs: 120 },
  cacheTtlSeconds: 3600,
  deadlineMs: 25_000,
};

/**
 * Answers one chat message, in steps:
 * 1. route: classify, the routing map, and mitigation's demotion of the decision (lambdas/app/router.ts);
 * 2. mitigation: what else it changes for this answer (a longer cache TTL);
 * 3. the template tier from the orders table, or
 * 4. the answer cache, or
 * 5. the model: the tier's target (provisioned or on-demand), streamed as coalesced chunks, falling back while no
 *    text has reached the client (provisioned -> on-demand -> the cheaper tier); the throttle defence counts calls;
 * 6. charge: every call made, for the tier actually called, whatever happened;
 * 7. reply: exactly one `done` frame; a model failure is returned as `failed` for the handler's one `error` frame.
 * A client that left (410) stops the posting and the stream.
 */
export const answerMessage = async (deps: AnswerDeps, request: AnswerRequest): Promise<AnswerOutcome> => {
  const routed = await deps.route(request.message);
  const { decision } = routed;
  const mitigation = mitigationEffects(deps, routed);
  const language = detectLanguage(request.message);
  try {
    if (decision.tier === 'template' && isTemplateIntent(decision.intent)) {
      return await reply(deps, request, decision, mitigation, await templateAnswer(deps, request, decision, language));
    }
    const tier: ModelTier = decision.tier === 'template' ? 'haiku' : decision.tier;
    const cached = await cachedAnswer(deps, request, decision, tier);
    if (cached) return await reply(deps, request, decision, mitigation, cached);

    const calls: ModelCall[] = [];
    let called: ModelOutcome;
    try {
      called = await callModel(deps, request, routed, tier, language, calls);
    } finally {
      // Whatever was generated was generated: an interrupted or abandoned answer is paid for too.
      await charge(deps, decision, calls);
    }
    if (called.kind === 'failed') return called;
    const { target, result, call } = called;
    await cacheAnswer(deps, request, decision, tier, { tier: target.tier, ...result }, mitigation.cacheTtlSeconds);
    return await reply(deps, request, decision, mitigation, {
      tier: target.tier,
      model: deps.catalog[target.tier].modelId,
      target: target.kind,
      cacheHit: false,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costUsd: call.costUsd,
    });
  } catch (error) {
    if (error instanceof ConnectionGoneError) return { kind: 'client_gone', tier: decision.tier };
    throw error;
  }
};
