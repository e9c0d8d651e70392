/**
 * `npm run bench:router`: decision latency over `intents-dev` (or `-- test`): normalize + classify (rules and the
 * trained model) + FAQ match + route (routing map, serving state, follow-up and mitigation steps), as the `route`
 * frame makes it, with in-memory stores and no model call (the LLM fallback off: its calls are the model's latency,
 * bounded by its 800 ms timeout). Also the share of messages whose fast path falls below the LLM threshold. Prints
 * p50 / p99 / max per decision after a warm-up pass; asserts nothing.
 *
 * `--passes N` (default 5) times every message N times over, one pass after another, and prints each pass's p99
 * next to the pooled figures: a p99 that one pass shows and the others do not is the machine (another process, a
 * GC pause), not the router. The pooled p99 is over all N x messages decisions.
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

const split = process.argv.includes('test') ? 'test' : 'dev';
const passesFlag = process.argv.indexOf('--passes');
const passes = passesFlag === -1 ? 5 : Number(process.argv[passesFlag + 1]);
if (!Number.isInteger(passes) || passes < 1) {
  process.stderr.write('bench:router: --passes needs a whole number of at least 1\n');
  process.exit(2);
}
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

const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

const timePass = async (): Promise<number[]> => {
  const samples: number[] = [];
  for (const text of texts) {
    const started = process.hrtime.bigint();
    await route(text);
    samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  return samples.sort((a, b) => a - b);
};

const main = async (): Promise<void> => {
  for (const text of texts) await route(text);
  const perPass: number[][] = [];
  for (let pass = 0; pass < passes; pass += 1) perPass.push(await timePass());
  const pooled = perPass.flat().sort((a, b) => a - b);
  const passP99 = perPass.map((samples) => percentile(samples, 0.99));
  const medianPassP99 = [...passP99].sort((a, b) => a - b)[Math.floor(passP99.length / 2)] ?? Number.NaN;
  const needsLlm = texts.filter((text) => classifier.classify(text).confidence < DEFAULT_LLM_CLASSIFIER_CONFIG.threshold).length;
  process.stdout.write(
    [
      `router decision latency over intents-${split} (${texts.length} messages x ${passes} passes, warm, one core; no model call)`,
      `  p50 ${percentile(pooled, 0.5).toFixed(1)} µs   p99 ${percentile(pooled, 0.99).toFixed(1)} µs   max ${(pooled[pooled.length - 1] ?? 0).toFixed(1)} µs`,
      `  p99 per pass: ${passP99.map((value) => value.toFixed(1)).join(' / ')} µs (median ${medianPassP99.toFixed(1)} µs)`,
      `  below the LLM threshold (${DEFAULT_LLM_CLASSIFIER_CONFIG.threshold}): ${((100 * needsLlm) / texts.length).toFixed(1)}% of messages would ask the cheap model`,
      '',
    ].join('\n'),
  );
};

void main();
