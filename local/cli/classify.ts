import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { applyFaq, DEFAULT_FAQ, matchFaq, type FaqEntry } from '../../lambdas/core/faq';
import { DEFAULT_LLM_CLASSIFIER_CONFIG } from '../../lambdas/app/classify-message';
import { fastPathSource, type ClassifierSource } from '../../lambdas/core/llm-classifier';
import { decideRoute } from '../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, type IntentClassifier, type Intent, type Tier } from '../../lambdas/core/vocabulary';

/** One output line for a classified input line (DESIGN section 3). */
export interface ClassifyLine {
  readonly text: string;
  readonly intent: Intent;
  readonly tier: Tier;
  readonly complexity: number;
  readonly confidence: number;
  /** Who decided: `rules`, `model` (the trained model's answer replaced the rules'), or `llm` (the LLM fallback). */
  readonly source: ClassifierSource;
  /** The fast path's confidence is below the LLM fallback's threshold: the gateway would ask the LLM. */
  readonly needsLlm: boolean;
}

export type ClassifyErrorCode = 'invalid_json' | 'missing_text';

/** The output line that holds the slot of an input line that could not be classified. */
export interface ClassifyErrorLine {
  readonly error: { readonly code: ClassifyErrorCode; readonly message: string };
  /** 1-based line number in the input, blank lines included. */
  readonly line: number;
}

export interface ClassifySummary {
  readonly classified: number;
  readonly errors: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Classifies one input line; pure, so the CLI loop is only I/O. `undefined` for a blank line (skipped). `faq` is
 * the FAQ answered on the template tier: the embedded default FAQ unless given (the CLI reads no table). The CLI
 * never calls a model: a line below `llmThreshold` says `needsLlm: true` and reports the fast path's decision.
 */
export const classifyLine = (
  raw: string,
  lineNumber: number,
  classifier: IntentClassifier,
  faq: readonly FaqEntry[] = DEFAULT_FAQ,
  llmThreshold: number = DEFAULT_LLM_CLASSIFIER_CONFIG.threshold,
): ClassifyLine | ClassifyErrorLine | undefined => {
  const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (line.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { error: { code: 'invalid_json', message: 'line is not valid JSON' }, line: lineNumber };
  }
  if (!isRecord(parsed) || typeof parsed['text'] !== 'string') {
    return { error: { code: 'missing_text', message: 'expected a JSON object with a string "text"' }, line: lineNumber };
  }
  const text = parsed['text'];
  const classification = classifier.classify(text);
  const { intent, complexity, confidence } = classification;
  // The tier the gateway's routing policy picks on the embedded defaults, FAQ answers included (a question that
  // matches an entry of the FAQ is answered on the template tier), so this agrees with a `route` frame.
  const { tier } = applyFaq(decideRoute(classification, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current), matchFaq(text, faq));
  return { text, intent, tier, complexity, confidence, source: fastPathSource(classification), needsLlm: confidence < llmThreshold };
};

/**
 * `cli classify`: reads JSON lines `{"text": ...}` from `input` and writes one JSON line per non-blank input
 * line to `output`, in order, streaming (one line in memory at a time, honouring backpressure). A line that is
 * not JSON or has no string `text` gets an error line in its slot; nothing stops the run.
 */
export const runClassify = async (
  input: Readable,
  output: Writable,
  classifier: IntentClassifier,
  faq: readonly FaqEntry[] = DEFAULT_FAQ,
): Promise<ClassifySummary> => {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let classified = 0;
  let errors = 0;
  for await (const raw of lines) {
    lineNumber += 1;
    const result = classifyLine(raw, lineNumber, classifier, faq);
    if (result === undefined) continue;
    if ('error' in result) errors += 1;
    else classified += 1;
    if (!output.write(`${JSON.stringify(result)}\n`)) await once(output, 'drain');
  }
  return { classified, errors };
};
