import { setTimeout as sleep } from 'node:timers/promises';
import { lastUserText, type ConverseRequest } from './converse-request';
import type { StopReason } from './event-stream';
import { hashSeed, mulberry32 } from './prng';
import { selectProfile, type ModelProfiles } from './profiles';
import type { ReplyGenerator } from './reply';
import { composeReply, estimateTokens, splitIntoTokens } from './text';

/**
 * The simulated model: a pure plan (text, chunks, delays, usage) derived from the seed and the request, then
 * played back in real time. The plan depends only on the seed, the modelId and the conversation, not on the
 * order of requests, so parallel tests stay reproducible.
 */
export interface ReplyChunk {
  readonly text: string;
  /** Simulated wait before this chunk, in model time (before `latencyScale`). */
  readonly delayMs: number;
}

export interface ReplyPlan {
  readonly profile: string;
  readonly text: string;
  readonly chunks: readonly ReplyChunk[];
  readonly stopReason: StopReason;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly timeToFirstTokenMs: number;
  /** Time to the last token in model time; reported as `metrics.latencyMs` whatever the `latencyScale`. */
  readonly latencyMs: number;
}

/** The question inside the gateway's `<customer_message>` delimiters (lambdas/core/prompts.ts), else the whole turn. */
const customerText = (text: string): string => /<customer_message>\n?([\s\S]*?)\n?<\/customer_message>/.exec(text)?.[1] ?? text;

/** Bedrock counts the system prompt and every turn of the conversation as input. */
export const estimateInputTokens = (request: ConverseRequest): number =>
  estimateTokens(request.system) + request.messages.reduce((sum, turn) => sum + estimateTokens(turn.text), 0);

export const planReply = (request: ConverseRequest, profiles: ModelProfiles, seed: number): ReplyPlan => {
  const { name, profile } = selectProfile(request.modelId, profiles);
  const conversation = request.messages.map((turn) => `${turn.role}:${turn.text}`).join('\n');
  const prng = mulberry32(hashSeed(seed, request.modelId, request.system, conversation));

  const naturalLength = Math.max(1, Math.round(prng.normal(profile.outputTokens.mean, profile.outputTokens.spread)));
  const allTokens = splitIntoTokens(composeReply(customerText(lastUserText(request)), naturalLength, prng));
  const maxTokens = request.maxTokens ?? Number.POSITIVE_INFINITY;
  const tokens = allTokens.length > maxTokens ? allTokens.slice(0, maxTokens) : allTokens;
  const stopReason: StopReason = tokens.length < allTokens.length ? 'max_tokens' : 'end_turn';

  const { mean, jitter } = profile.timeToFirstTokenMs;
  const timeToFirstTokenMs = Math.max(0, prng.between(mean - jitter, mean + jitter));
  const msPerToken = 1000 / profile.tokensPerSecond;
  const chunks: ReplyChunk[] = [];
  // One delta per 1-3 tokens, as Bedrock groups tokens; each token takes +-20% of the nominal interval.
  for (let index = 0; index < tokens.length; ) {
    const size = Math.min(prng.int(1, 3), tokens.length - index);
    const generationMs = size * msPerToken * prng.between(0.8, 1.2);
    chunks.push({ text: tokens.slice(index, index + size).join(''), delayMs: index === 0 ? timeToFirstTokenMs : generationMs });
    index += size;
  }
  return {
    profile: name,
    text: tokens.join(''),
    chunks,
    stopReason,
    inputTokens: estimateInputTokens(request),
    outputTokens: tokens.length,
    timeToFirstTokenMs: Math.round(timeToFirstTokenMs),
    latencyMs: Math.round(chunks.reduce((sum, chunk) => sum + chunk.delayMs, 0)),
  };
};

/**
 * Plays a plan in real time, `latencyScale` times model time. Waiting is cancelled by `signal` (the client
 * left), which clears the timer at once, so an aborted stream leaves nothing running.
 */
export async function* playReply(plan: ReplyPlan, latencyScale: number, signal: AbortSignal): ReplyGenerator {
  for (const chunk of plan.chunks) {
    const waitMs = chunk.delayMs * latencyScale;
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
    signal.throwIfAborted();
    yield chunk.text;
  }
  return { stopReason: plan.stopReason, inputTokens: plan.inputTokens, outputTokens: plan.outputTokens, latencyMs: plan.latencyMs };
}
