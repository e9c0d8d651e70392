import { costUsd, type ModelSpec } from '../core/catalog';
import {
  applyLlmAnswer,
  fastPathSource,
  llmCacheKey,
  validateLlmAnswer,
  type ClassifierSource,
  type LlmAnswer,
} from '../core/llm-classifier';
import type { Classification, IntentClassifier } from '../core/vocabulary';
import type { IntentOracle, Log, MetricsSink } from '../ports';

/**
 * The asynchronous classification step: the fast path (the default classifier: rules + trained model) decides;
 * when its confidence is below `threshold`, the LLM classifier (the cheap tier through one forced tool call) is
 * asked for a second opinion. Its answer is validated against the vocabulary and cached by normalized text (an
 * in-process LRU of `cacheSize` entries); on ANY failure (timeout, throttling, an intent outside the vocabulary,
 * malformed JSON) the fast path's answer stands. The call's cost is reported so the invoke path can charge it.
 */
export interface LlmClassifierConfig {
  /** Below this fast-path confidence the LLM is asked. */
  readonly threshold: number;
  /** The LLM call's time limit (ms); past it the fast path's answer stands. */
  readonly timeoutMs: number;
  /** How many validated answers the in-process cache keeps (least recently used evicted). */
  readonly cacheSize: number;
}

/**
 * 0.3 on `intents-dev`: below it are exactly the messages where no rule fired (the rules' 0.1-0.2) and the trained
 * model was below its own 0.6 threshold (EnsembleClassifier), 4.9% of dev messages (`npm run bench:intents`, LLM
 * share); every answer that stands has 0.3 or more. 0.5 would also send the rules' weak hits (0.3-0.5, about 19%).
 */
export const DEFAULT_LLM_CLASSIFIER_CONFIG: LlmClassifierConfig = { threshold: 0.3, timeoutMs: 800, cacheSize: 1000 };

export interface ClassifiedMessage {
  readonly classification: Classification;
  readonly source: ClassifierSource;
  /** The fast path was below the threshold (whether or not the LLM then answered). */
  readonly needsLlm: boolean;
  /** What the LLM call cost (USD, the cheap tier's prices); 0 without a call (confident, cached, no oracle). */
  readonly costUsd: number;
  /** The LLM call's usage, when one was made and answered (what the charge step settles). */
  readonly usage?: { readonly modelId: string; readonly inputTokens: number; readonly outputTokens: number };
}

export interface ClassifyOptions {
  /**
   * The fast path's answer stands whatever its confidence: a short follow-up in a conversation, which inherits the
   * previous turn's intent (the LLM sees the message alone and would name a topic the conversation already has).
   */
  readonly skipLlm?: boolean;
}

/** What the router needs: an asynchronous classifier. */
export interface MessageClassification {
  classify(text: string, options?: ClassifyOptions): Promise<ClassifiedMessage>;
}

export interface MessageClassifierDeps {
  readonly fast: IntentClassifier;
  /** Absent: the fast path always stands (offline CLI, or no model configured). */
  readonly oracle?: IntentOracle;
  /** The cheap tier the oracle calls: its prices cost the call. */
  readonly cheapModel: ModelSpec;
  readonly config?: Partial<LlmClassifierConfig>;
  readonly metrics: MetricsSink;
  readonly log: Log;
}

class FallbackTimeoutError extends Error {
  override readonly name = 'FallbackTimeoutError';
}

/** Resolves with the oracle's answer, or rejects once `timeoutMs` passed (aborting the call), whatever the oracle does. */
const withTimeout = async <T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FallbackTimeoutError(`LLM classifier took more than ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
};

export class MessageClassifier implements MessageClassification {
  readonly config: LlmClassifierConfig;
  private readonly cache = new Map<string, LlmAnswer>();
  /** Calls in flight by cache key: identical messages at once (a release-night burst) share one call. */
  private readonly inFlight = new Map<string, Promise<ClassifiedMessage>>();

  constructor(private readonly deps: MessageClassifierDeps) {
    this.config = { ...DEFAULT_LLM_CLASSIFIER_CONFIG, ...deps.config };
  }

  async classify(text: string, options: ClassifyOptions = {}): Promise<ClassifiedMessage> {
    const fast = this.deps.fast.classify(text);
    const needsLlm = fast.confidence < this.config.threshold;
    const ask = needsLlm && this.deps.oracle !== undefined && options.skipLlm !== true;
    const result = ask && this.deps.oracle ? await this.fallback(text, fast, this.deps.oracle) : undefined;
    const classified: ClassifiedMessage = result ?? { classification: fast, source: fastPathSource(fast), needsLlm, costUsd: 0 };
    this.deps.metrics.record('ClassifierSource', 1, 'Count', { Source: classified.source });
    return classified;
  }

  private async fallback(text: string, fast: Classification, oracle: IntentOracle): Promise<ClassifiedMessage | undefined> {
    const { metrics } = this.deps;
    metrics.record('LlmFallbacks', 1, 'Count');
    const key = llmCacheKey(text);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Least recently used first: a hit moves to the end.
      this.cache.delete(key);
      this.cache.set(key, cached);
      metrics.record('LlmClassifierCacheHits', 1, 'Count');
      return { classification: applyLlmAnswer(text, fast, cached), source: 'llm', needsLlm: true, costUsd: 0 };
    }
    const shared = this.inFlight.get(key);
    if (shared !== undefined) {
      // The first caller pays for the call; the others get its outcome (the fast path, if it failed) at no cost.
      const outcome = await shared;
      metrics.record('LlmClassifierCacheHits', 1, 'Count');
      if (outcome.source !== 'llm') return { classification: fast, source: fastPathSource(fast), needsLlm: true, costUsd: 0 };
      const answer = { intent: outcome.classification.intent, confidence: outcome.classification.confidence };
      return { classification: applyLlmAnswer(text, fast, answer), source: 'llm', needsLlm: true, costUsd: 0 };
    }
    const call = this.call(text, key, fast, oracle);
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async call(text: string, key: string, fast: Classification, oracle: IntentOracle): Promise<ClassifiedMessage> {
    const { metrics, log, cheapModel } = this.deps;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    try {
      const answer = await withTimeout((signal) => oracle.classify({ text, signal }), this.config.timeoutMs);
      usage = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
      const validated = validateLlmAnswer(answer.input);
      if (!validated.ok) throw new Error(`LLM classifier answer rejected: ${validated.reason}`, { cause: validated.reason });
      this.remember(key, validated.answer);
      const cost = costUsd(cheapModel, usage);
      metrics.record('ClassifierCostMicroUsd', Math.round(cost * 1e6), 'None');
      return {
        classification: applyLlmAnswer(text, fast, validated.answer),
        source: 'llm',
        needsLlm: true,
        costUsd: cost,
        usage: { modelId: cheapModel.modelId, ...usage },
      };
    } catch (error) {
      // The fast path stands. A call that answered (even wrongly) still cost its tokens.
      const cost = usage === undefined ? 0 : costUsd(cheapModel, usage);
      const reason = error instanceof FallbackTimeoutError ? 'timeout' : typeof (error as Error).cause === 'string' ? String((error as Error).cause) : 'error';
      metrics.record('LlmFallbackFailures', 1, 'Count', { Reason: reason });
      if (cost > 0) metrics.record('ClassifierCostMicroUsd', Math.round(cost * 1e6), 'None');
      log.warn('LLM classifier fallback failed; the fast path stands', { reason, error, intent: fast.intent, confidence: fast.confidence });
      return {
        classification: fast,
        source: fastPathSource(fast),
        needsLlm: true,
        costUsd: cost,
        ...(usage && { usage: { modelId: cheapModel.modelId, ...usage } }),
      };
    }
  }

  private remember(key: string, answer: LlmAnswer): void {
    this.cache.delete(key);
    this.cache.set(key, answer);
    while (this.cache.size > this.config.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}

/** The fast path alone, asynchronous: what the router gets when no LLM classifier is wired. */
export const fastPathOnly = (fast: IntentClassifier, deps: Pick<MessageClassifierDeps, 'cheapModel' | 'metrics' | 'log'>): MessageClassifier =>
  new MessageClassifier({ fast, ...deps });
