#!/usr/bin/env -S npx tsx
/**
 * Trains the intent model (`npm run train:intents`) from training/intents.jsonl (hand-written) and
 * training/intents-generated.jsonl (`npm run generate:intents`: slot-filled templates), the project's own labeled
 * examples (never the public sets of ../shared/datasets), into lambdas/core/intent-model/intent-model.json.
 * Deterministic: seeded shuffle, fixed epochs; prints the artifact's size and SHA-256 and the calibration report.
 * `--check` trains and compares with the committed artifact instead of writing it (exit 1 when its content differs).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactContent, type IntentModelArtifact } from '../lambdas/core/intent-model/artifact';
import { parseTrainingJsonl, trainIntentModel } from '../lambdas/core/intent-model/train';

const ROOT = resolve(__dirname, '..');
/** The hand-written examples, then the generated ones (scripts/generate-intents.ts), in this order. */
const TRAINING_FILES = [resolve(ROOT, 'training', 'intents.jsonl'), resolve(ROOT, 'training', 'intents-generated.jsonl')];
const OUT = resolve(ROOT, 'lambdas', 'core', 'intent-model', 'intent-model.json');

const started = Date.now();
const rows = TRAINING_FILES.flatMap((file) => parseTrainingJsonl(readFileSync(file, 'utf8')));
const { artifact, report } = trainIntentModel(rows);
const json = `${JSON.stringify(artifact)}\n`;
const sha = createHash('sha256').update(json).digest('hex');
process.stdout.write(`trained on ${report.rows} rows (${report.examples} examples with their noisy variants) in ${Date.now() - started} ms\n`);
process.stdout.write(`calibration split: ${report.trainRows} train / ${report.holdoutRows} held out; held-out accuracy ${(100 * report.holdoutAccuracy).toFixed(1)}%\n`);
process.stdout.write(`held-out log loss ${report.holdoutLogLossRaw} -> ${report.holdoutLogLossCalibrated} at temperature ${report.temperature}\n`);
process.stdout.write(`non-zero weights ${report.nonZeroWeights}; artifact ${(Buffer.byteLength(json) / 1024).toFixed(1)} KB sha256 ${sha}\n`);
if (process.argv.includes('--check')) {
  // The packed fields compared inflated: another zlib build may deflate the same weights to other bytes.
  const committed = JSON.parse(readFileSync(OUT, 'utf8')) as IntentModelArtifact;
  if (committed.version !== artifact.version || artifactContent(committed) !== artifactContent(artifact)) {
    process.stderr.write(`${OUT} differs from a fresh training run\n`);
    process.exit(1);
  }
  process.stdout.write('the committed artifact matches\n');
} else {
  writeFileSync(OUT, json);
  process.stdout.write(`wrote ${OUT}\n`);
}
