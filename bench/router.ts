/**
 * `npm run bench:router`: decision latency over `intents-dev` (or `-- test`): normalize + classify (rules and the
 * trained model) + FAQ match + route (routing map, serving state, follow-up and mitigation steps), as the `route`
 * frame makes it, with in-memory stores and no model call (the LLM fallback off: its calls are the model's latency,
 * bounded by its 800 ms timeout). Also the share of messages whose fast path falls below the LLM threshold. Prints
 * p50 / p99 / max per decision after a warm-up pass; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODEL_CATALOGS } from '../lambdas/core/catalog';
import { DEFAULT_CAPACITY_CONFIG } from '../lambdas/core/capacity/config';
import { defaultIntentClassifier } from '../lambdas/core/intent-model';
import { DEFAULT_LLM_CLASSIFIER_CONFIG } from '../lambdas/app/classify-message';
import type { MetricsSink } from '../lambdas/ports';
import { wireRouter } from '../lambdas/runtime/wiring';
import { MemoryCapacityState } from '../test/support/capacity-fakes';
import { silentLog } from '../test/support/fakes';

const split = process.argv[2] === 'test' ? 'test' : 'dev';
const file = resolve(process.env['MANGAASSIST_DATASETS'] ?? resolve(__dirname, '..', '..', 'shared', 'datasets'), `intents-${split}.jsonl`);
const texts = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);

const noMetrics: MetricsSink = { record: () => undefined };
const classifier = defaultIntentClassifier();
const route = wireRouter({
  routingConfig: { loadOverrides: async () => [] },
  capacityState: new MemoryCapacityState(),
  capacityConfig: DEFAULT_CAPACITY_CONFIG,
  catalog: MODEL_CATALOGS.current,
  clock: { now: () => Date.now() },
  log: silentLog,
  metrics: noMetrics,
  classifier,
});

const main = async (): Promise<void> => {
  for (const text of texts) await route(text);
  const samples: number[] = [];
  for (const text of texts) {
    const started = process.hrtime.bigint();
    await route(text);
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? Number.NaN;
  const needsLlm = texts.filter((text) => classifier.classify(text).confidence < DEFAULT_LLM_CLASSIFIER_CONFIG.threshold).length;
  process.stdout.write(
    [
      `router decision latency over intents-${split} (${texts.length} messages, warm, one core; no model call)`,
      `  p50 ${at(0.5).toFixed(1)} µs   p99 ${at(0.99).toFixed(1)} µs   max ${(samples[samples.length - 1] ?? 0).toFixed(1)} µs`,
      `  below the LLM threshold (${DEFAULT_LLM_CLASSIFIER_CONFIG.threshold}): ${((100 * needsLlm) / texts.length).toFixed(1)}% of messages would ask the cheap model`,
      '',
    ].join('\n'),
  );
};

void main();
