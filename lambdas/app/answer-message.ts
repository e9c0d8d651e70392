import { createHash } from 'node:crypto';
import { costUsd, type ModelCatalog } from '../core/catalog';
import { extractOrderId } from '../core/classifier';
import { ChunkCoalescer, type CoalescerOptions } from '../core/coalescer';
import { ConnectionGoneError, ModelError, ModelStreamInterruptedError, ModelTimeoutError, ModelUnavailableError } from '../core/errors';
import { detectLanguage, estimateTokens, type Language } from '../core/language';
import { systemPrompt } from '../core/prompts';
import type { DoneReply } from '../core/protocol';
import { fallbackChain, type RouteDecision } from '../core/routing';
import { budgetDay, isCacheable, normalizeForCache } from '../core/spend';
import { isTemplateIntent, renderTemplateReply } from '../core/templates';
import type { ModelTier, Tier } from '../core/vocabulary';
import type { Clock, Log, Messenger, MetricsSink, ModelClient, OrderStore, ResponseCache, SpendLedger } from '../ports';

export interface AnswerOptions {
  readonly coalescer: CoalescerOptions;
  readonly cacheTtlSeconds: number;
  /** Whole-answer deadline; below API Gateway's 29 s integration timeout so the client hears why. */
  readonly deadlineMs: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  coalescer: { maxChars: 160, maxDelayMs: 120 },
  cacheTtlSeconds: 3600,
  deadlineMs: 25_000,
};

export interface AnswerDeps {
  readonly route: (text: string) => Promise<RouteDecision>;
  readonly catalog: ModelCatalog;
  readonly orders: OrderStore;
  readonly model: ModelClient;
  readonly cache: ResponseCache;
  readonly spend: SpendLedger;
  readonly messenger: Messenger;
  readonly clock: Clock;
  readonly metrics: MetricsSink;
  readonly log: Log;
  readonly options: AnswerOptions;
}

export interface AnswerRequest {
  readonly connectionId: string;
  readonly requestId: string;
  readonly message: string;
  /** When the gateway received the frame (epoch ms): latency is measured from here. */
  readonly receivedAt: number;
}

export type AnswerOutcome =
  | { readonly kind: 'answered'; readonly done: DoneReply }
  | { readonly kind: 'failed'; readonly error: ModelError; readonly tier: ModelTier }
  | { readonly kind: 'client_gone'; readonly tier: Tier };

/**
 * Answers one chat message: route, then the template tier from the orders table or a model tier through a
 * streamed call, coalesced chunks to the connection, spend charged for the tier actually called, and a `done`
 * frame. Model failures before any text fall back to a cheaper tier; failures after text end in an error (thrown
 * ModelError), never a silently truncated answer. A client that left (410) stops the posting and the stream.
 */
export const answerMessage = async (deps: AnswerDeps, request: AnswerRequest): Promise<AnswerOutcome> => {
  const decision = await deps.route(request.message);
  const language = detectLanguage(request.message);
  try {
    if (decision.tier === 'template' && isTemplateIntent(decision.intent)) {
      return await answerFromTemplate(deps, request, decision, language);
    }
    const tier: ModelTier = decision.tier === 'template' ? 'haiku' : decision.tier;
    const cached = await answerFromCache(deps, request, decision, tier);
    if (cached) return cached;
    return await answerFromModel(deps, request, decision, tier, language);
  } catch (error) {
    if (error instanceof ConnectionGoneError) return { kind: 'client_gone', tier: decision.tier };
    throw error;
  }
};

const doneFrame = (
  deps: AnswerDeps,
  request: AnswerRequest,
  decision: RouteDecision,
  fields: Pick<DoneReply, 'tier' | 'model' | 'cacheHit' | 'inputTokens' | 'outputTokens' | 'costUsd'>,
): DoneReply => ({
  type: 'done',
  requestId: request.requestId,
  intent: decision.intent,
  escalated: false,
  latencyMs: Math.max(0, deps.clock.now() - request.receivedAt),
  ...fields,
});

const finish = async (deps: AnswerDeps, request: AnswerRequest, done: DoneReply): Promise<AnswerOutcome> => {
  await deps.messenger.send(request.connectionId, done);
  deps.metrics.record('RequestLatency', done.latencyMs, 'Milliseconds', { Tier: done.tier });
  deps.metrics.record('Requests', 1, 'Count', { Intent: done.intent, Tier: done.tier });
  return { kind: 'answered', done };
};

const answerFromTemplate = async (
  deps: AnswerDeps,
  request: AnswerRequest,
  decision: RouteDecision,
  language: Language,
): Promise<AnswerOutcome> => {
  let text: string;
  if (decision.intent === 'order_status') {
    const orderId = extractOrderId(request.message);
    const order = orderId === undefined ? undefined : await deps.orders.getOrder(orderId);
    text = renderTemplateReply({ kind: 'order_status', language, ...(orderId && { orderId }), ...(order && { order }) });
  } else {
    text = renderTemplateReply({ kind: decision.intent === 'escalation' ? 'escalation' : 'greeting', language });
  }
  await deps.messenger.send(request.connectionId, { type: 'chunk', requestId: request.requestId, text });
  const fields = { tier: 'template', model: null, cacheHit: false, inputTokens: 0, outputTokens: 0, costUsd: 0 } as const;
  return finish(deps, request, doneFrame(deps, request, decision, fields));
};

const cacheKey = (tier: ModelTier, decision: RouteDecision, message: string): string =>
  `answer:v1:${tier}:${decision.intent}:${createHash('sha256').update(normalizeForCache(message)).digest('hex')}`;

const answerFromCache = async (
  deps: AnswerDeps,
  request: AnswerRequest,
  decision: RouteDecision,
  tier: ModelTier,
): Promise<AnswerOutcome | undefined> => {
  if (!isCacheable(decision.intent)) return undefined;
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
  await deps.messenger.send(request.connectionId, { type: 'chunk', requestId: request.requestId, text });
  const fields = { tier, model: deps.catalog[tier].modelId, cacheHit: true, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  return finish(deps, request, doneFrame(deps, request, decision, fields));
};

interface StreamResult {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly stopReason: string;
}

const answerFromModel = async (
  deps: AnswerDeps,
  request: AnswerRequest,
  decision: RouteDecision,
  routedTier: ModelTier,
  language: Language,
): Promise<AnswerOutcome> => {
  const chain = fallbackChain(routedTier);
  let lastError: ModelError = new ModelUnavailableError('no model tier available');
  let lastTier: ModelTier = routedTier;
  for (const [index, tier] of chain.entries()) {
    lastTier = tier;
    const attempt = new ModelAttempt(deps, request, decision, tier, language);
    try {
      const result = await attempt.run();
      const spec = deps.catalog[tier];
      const cost = costUsd(spec, result);
      await chargeSpend(deps, tier, cost);
      // Only complete answers of the routed tier are cached: a fallback answer must not stand in for the strong tier.
      if (isCacheable(decision.intent) && result.stopReason === 'end_turn' && tier === routedTier) {
        await deps.cache.set(cacheKey(routedTier, decision, request.message), result.text, deps.options.cacheTtlSeconds).catch((error: unknown) => {
          deps.log.warn('response cache write failed', { error });
        });
      }
      const fields = { tier, model: spec.modelId, cacheHit: false, inputTokens: result.inputTokens, outputTokens: result.outputTokens, costUsd: cost };
      return await finish(deps, request, doneFrame(deps, request, decision, fields));
    } catch (error) {
      // Whatever was streamed before the failure was generated, so it is paid for.
      await chargeSpend(deps, tier, attempt.spentSoFar());
      if (error instanceof ConnectionGoneError) {
        deps.metrics.record('ClientGoneAborts', 1, 'Count', { Tier: tier });
        throw error;
      }
      if (!(error instanceof ModelError)) throw error;
      lastError = error;
      const canFallBack = attempt.sentText === 0 && error.retryable && index < chain.length - 1;
      deps.log.warn('model call failed', { tier, code: error.code, sentChars: attempt.sentText, fallingBack: canFallBack, error });
      if (!canFallBack) break;
      deps.metrics.record('ModelFallbacks', 1, 'Count', { Tier: tier });
    }
  }
  deps.metrics.record('FallbackReplies', 1, 'Count', { Tier: lastTier });
  return { kind: 'failed', error: lastError, tier: lastTier };
};

const chargeSpend = async (deps: AnswerDeps, tier: ModelTier, usd: number): Promise<void> => {
  if (usd <= 0) return;
  deps.metrics.record('ModelCostMicroUsd', Math.round(usd * 1e6), 'Count', { Tier: tier });
  try {
    await deps.spend.add({ day: budgetDay(deps.clock.now()), tier, usd });
  } catch (error) {
    // Logged with the amount so the day's spend can be reconciled from the logs.
    deps.log.error('spend not recorded', { tier, usd, error });
  }
};

/** One streamed call to one tier: coalesces text into chunk frames and remembers what it sent and spent. */
class ModelAttempt {
  sentText = 0;
  /** Bedrock bills a call once it is accepted; a throttled or refused call costs nothing. */
  private accepted = false;
  private streamedText = '';
  private inputTokens: number;
  private readonly spec;
  private readonly system: string;

  constructor(
    private readonly deps: AnswerDeps,
    private readonly request: AnswerRequest,
    decision: RouteDecision,
    tier: ModelTier,
    language: Language,
  ) {
    this.spec = deps.catalog[tier];
    this.system = systemPrompt(decision.intent, language);
    // An estimate until the stream's usage metadata replaces it; what an interrupted call is charged by.
    this.inputTokens = estimateTokens(this.system + request.message);
  }

  spentSoFar(): number {
    if (!this.accepted) return 0;
    return costUsd(this.spec, { inputTokens: this.inputTokens, outputTokens: estimateTokens(this.streamedText) });
  }

  async run(): Promise<StreamResult> {
    const stopStream = new AbortController();
    const deadline = AbortSignal.timeout(this.deps.options.deadlineMs);
    const signal = AbortSignal.any([stopStream.signal, deadline]);
    const coalescer = new ChunkCoalescer(this.deps.options.coalescer);
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    let stopReason: string | undefined;
    try {
      const stream = this.deps.model.stream({
        modelId: this.spec.modelId,
        system: this.system,
        messages: [{ role: 'user', text: this.request.message }],
        maxTokens: this.spec.maxOutputTokens,
        signal,
      });
      for await (const event of stream) {
        this.accepted = true;
        switch (event.type) {
          case 'text': {
            this.streamedText += event.text;
            const chunk = coalescer.push(event.text, this.deps.clock.now());
            if (chunk !== undefined) await this.post(chunk, stopStream);
            break;
          }
          case 'usage':
            usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
            break;
          case 'stop':
            stopReason = event.reason;
            break;
        }
      }
    } catch (error) {
      if (error instanceof ConnectionGoneError || error instanceof ModelError) throw error;
      if (deadline.aborted) throw new ModelTimeoutError(`no complete answer within ${this.deps.options.deadlineMs} ms`, { cause: error });
      throw error;
    }
    if (stopReason === undefined) {
      // A stream can end without an error yet without its stop event (a dropped HTTP/2 stream does): truncated.
      throw new ModelStreamInterruptedError('model stream ended without a stop event');
    }
    const rest = coalescer.flush();
    if (rest !== undefined) await this.post(rest, stopStream);
    if (usage) this.inputTokens = usage.inputTokens;
    return {
      text: this.streamedText,
      inputTokens: this.inputTokens,
      outputTokens: usage?.outputTokens ?? estimateTokens(this.streamedText),
      stopReason,
    };
  }

  private async post(text: string, stopStream: AbortController): Promise<void> {
    try {
      await this.deps.messenger.send(this.request.connectionId, { type: 'chunk', requestId: this.request.requestId, text });
      this.sentText += text.length;
    } catch (error) {
      // The answer cannot reach the client (it left, or posting fails): abort the model stream so generation
      // and spend stop now.
      stopStream.abort(error);
      throw error;
    }
  }
}
