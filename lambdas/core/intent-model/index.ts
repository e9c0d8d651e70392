import artifactJson from './intent-model.json';
import type { IntentModelArtifact } from './artifact';
import { EnsembleClassifier } from './ensemble-classifier';
import { IntentModel } from './model-classifier';

export { type IntentModelArtifact, decodeArtifact } from './artifact';
export { IntentModel, ModelClassifier, type IntentPrediction } from './model-classifier';
export { EnsembleClassifier, DEFAULT_ENSEMBLE_OPTIONS, type CombineMode, type EnsembleClassifierOptions } from './ensemble-classifier';

/** The committed artifact (`npm run train:intents`), bundled into the Lambda and decoded once at module init. */
export const DEFAULT_INTENT_MODEL_ARTIFACT = artifactJson as IntentModelArtifact;

let cached: IntentModel | undefined;
/** The default model, decoded on first use and shared. */
export const defaultIntentModel = (): IntentModel => (cached ??= new IntentModel(DEFAULT_INTENT_MODEL_ARTIFACT));

/** The gateway's default classifier: the rules and the trained model combined (EnsembleClassifier defaults). */
export const defaultIntentClassifier = (): EnsembleClassifier => new EnsembleClassifier(defaultIntentModel());
