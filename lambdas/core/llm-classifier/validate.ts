import { estimateComplexity } from '../classifier/complexity';
import { normalizeText } from '../classifier/normalize';
import { isIntent, type Classification, type Intent } from '../vocabulary';

/** The LLM's answer once validated: an intent of the vocabulary and a confidence in [0, 1]. */
export interface LlmAnswer {
  readonly intent: Intent;
  readonly confidence: number;
}

export type LlmValidation = { readonly ok: true; readonly answer: LlmAnswer } | { readonly ok: false; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates the tool input the model returned (an object, or a JSON string of one when a client hands the raw
 * text): `intent` must be one of the vocabulary; `confidence` a number, clamped to [0, 1] (absent: 0.5). Anything
 * else is rejected and the fast path's answer stands.
 */
export const validateLlmAnswer = (input: unknown): LlmValidation => {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'malformed_json' };
    }
  }
  if (!isRecord(value)) return { ok: false, reason: 'not_an_object' };
  if (!isIntent(value.intent)) return { ok: false, reason: 'unknown_intent' };
  const raw = value.confidence;
  if (raw !== undefined && (typeof raw !== 'number' || !Number.isFinite(raw))) return { ok: false, reason: 'bad_confidence' };
  const confidence = raw === undefined ? 0.5 : Math.min(1, Math.max(0, raw));
  return { ok: true, answer: { intent: value.intent, confidence: Math.round(confidence * 1000) / 1000 } };
};

/** Where a classification came from: the rules, the trained model (the ensemble's choice), or the LLM fallback. */
export type ClassifierSource = 'rules' | 'model' | 'llm';

/**
 * The fast path's source, read from the default classifier's signals (`ensemble:<mode>:<source>:...`); a
 * classifier without that signal (the rules alone) is `rules`.
 */
export const fastPathSource = (classification: Classification): Exclude<ClassifierSource, 'llm'> => {
  for (const signal of classification.signals) {
    const [kind, , source] = signal.split(':');
    if (kind === 'ensemble' && source === 'model') return 'model';
  }
  return 'rules';
};

/** The cache key of a message: the classifier's own normalization (NFKC, lower case, one space). */
export const llmCacheKey = (text: string): string => normalizeText(text);

/**
 * The classification once the LLM answered: its intent and confidence, signal `llm:<intent>` after the fast path's.
 * Complexity is re-estimated when the intent changed; a multi-intent reading of the fast path is kept only when the
 * LLM agrees with its first intent.
 */
export const applyLlmAnswer = (text: string, fast: Classification, answer: LlmAnswer): Classification => {
  const agrees = answer.intent === fast.intent;
  return {
    intent: answer.intent,
    confidence: answer.confidence,
    complexity: agrees ? fast.complexity : estimateComplexity(normalizeText(text), answer.intent),
    signals: [...fast.signals, `llm:${answer.intent}`],
    ...(agrees && fast.intents !== undefined && { intents: fast.intents }),
  };
};
