import { INTENTS, isIntent, type Intent } from '../vocabulary';

/**
 * The serialized intent model (intent-model.json, written by `npm run train:intents`):
 * a multinomial logistic regression over hashed features, its weights quantized to integers with one scale and
 * pruned to the non-zero ones, stored per class as a compact string.
 *
 * `weights[c]`: comma-separated entries `<bucket delta, base 36><sign><|q|, base 36>`, buckets ascending, the delta
 * from the previous entry's bucket (the first from 0). Weight = q * scale.
 */
export interface IntentModelArtifact {
  readonly version: 1;
  readonly buckets: number;
  readonly classes: readonly string[];
  readonly scale: number;
  readonly bias: readonly number[];
  /** Softmax temperature fitted on held-out training rows (calibration). */
  readonly temperature: number;
  readonly weights: readonly string[];
  /** The training rows' Latin words, most frequent first, space-separated (spelling.ts); absent in older artifacts. */
  readonly vocabulary?: string;
  /** Provenance: rows, epochs, seed, held-out accuracy; not used at inference. */
  readonly meta: Readonly<Record<string, string | number>>;
}

export const encodeClassWeights = (row: Int8Array | Int16Array | readonly number[]): string => {
  const parts: string[] = [];
  let previous = 0;
  for (let bucket = 0; bucket < row.length; bucket += 1) {
    const q = row[bucket] ?? 0;
    if (q === 0) continue;
    parts.push(`${(bucket - previous).toString(36)}${q < 0 ? '-' : '+'}${Math.abs(q).toString(36)}`);
    previous = bucket;
  }
  return parts.join(',');
};

/** Decodes the artifact into a dense bucket-major weight matrix: weight of (bucket b, class c) at b * classes + c. */
export const decodeArtifact = (artifact: IntentModelArtifact): { classes: Intent[]; dense: Float32Array; bias: Float32Array } => {
  if (artifact.version !== 1) throw new Error(`intent model: unsupported artifact version ${String(artifact.version)}`);
  const classes = artifact.classes.map((name) => {
    if (!isIntent(name)) throw new Error(`intent model: unknown class "${name}"`);
    return name;
  });
  if (classes.length !== artifact.weights.length || classes.length !== artifact.bias.length) {
    throw new Error('intent model: classes, weights and bias differ in length');
  }
  const k = classes.length;
  const dense = new Float32Array(artifact.buckets * k);
  artifact.weights.forEach((encoded, c) => {
    if (encoded === '') return;
    let bucket = 0;
    for (const entry of encoded.split(',')) {
      const sign = entry.search(/[+-]/);
      bucket += parseInt(entry.slice(0, sign), 36);
      const q = parseInt(entry.slice(sign + 1), 36) * (entry[sign] === '-' ? -1 : 1);
      if (!(bucket < artifact.buckets) || Number.isNaN(q)) throw new Error('intent model: corrupt weights');
      dense[bucket * k + c] = q * artifact.scale;
    }
  });
  return { classes, dense, bias: Float32Array.from(artifact.bias) };
};

export const ALL_INTENTS: readonly Intent[] = INTENTS;
