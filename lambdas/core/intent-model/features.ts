/**
 * Hashed features of a normalized message (normalizeText: NFKC, lowercase), for the trained intent model.
 *
 * - character n-grams of 1 to 3 characters over each Japanese run (hiragana, katakana, CJK): no tokenizer needed;
 * - character n-grams of 3 and 4 characters over each Latin word padded with spaces (sub-word paraphrase cues);
 * - Latin word unigrams and bigrams.
 * Digit runs fold to one `0` (order numbers, volume numbers; full-width digits are folded by NFKC before).
 * Each feature is hashed (FNV-1a, 32 bit) into `buckets` slots; a message's vector is binary and L2-normalized.
 */

const JAPANESE_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u30fc々〆]+/gu;
const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/gu;

const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** The distinct feature strings of a normalized message (exported for tests and debugging). */
export const featureStrings = (normalized: string): string[] => {
  const text = normalized.replace(/[0-9]+/g, '0');
  const features = new Set<string>();
  for (const match of text.matchAll(JAPANESE_RUN)) {
    const run = match[0];
    for (let n = 1; n <= 3; n += 1) {
      for (let i = 0; i + n <= run.length; i += 1) features.add(`j${run.slice(i, i + n)}`);
    }
  }
  const words = [...text.matchAll(LATIN_WORD)].map((match) => match[0]);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    features.add(`w${word}`);
    if (i + 1 < words.length) features.add(`b${word} ${words[i + 1] ?? ''}`);
    const padded = ` ${word} `;
    for (let n = 3; n <= 4; n += 1) {
      for (let j = 0; j + n <= padded.length; j += 1) features.add(`c${padded.slice(j, j + n)}`);
    }
  }
  if (features.size === 0) features.add('empty');
  return [...features];
};

export interface FeatureVector {
  readonly indices: Uint32Array;
  /** Every feature has the same value 1 / sqrt(count). */
  readonly value: number;
}

/** Distinct hashed bucket indices of a normalized message (collisions merge), with their common value. */
export const featurize = (normalized: string, buckets: number): FeatureVector => {
  const seen = new Set<number>();
  for (const feature of featureStrings(normalized)) seen.add(fnv1a(feature) % buckets);
  const indices = Uint32Array.from([...seen].sort((a, b) => a - b));
  return { indices, value: 1 / Math.sqrt(indices.length) };
};
