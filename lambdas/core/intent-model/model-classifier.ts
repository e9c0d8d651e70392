import { estimateComplexity } from '../classifier/complexity';
import { normalizeText } from '../classifier/normalize';
import type { Classification, Intent, IntentClassifier } from '../vocabulary';
import { decodeArtifact, type IntentModelArtifact } from './artifact';
import { featurize } from './features';
import { SpellingCorrector } from './spelling';

export interface IntentPrediction {
  readonly intent: Intent;
  /** Calibrated probability of `intent` (temperature-scaled softmax). */
  readonly probability: number;
  /** All classes, most probable first. */
  readonly ranked: readonly { readonly intent: Intent; readonly probability: number }[];
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * The trained intent model at inference: decodes the artifact once (construction, i.e. module init), then each
 * `predict` hashes the message's features and sums their weight rows. Pure and synchronous; microseconds a call.
 */
export class IntentModel {
  private readonly classes: readonly Intent[];
  private readonly dense: Float32Array;
  private readonly bias: Float32Array;
  private readonly buckets: number;
  private readonly temperature: number;
  /** Corrects misspellings towards the training rows' vocabulary (empty for an artifact without one). */
  readonly speller: SpellingCorrector;

  constructor(artifact: IntentModelArtifact) {
    const decoded = decodeArtifact(artifact);
    this.classes = decoded.classes;
    this.dense = decoded.dense;
    this.bias = decoded.bias;
    this.buckets = artifact.buckets;
    this.temperature = artifact.temperature > 0 ? artifact.temperature : 1;
    this.speller = new SpellingCorrector(decoded.vocabulary);
  }

  /** Predicts over an already normalized text (normalizeText). */
  predictNormalized(normalized: string): IntentPrediction {
    const k = this.classes.length;
    const z = Float64Array.from(this.bias);
    const x = featurize(normalized, this.buckets);
    for (const i of x.indices) {
      const base = i * k;
      for (let c = 0; c < k; c += 1) z[c] = (z[c] ?? 0) + x.value * (this.dense[base + c] ?? 0);
    }
    let max = -Infinity;
    for (const v of z) if (v > max) max = v;
    let sum = 0;
    for (let c = 0; c < k; c += 1) {
      const e = Math.exp(((z[c] ?? 0) - max) / this.temperature);
      z[c] = e;
      sum += e;
    }
    const ranked = this.classes
      .map((intent, c) => ({ intent, probability: (z[c] ?? 0) / sum }))
      .sort((a, b) => b.probability - a.probability);
    const top = ranked[0] ?? { intent: 'unknown' as Intent, probability: 0 };
    return { intent: top.intent, probability: top.probability, ranked };
  }

  predict(text: string): IntentPrediction {
    return this.predictNormalized(normalizeText(text));
  }
}

/** The trained model behind the IntentClassifier seam: confidence is its calibrated probability. */
export class ModelClassifier implements IntentClassifier {
  constructor(private readonly model: IntentModel) {}

  classify(text: string): Classification {
    const normalized = normalizeText(text);
    const prediction = this.model.predictNormalized(normalized);
    const signals = [`model:${prediction.intent}:${round3(prediction.probability)}`];
    const second = prediction.ranked[1];
    if (second !== undefined && second.probability >= 0.2) signals.push(`model_alt:${second.intent}:${round3(second.probability)}`);
    return {
      intent: prediction.intent,
      confidence: round3(prediction.probability),
      complexity: estimateComplexity(normalized, prediction.intent),
      signals,
    };
  }
}
