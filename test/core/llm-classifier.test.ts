import {
  applyLlmAnswer,
  CLASSIFIER_INPUT_SCHEMA,
  CLASSIFIER_SYSTEM_PROMPT,
  fastPathSource,
  llmCacheKey,
  validateLlmAnswer,
} from '../../lambdas/core/llm-classifier';
import { INTENTS, type Classification } from '../../lambdas/core/vocabulary';

const fast: Classification = { intent: 'unknown', confidence: 0.2, complexity: 2, signals: ['fallback:no_match', 'model:recommendation:0.6', 'ensemble:upgrade:rules:agree=0.5'] };

describe('the LLM classifier request', () => {
  it('restricts the tool input to the vocabulary with a strict schema', () => {
    expect(CLASSIFIER_INPUT_SCHEMA.properties.intent.enum).toEqual([...INTENTS]);
    expect(CLASSIFIER_INPUT_SCHEMA.additionalProperties).toBe(false);
    expect(CLASSIFIER_INPUT_SCHEMA.required).toEqual(['intent', 'confidence']);
  });

  it('describes every intent in the system prompt', () => {
    for (const intent of INTENTS) expect(CLASSIFIER_SYSTEM_PROMPT).toContain(`- ${intent}:`);
  });
});

describe('validateLlmAnswer', () => {
  it('accepts an intent of the vocabulary and clamps the confidence', () => {
    expect(validateLlmAnswer({ intent: 'recommendation', confidence: 0.87 })).toEqual({ ok: true, answer: { intent: 'recommendation', confidence: 0.87 } });
    expect(validateLlmAnswer({ intent: 'complaint', confidence: 7 })).toEqual({ ok: true, answer: { intent: 'complaint', confidence: 1 } });
    expect(validateLlmAnswer({ intent: 'complaint' })).toEqual({ ok: true, answer: { intent: 'complaint', confidence: 0.5 } });
  });

  it('accepts the JSON text of an answer', () => {
    expect(validateLlmAnswer('{"intent":"manga_qa","confidence":0.9}')).toMatchObject({ ok: true, answer: { intent: 'manga_qa' } });
  });

  it('rejects an intent outside the vocabulary', () => {
    expect(validateLlmAnswer({ intent: 'weather', confidence: 0.99 })).toEqual({ ok: false, reason: 'unknown_intent' });
    expect(validateLlmAnswer({ intent: 'Recommendation', confidence: 0.99 })).toEqual({ ok: false, reason: 'unknown_intent' });
  });

  it('rejects malformed JSON and other shapes', () => {
    expect(validateLlmAnswer('{"intent": "recommendation"')).toEqual({ ok: false, reason: 'malformed_json' });
    expect(validateLlmAnswer('I think it is a recommendation')).toEqual({ ok: false, reason: 'malformed_json' });
    expect(validateLlmAnswer(['recommendation'])).toEqual({ ok: false, reason: 'not_an_object' });
    expect(validateLlmAnswer(null)).toEqual({ ok: false, reason: 'not_an_object' });
    expect(validateLlmAnswer({ intent: 'recommendation', confidence: 'high' })).toEqual({ ok: false, reason: 'bad_confidence' });
  });
});

describe('applyLlmAnswer', () => {
  it("takes the LLM's intent and adds llm:<intent> after the fast path's signals", () => {
    const result = applyLlmAnswer('何かおすすめの漫画ある？', fast, { intent: 'recommendation', confidence: 0.9 });
    expect(result).toMatchObject({ intent: 'recommendation', confidence: 0.9 });
    expect(result.signals).toEqual([...fast.signals, 'llm:recommendation']);
    expect(result.complexity).toBeGreaterThanOrEqual(1);
  });

  it('keeps a multi-intent reading only when the LLM agrees with its first intent', () => {
    const multi: Classification = { ...fast, intent: 'order_status', intents: ['order_status', 'recommendation'] };
    expect(applyLlmAnswer('x', multi, { intent: 'order_status', confidence: 0.8 }).intents).toEqual(['order_status', 'recommendation']);
    expect(applyLlmAnswer('x', multi, { intent: 'complaint', confidence: 0.8 }).intents).toBeUndefined();
  });
});

describe('fastPathSource and the cache key', () => {
  it("reads the ensemble's choice from the signals", () => {
    expect(fastPathSource(fast)).toBe('rules');
    expect(fastPathSource({ ...fast, signals: ['model:recommendation:0.95', 'ensemble:upgrade:model:agree=0.5'] })).toBe('model');
    expect(fastPathSource({ ...fast, signals: ['kw:greeting:hello'] })).toBe('rules');
  });

  it('normalizes full-width characters, case and spaces', () => {
    expect(llmCacheKey('  注文番号１２３４５　ＨＥＬＬＯ  ')).toBe(llmCacheKey('注文番号12345 hello'));
  });
});
