import { mulberry32 } from '../prng';
import type { Intent } from '../vocabulary';

/** One labelled example of the project's own data (training/intents*.jsonl): only its text and intent matter here. */
export interface LabelledExample {
  readonly text: string;
  readonly intent: string;
}

/** The seed of the default selection: the same `--n` always picks the same questions, so two runs compare. */
export const DEFAULT_SAMPLE_SEED = 5;

/** Case, width and spacing variants of one question are one sample: judging a question twice weighs it double. */
const sampleKey = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Up to `n` distinct questions of `intent`, picked by a seeded shuffle (mulberry32, Fisher-Yates) of the examples
 * in their given order: deterministic for a given seed and data, and spread over every source rather than the
 * first file's head. Fewer than `n` when the intent has fewer distinct examples (the caller says so).
 */
export const selectSamples = (examples: readonly LabelledExample[], intent: Intent, n: number, seed: number = DEFAULT_SAMPLE_SEED): string[] => {
  const seen = new Set<string>();
  const pool: string[] = [];
  for (const example of examples) {
    if (example.intent !== intent) continue;
    const text = example.text.trim();
    const key = sampleKey(text);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    pool.push(text);
  }
  const prng = mulberry32(seed);
  for (let i = pool.length - 1; i > 0; i -= 1) {
    const j = prng.int(0, i);
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  return pool.slice(0, Math.max(0, n));
};

/** A line of a samples file that was not used, with its 1-based number: reported, never fatal. */
export interface SampleLineError {
  readonly line: number;
  readonly code: 'not_json' | 'no_text';
  readonly message: string;
}

/**
 * Parses a samples file: JSON lines `{"text": "..."}` (other members ignored). Blank lines are skipped; a line that
 * is not JSON, or has no non-blank string `text`, is reported with its number and the rest are used.
 */
export const parseSampleLines = (content: string): { readonly samples: string[]; readonly errors: SampleLineError[] } => {
  const samples: string[] = [];
  const errors: SampleLineError[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      errors.push({ line, code: 'not_json', message: 'not a JSON value' });
      return;
    }
    const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { text?: unknown }).text : undefined;
    if (typeof text !== 'string' || text.trim() === '') {
      errors.push({ line, code: 'no_text', message: 'no non-blank string "text"' });
      return;
    }
    samples.push(text.trim());
  });
  return { samples, errors };
};
