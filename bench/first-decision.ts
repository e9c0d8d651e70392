/**
 * First-decision benchmark of the classifier fast path (`npm run bench:first-decision`; BENCH_RUNS=n, default 7;
 * `-- --per-regex` adds the keyword rules that cost the most on first use).
 *
 * V8 compiles a regular expression on its first use, not when the literal is evaluated, so the first message a fresh
 * process classifies pays for compiling every keyword rule it tests (lambdas/core/classifier/rules.ts). This bundles a
 * small entry that builds the gateway's fast path (EnsembleClassifier over KeywordClassifier and defaultIntentModel(),
 * as lambdas/runtime/wiring.ts does) with the esbuild settings the stack deploys (lib/bundling.ts), then starts N fresh
 * `node` processes that require it and time, in this order: the module init (the require, the classifier built), the
 * first classify of a typical English message, a second English message, the first Japanese message, and the first
 * withoutSteering (the router strips steering sentences before it classifies). N more processes time the require and
 * the classify of the Japanese message first (V8 compiles a regexp anew for strings of two-byte characters).
 *
 * `--per-regex`: 2 x N more fresh processes each compile every rule of DEFAULT_KEYWORD_RULES (pattern and gate) on its
 * own (a new RegExp with the rule's source and flags, first `test` on the English message) and time it, either as V8
 * does by default for a short subject (bytecode for its interpreter) or after a test on a 1000-character blank subject
 * (machine code at once, as KeywordClassifier does); prints the 15 costliest by the first (median over the processes)
 * and the totals. V8 caches compiled regexps by source and flags, so nothing else runs first in those processes.
 *
 * It prints figures and asserts nothing. Local figures are relative: Lambda runs Node 22 on Graviton with a CPU share
 * proportional to memory, so absolute times there differ.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, REPO_ROOT } from '../lib/bundling';

const OUT_DIR = path.join(REPO_ROOT, '.bench', 'first-decision');
const perRegex = process.argv.includes('--per-regex');

const runs = (() => {
  const raw = process.env.BENCH_RUNS ?? '7';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_RUNS must be a positive integer, got "${raw}"`);
  return value;
})();

/** Typical first messages: an order question in English (then another one), and one in Japanese. */
const MESSAGE_EN = 'hi, where is my order #123456? it was supposed to arrive last week';
const MESSAGE_EN_2 = 'can you recommend a dark fantasy manga like berserk but less violent?';
const MESSAGE_JA = '注文した漫画がまだ届きません。いつ届きますか？';

/** The bundled entry: the fast path built at module init, as the handler's wiring builds it. */
const ENTRY_SOURCE = `
import { DEFAULT_KEYWORD_RULES } from './lambdas/core/classifier';
import { withoutSteering } from './lambdas/core/classifier/steering';
import { defaultIntentModel, EnsembleClassifier } from './lambdas/core/intent-model';

export const classifier = new EnsembleClassifier(defaultIntentModel());
export { DEFAULT_KEYWORD_RULES, withoutSteering };
`;

const ms = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/** Runs inside the child (`node -e`): the bundle and the messages come in the environment. */
const CHILD_DECISION = `
const time = (run) => { const start = process.hrtime.bigint(); run(); return Number(process.hrtime.bigint() - start) / 1e6; };
let entry;
const initMs = time(() => { entry = require(process.env.BENCH_BUNDLE); });
const firstMs = time(() => entry.classifier.classify(process.env.BENCH_EN));
const secondMs = time(() => entry.classifier.classify(process.env.BENCH_EN_2));
const firstJaMs = time(() => entry.classifier.classify(process.env.BENCH_JA));
const steeringMs = time(() => entry.withoutSteering(process.env.BENCH_EN));
process.stdout.write(JSON.stringify({ initMs, firstMs, secondMs, firstJaMs, steeringMs }));
`;

/** Runs inside the child: a Japanese message first. */
const CHILD_JA_FIRST = `
const start = process.hrtime.bigint();
require(process.env.BENCH_BUNDLE).classifier.classify(process.env.BENCH_JA);
process.stdout.write(JSON.stringify({ firstJaFreshMs: Number(process.hrtime.bigint() - start) / 1e6 }));
`;

/**
 * Runs inside the child: each rule's pattern (and gate) compiled and tested once, on its own, the way V8 compiles it for
 * a short subject (bytecode for its interpreter) or, with BENCH_NATIVE=1, for a long one (machine code at once), which
 * is what KeywordClassifier does (NATIVE_COMPILE_SUBJECT).
 */
const CHILD_PER_REGEX = `
const table = require(process.env.BENCH_BUNDLE).DEFAULT_KEYWORD_RULES;
const blank = ' '.repeat(1000);
const firstUse = (pattern) => {
  const start = process.hrtime.bigint();
  const copy = new RegExp(pattern.source, pattern.flags);
  if (process.env.BENCH_NATIVE === '1') copy.test(blank);
  copy.test(process.env.BENCH_EN);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const costs = {};
for (const [intent, rules] of Object.entries(table)) {
  for (const rule of rules) {
    costs[intent + ':' + rule.id] = [firstUse(rule.pattern), rule.gate === undefined ? null : firstUse(rule.gate)];
  }
}
process.stdout.write(JSON.stringify(costs));
`;

const bundle = async (): Promise<string> => {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'index.js');
  await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external],
    stdin: { contents: ENTRY_SOURCE, resolveDir: REPO_ROOT, sourcefile: 'first-decision-entry.ts', loader: 'ts' },
    outfile: file,
    bundle: true,
    logLevel: 'error',
  });
  return file;
};

const runChild = <T>(bundleFile: string, script: string, extraEnv: NodeJS.ProcessEnv = {}): T => {
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, BENCH_BUNDLE: bundleFile, BENCH_EN: MESSAGE_EN, BENCH_EN_2: MESSAGE_EN_2, BENCH_JA: MESSAGE_JA, ...extraEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`child failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as T;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const row = (label: string, values: readonly number[]): string =>
  `${label.padEnd(34)}${median(values).toFixed(1).padStart(8)}${Math.min(...values).toFixed(1).padStart(8)}${Math.max(...values).toFixed(1).padStart(8)}`;

const main = async (): Promise<void> => {
  const started = process.hrtime.bigint();
  const bundleFile = await bundle();
  console.log(`first decision: ${runs} fresh node processes; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (bundled in ${ms(started).toFixed(0)} ms)`);
  console.log(`EN: ${JSON.stringify(MESSAGE_EN)}\nEN 2: ${JSON.stringify(MESSAGE_EN_2)}\nJA: ${JSON.stringify(MESSAGE_JA)}\n`);

  const samples: Record<'initMs' | 'firstMs' | 'secondMs' | 'firstJaMs' | 'steeringMs', number>[] = [];
  const jaFirst: number[] = [];
  // Interleaved, so drift in machine load hits both alike.
  for (let run = 0; run < runs; run += 1) {
    samples.push(runChild(bundleFile, CHILD_DECISION));
    jaFirst.push(runChild<{ firstJaFreshMs: number }>(bundleFile, CHILD_JA_FIRST).firstJaFreshMs);
  }
  const column = (key: keyof (typeof samples)[number]): number[] => samples.map((sample) => sample[key]);
  console.log(`${'ms'.padEnd(34)}${'p50'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}`);
  console.log(row('module init (require + build)', column('initMs')));
  console.log(row('first classify (EN)', column('firstMs')));
  console.log(row('second classify (EN)', column('secondMs')));
  console.log(row('first classify (JA, after EN)', column('firstJaMs')));
  console.log(row('first withoutSteering (EN)', column('steeringMs')));
  console.log(row('init + first classify (JA first)', jaFirst));
  console.log(row('init + first classify', samples.map((sample) => sample.initMs + sample.firstMs)));

  if (!perRegex) return;
  type Costs = Record<string, [number, number | null]>;
  const interpreted: Costs[] = [];
  const native: Costs[] = [];
  for (let run = 0; run < runs; run += 1) {
    interpreted.push(runChild<Costs>(bundleFile, CHILD_PER_REGEX));
    native.push(runChild<Costs>(bundleFile, CHILD_PER_REGEX, { BENCH_NATIVE: '1' }));
  }
  const names = Object.keys(interpreted[0] ?? {});
  const medianOf = (samples: readonly Costs[], name: string, part: 0 | 1): number | undefined => {
    const values = samples.map((costs) => costs[name]?.[part]).filter((value): value is number => typeof value === 'number');
    return values.length === 0 ? undefined : median(values);
  };
  const rows = names.map((name) => ({
    name,
    interpreted: medianOf(interpreted, name, 0) ?? Number.NaN,
    native: medianOf(native, name, 0) ?? Number.NaN,
    gate: medianOf(native, name, 1),
  }));
  rows.sort((a, b) => b.interpreted - a.interpreted);
  const total = (samples: readonly Costs[]): number[] =>
    samples.map((costs) => Object.values(costs).reduce((sum, [pattern, gate]) => sum + pattern + (gate ?? 0), 0));
  console.log(`\nfirst use of each keyword rule's pattern on its own (compile + one test of EN), ${names.length} rules, p50 ms:`);
  console.log('  short subject: what V8 does by default (bytecode); long subject first: what KeywordClassifier does (machine code)');
  console.log(`${'rule'.padEnd(44)}${'short'.padStart(8)}${'long'.padStart(8)}${'gate'.padStart(8)}`);
  for (const row of rows.slice(0, 15)) {
    const gate = row.gate === undefined ? '-' : row.gate.toFixed(2);
    console.log(`${row.name.padEnd(44)}${row.interpreted.toFixed(2).padStart(8)}${row.native.toFixed(2).padStart(8)}${gate.padStart(8)}`);
  }
  console.log(`all patterns and gates, short subject: p50 ${median(total(interpreted)).toFixed(1)} ms; long subject first: p50 ${median(total(native)).toFixed(1)} ms`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
