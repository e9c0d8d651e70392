import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { INTENTS, isIntent, type Intent } from '../vocabulary';

/**
 * The serialized intent model (intent-model.json, written by `npm run train:intents`):
 * a multinomial logistic regression over hashed features, its weights quantized to int8 with one scale and pruned
 * to the largest ones, packed in binary.
 *
 * `weights`: base64 of a raw-deflate stream holding, for each class in turn, the buckets of its `counts[c]` non-zero
 * weights as LEB128 varints (ascending, each the delta from the class's previous bucket, the first from 0), then all
 * the weights as int8 in the same order (deltas and values apart: each stream compresses better alone). Weight =
 * q * scale. Twice as many weights fit in the size budget as in version 1's base-36 text, and pruning was what cost
 * the model most (bench:intents: 66% on dev with version 1's 17k weights, 72% unpruned).
 * `vocabulary`: base64 of the raw-deflated, space-separated vocabulary.
 */
export interface IntentModelArtifact {
  readonly version: 2;
  readonly buckets: number;
  readonly classes: readonly string[];
  readonly scale: number;
  readonly bias: readonly number[];
  /** Softmax temperature fitted on held-out training rows (calibration). */
  readonly temperature: number;
  /** Non-zero weights per class. */
  readonly counts: readonly number[];
  readonly weights: string;
  /** The training rows' Latin words, most frequent first (spelling.ts), space-separated and deflated. */
  readonly vocabulary: string;
  /** Provenance: rows, epochs, seed, held-out accuracy; not used at inference. */
  readonly meta: Readonly<Record<string, string | number>>;
}

/** Packs per-class quantized weight rows (index = bucket, 0 = pruned) into `counts` and the `weights` string. */
export const encodeWeights = (rows: readonly Int8Array[]): { counts: number[]; weights: string } => {
  const deltas: number[] = [];
  const values: number[] = [];
  const counts = rows.map((row) => {
    let previous = 0;
    let count = 0;
    row.forEach((q, bucket) => {
      if (q === 0) return;
      for (let delta = bucket - previous; ; delta >>>= 7) {
        if (delta < 0x80) {
          deltas.push(delta);
          break;
        }
        deltas.push((delta & 0x7f) | 0x80);
      }
      values.push(q & 0xff);
      previous = bucket;
      count += 1;
    });
    return count;
  });
  return { counts, weights: deflate(Buffer.from([...deltas, ...values])) };
};

const deflate = (bytes: Buffer): string => deflateRawSync(bytes, { level: 9 }).toString('base64');
const inflate = (base64: string): Buffer => {
  try {
    return inflateRawSync(Buffer.from(base64, 'base64'));
  } catch {
    throw new Error('intent model: corrupt weights');
  }
};

export const encodeVocabulary = (words: readonly string[]): string => deflate(Buffer.from(words.join(' '), 'utf8'));

/**
 * The artifact with its packed fields inflated: what `train:intents --check` and the tests compare. Deflate's bytes
 * may differ between zlib builds (Node versions, CPU-specific match finders) for the same content.
 */
export const artifactContent = (artifact: IntentModelArtifact): string =>
  JSON.stringify({ ...artifact, weights: inflate(artifact.weights).toString('base64'), vocabulary: inflate(artifact.vocabulary).toString('utf8') });

export interface DecodedArtifact {
  readonly classes: Intent[];
  /** Dense bucket-major weight matrix: weight of (bucket b, class c) at b * classes + c. */
  readonly dense: Float32Array;
  readonly bias: Float32Array;
  readonly vocabulary: string[];
}

export const decodeArtifact = (artifact: IntentModelArtifact): DecodedArtifact => {
  if (artifact.version !== 2) throw new Error(`intent model: unsupported artifact version ${String(artifact.version)}`);
  const classes = artifact.classes.map((name) => {
    if (!isIntent(name)) throw new Error(`intent model: unknown class "${name}"`);
    return name;
  });
  if (classes.length !== artifact.counts.length || classes.length !== artifact.bias.length) {
    throw new Error('intent model: classes, counts and bias differ in length');
  }
  const k = classes.length;
  const bytes = inflate(artifact.weights);
  const total = artifact.counts.reduce((sum, count) => sum + count, 0);
  const dense = new Float32Array(artifact.buckets * k);
  let at = 0;
  let valueAt = bytes.length - total;
  artifact.counts.forEach((count, c) => {
    let bucket = 0;
    for (let i = 0; i < count; i += 1) {
      let delta = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at] ?? 0;
        at += 1;
        delta |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      bucket += delta;
      const q = ((bytes[valueAt] ?? 0) << 24) >> 24;
      valueAt += 1;
      if (!(bucket < artifact.buckets) || at > bytes.length - total) throw new Error('intent model: corrupt weights');
      dense[bucket * k + c] = q * artifact.scale;
    }
  });
  if (at !== bytes.length - total) throw new Error('intent model: corrupt weights');
  const vocabulary = inflate(artifact.vocabulary).toString('utf8');
  return { classes, dense, bias: Float32Array.from(artifact.bias), vocabulary: vocabulary === '' ? [] : vocabulary.split(' ') };
};

export const ALL_INTENTS: readonly Intent[] = INTENTS;
