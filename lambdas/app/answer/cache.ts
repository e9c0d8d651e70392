import { createHash } from 'node:crypto';
import type { RouteDecision } from '../../core/routing';
import { isCacheableDecision, normalizeForCache } from '../../core/spend';
import type { ModelTier } from '../../core/vocabulary';
import type { Answer, AnswerDeps, AnswerRequest } from './types';

const cacheKey = (tier: ModelTier, decision: RouteDecision, message: string): string =>
  `answer:v1:${tier}:${decision.intent}:${createHash('sha256').update(normalizeForCache(message)).digest('hex')}`;

/** A cached answer of the routed tier, at zero cost; undefined on a miss, for uncacheable intents, or if the cache is down. */
export const cachedAnswer = async (
  deps: Pick<AnswerDeps, 'cache' | 'catalog' | 'log' | 'metrics'>,
  request: AnswerRequest,
  decision: RouteDecision,
  tier: ModelTier,
): Promise<Answer | undefined> => {
  if (!isCacheableDecision(decision)) return undefined;
  let text: string | undefined;
  try {
    text = await deps.cache.get(cacheKey(tier, decision, request.message));
  } catch (error) {
    // A cache outage costs money (a model call) but must not cost the answer.
    deps.log.warn('response cache unavailable; answering from the model', { error });
    deps.metrics.record('CacheErrors', 1, 'Count');
  }
  if (text === undefined) return undefined;
  deps.metrics.record('CacheHits', 1, 'Count', { Intent: decision.intent });
  return { chunk: text, tier, model: deps.catalog[tier].modelId, target: null, cacheHit: true, inputTokens: 0, outputTokens: 0, costUsd: 0 };
};

/**
 * Caches a model's answer under the routed tier: only complete answers of cacheable intents, and only when the
 * routed tier answered (a fallback answer must not stand in for the strong tier). A failed write is logged.
 */
export const cacheAnswer = async (
  deps: Pick<AnswerDeps, 'cache' | 'log'>,
  request: AnswerRequest,
  decision: RouteDecision,
  routedTier: ModelTier,
  answer: { readonly tier: ModelTier; readonly text: string; readonly stopReason: string },
  ttlSeconds: number,
): Promise<void> => {
  if (!isCacheableDecision(decision) || answer.stopReason !== 'end_turn' || answer.tier !== routedTier) return;
  await deps.cache.set(cacheKey(routedTier, decision, request.message), answer.text, ttlSeconds).catch((error: unknown) => {
    deps.log.warn('response cache write failed', { error });
  });
};
