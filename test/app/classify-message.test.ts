import { performance } from 'node:perf_hooks';
import { MessageClassifier } from '../../lambdas/app/classify-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import type { Classification, IntentClassifier } from '../../lambdas/core/vocabulary';
import type { IntentOracle, IntentOracleAnswer } from '../../lambdas/ports';
import { RecordingMetrics } from '../../local/console-log';
import { silentLog } from '../support/fakes';

const cheapModel = MODEL_CATALOGS.current.haiku;
const UNSURE_EN = 'the thing from before';
const UNSURE_JA = 'あれはどうかな？';
const CONFIDENT_JA = '注文番号１２３４５はどこ？';

/**
 * The fast path as scripted: these tests are about the fallback around it, not about what today's rules and trained
 * model say of a message (a retrain may make any chosen "unsure" text confident; test/integration covers the real
 * classifier). CONFIDENT_JA is a sure order_status; every other text is what the rules say when nothing fires.
 */
const scriptedFastPath: IntentClassifier = {
  classify: (text: string): Classification =>
    text === CONFIDENT_JA
      ? { intent: 'order_status', confidence: 0.75, complexity: 1, signals: ['kw:order_status:ja_where'] }
      : { intent: 'unknown', confidence: 0.2, complexity: 1, signals: ['fallback:no_match'] },
};

class FakeOracle implements IntentOracle {
  calls: string[] = [];
  constructor(private readonly answer: (text: string, signal: AbortSignal) => Promise<IntentOracleAnswer>) {}
  classify(request: { readonly text: string; readonly signal: AbortSignal }): Promise<IntentOracleAnswer> {
    this.calls.push(request.text);
    return this.answer(request.text, request.signal);
  }
}

const answering = (input: unknown): FakeOracle => new FakeOracle(async () => ({ input, inputTokens: 400, outputTokens: 20 }));

const classifierWith = (oracle: IntentOracle | undefined, config = {}) => {
  const metrics = new RecordingMetrics();
  const classifier = new MessageClassifier({ fast: scriptedFastPath, ...(oracle && { oracle }), cheapModel, config, metrics, log: silentLog });
  return { classifier, metrics };
};

describe('MessageClassifier (the LLM classifier fallback)', () => {
  it('does not call the LLM when the fast path is confident', async () => {
    const oracle = answering({ intent: 'complaint', confidence: 0.9 });
    const { classifier, metrics } = classifierWith(oracle);
    const result = await classifier.classify(CONFIDENT_JA);
    expect(oracle.calls).toEqual([]);
    expect(result).toMatchObject({ source: 'rules', needsLlm: false, costUsd: 0, classification: { intent: 'order_status' } });
    expect(metrics.sum('ClassifierSource', { Source: 'rules' })).toBe(1);
    expect(metrics.sum('LlmFallbacks')).toBe(0);
  });

  it("asks the LLM below the threshold and takes its validated answer, cost included (Japanese input)", async () => {
    const oracle = answering({ intent: 'recommendation', confidence: 0.92 });
    const { classifier, metrics } = classifierWith(oracle);
    const result = await classifier.classify(UNSURE_JA);
    expect(oracle.calls).toEqual([UNSURE_JA]);
    expect(result).toMatchObject({ source: 'llm', needsLlm: true, classification: { intent: 'recommendation', confidence: 0.92 } });
    expect(result.classification.signals).toContain('llm:recommendation');
    // 400 input tokens at $1/M + 20 output tokens at $5/M
    expect(result.costUsd).toBeCloseTo(0.0005, 9);
    expect(result.usage).toEqual({ modelId: cheapModel.modelId, inputTokens: 400, outputTokens: 20 });
    expect(metrics.sum('ClassifierSource', { Source: 'llm' })).toBe(1);
    expect(metrics.sum('LlmFallbacks')).toBe(1);
    expect(metrics.sum('ClassifierCostMicroUsd')).toBe(500);
  });

  it('caches by normalized text: a second identical message makes no second call', async () => {
    const oracle = answering({ intent: 'recommendation', confidence: 0.9 });
    const { classifier, metrics } = classifierWith(oracle);
    const first = await classifier.classify(UNSURE_JA);
    const second = await classifier.classify(`  ${UNSURE_JA.replace('？', '?')} `);
    expect(oracle.calls).toHaveLength(1);
    expect(second).toMatchObject({ source: 'llm', costUsd: 0, classification: { intent: 'recommendation' } });
    expect(first.costUsd).toBeGreaterThan(0);
    expect(metrics.sum('LlmClassifierCacheHits')).toBe(1);
  });

  it('shares one call between identical messages in flight at once', async () => {
    const oracle = answering({ intent: 'recommendation', confidence: 0.9 });
    const { classifier } = classifierWith(oracle);
    const results = await Promise.all([classifier.classify(UNSURE_JA), classifier.classify(UNSURE_JA), classifier.classify(UNSURE_JA)]);
    expect(oracle.calls).toHaveLength(1);
    expect(results.map((r) => r.classification.intent)).toEqual(['recommendation', 'recommendation', 'recommendation']);
    expect(results.filter((r) => r.costUsd > 0)).toHaveLength(1);
  });

  it('evicts the least recently used answer past the cache size', async () => {
    const oracle = answering({ intent: 'unknown', confidence: 0.9 });
    const { classifier } = classifierWith(oracle, { cacheSize: 2 });
    for (const text of ['ところで', 'なるほどね', 'ところで', UNSURE_EN, 'ところで', 'なるほどね']) await classifier.classify(text);
    // ところで, なるほど, (ところで hit), the thing evicts なるほど, (ところで hit), なるほど again
    expect(oracle.calls).toEqual(['ところで', 'なるほどね', UNSURE_EN, 'なるほどね']);
  });

  it.each([
    ['an intent outside the vocabulary', { intent: 'weather', confidence: 0.99 }, 'unknown_intent'],
    ['malformed JSON', '{"intent": "recommendation", ', 'malformed_json'],
  ])('keeps the fast path on %s, charges the call, caches nothing', async (_what, input, reason) => {
    const oracle = answering(input);
    const { classifier, metrics } = classifierWith(oracle);
    const result = await classifier.classify(UNSURE_EN);
    expect(result).toMatchObject({ source: 'rules', needsLlm: true, classification: { intent: 'unknown', confidence: 0.2 } });
    expect(result.classification.signals.some((s) => s.startsWith('llm:'))).toBe(false);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(metrics.sum('LlmFallbackFailures', { Reason: reason })).toBe(1);
    await classifier.classify(UNSURE_EN);
    expect(oracle.calls).toHaveLength(2);
  });

  it('keeps the fast path when the call fails', async () => {
    const oracle = new FakeOracle(async () => {
      throw new Error('ThrottlingException');
    });
    const { classifier, metrics } = classifierWith(oracle);
    const result = await classifier.classify(UNSURE_JA);
    expect(result).toMatchObject({ source: 'rules', needsLlm: true, costUsd: 0, classification: { intent: 'unknown' } });
    expect(metrics.sum('LlmFallbackFailures', { Reason: 'error' })).toBe(1);
  });

  it('answers with the fast path within the timeout when the model hangs, and aborts the call', async () => {
    let aborted = false;
    const oracle = new FakeOracle(
      (_text, signal) =>
        new Promise<IntentOracleAnswer>(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    );
    const { classifier, metrics } = classifierWith(oracle, { timeoutMs: 100 });
    const startedAt = performance.now();
    const result = await classifier.classify(UNSURE_EN);
    const elapsed = performance.now() - startedAt;
    expect(result).toMatchObject({ source: 'rules', needsLlm: true, costUsd: 0, classification: { intent: 'unknown' } });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(400);
    expect(aborted).toBe(true);
    expect(metrics.sum('LlmFallbackFailures', { Reason: 'timeout' })).toBe(1);
  });

  it('reports needsLlm without an oracle and makes no call (the fast path stands)', async () => {
    const { classifier } = classifierWith(undefined);
    expect(await classifier.classify(UNSURE_EN)).toMatchObject({ source: 'rules', needsLlm: true, costUsd: 0 });
  });

  it('does not ask the LLM when told to skip it (a follow-up in a conversation)', async () => {
    const oracle = answering({ intent: 'recommendation', confidence: 0.9 });
    const { classifier } = classifierWith(oracle);
    const result = await classifier.classify('２つ目は？', { skipLlm: true });
    expect(oracle.calls).toEqual([]);
    expect(result).toMatchObject({ needsLlm: result.classification.confidence < 0.3, costUsd: 0 });
    expect(result.source).not.toBe('llm');
  });

  it('follows a configured threshold', async () => {
    const oracle = answering({ intent: 'order_status', confidence: 0.95 });
    const { classifier } = classifierWith(oracle, { threshold: 0.9 });
    const result = await classifier.classify(CONFIDENT_JA);
    expect(oracle.calls).toEqual([CONFIDENT_JA]);
    expect(result).toMatchObject({ source: 'llm', classification: { intent: 'order_status', confidence: 0.95 } });
  });
});
