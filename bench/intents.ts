#!/usr/bin/env -S npx tsx
/**
 * Intent benchmark of the keyword classifier against the public labeled data in ../shared/datasets (never copied
 * into this repository). Usage: `npx tsx bench/intents.ts [dev|test] [--errors N] [--intent NAME]`.
 *   dev (default) is for iterating; test is held out: run it once to report the figure.
 *   --errors N      print N misclassified rows (dev only), optionally only those of gold intent NAME.
 * Prints accuracy (overall, per intent, per language), under/over-routing shares, top confusions, throughput.
 * A row is correct when the predicted intent is in its `accept` list; under-routing = the intent's tier in
 * DEFAULT_ROUTING_MAP is below the row's `min_tier`, over-routing = above it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MODEL_CATALOGS } from '../lambdas/core/catalog';
import { KeywordClassifier } from '../lambdas/core/classifier';
import { decideRoute } from '../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, isIntent, isTier, tierRank, type Intent, type Tier } from '../lambdas/core/vocabulary';

interface Row {
  readonly id: string;
  readonly text: string;
  readonly lang: string;
  readonly intent: Intent;
  readonly accept: readonly string[];
  readonly minTier: Tier;
}

interface Tally {
  total: number;
  correct: number;
}

const DATASET_DIR = process.env['MANGAASSIST_DATASETS'] ?? resolve(__dirname, '..', '..', 'shared', 'datasets');

const parseArgs = (argv: readonly string[]): { split: 'dev' | 'test'; errors: number; intent?: string } => {
  let split: 'dev' | 'test' = 'dev';
  let errors = 0;
  let intent: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === 'dev' || arg === 'test') split = arg;
    else if (arg === '--errors') errors = Number(argv[++i] ?? 20);
    else if (arg === '--intent') intent = argv[++i];
    else {
      process.stderr.write(`usage: npx tsx bench/intents.ts [dev|test] [--errors N] [--intent NAME]\n`);
      process.exit(2);
    }
  }
  return { split, errors, ...(intent !== undefined && { intent }) };
};

const loadRows = (file: string): Row[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const raw = JSON.parse(line) as Record<string, unknown>;
      const { id, text, lang, intent, accept, min_tier: minTier } = raw;
      if (typeof text !== 'string' || !isIntent(intent) || !Array.isArray(accept) || !isTier(minTier)) {
        throw new Error(`${file}:${index + 1}: unexpected row shape`);
      }
      return { id: String(id), text, lang: String(lang), intent, accept: accept.map(String), minTier };
    });

const pct = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
const bump = (map: Map<string, Tally>, key: string, correct: boolean): void => {
  const tally = map.get(key) ?? { total: 0, correct: 0 };
  tally.total += 1;
  if (correct) tally.correct += 1;
  map.set(key, tally);
};
const printTallies = (title: string, map: Map<string, Tally>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, tally] of [...map].sort((a, b) => b[1].total - a[1].total)) {
    process.stdout.write(`  ${key.padEnd(16)} ${pct(tally.correct, tally.total).padStart(6)}  (${tally.correct}/${tally.total})\n`);
  }
};

const main = (): void => {
  const { split, errors, intent: errorIntent } = parseArgs(process.argv.slice(2));
  const file = resolve(DATASET_DIR, `intents-${split}.jsonl`);
  if (!existsSync(file)) {
    process.stdout.write(`intent benchmark skipped: ${file} not found (the labeled data lives in ../shared/datasets)\n`);
    return;
  }
  if (split === 'test' && errors > 0) {
    process.stderr.write('--errors is for dev only: the test split is held out\n');
    process.exit(2);
  }
  const rows = loadRows(file);
  const classifier = new KeywordClassifier();
  const catalog = MODEL_CATALOGS.current;

  let correct = 0;
  let under = 0;
  let over = 0;
  let policyUnder = 0;
  let policyOver = 0;
  const byIntent = new Map<string, Tally>();
  const byLang = new Map<string, Tally>();
  const confusions = new Map<string, number>();
  const misrouted = new Map<string, number>();
  const mistakes: string[] = [];
  for (const row of rows) {
    const result = classifier.classify(row.text);
    const ok = row.accept.includes(result.intent);
    if (ok) correct += 1;
    else {
      const key = `${row.intent} -> ${result.intent}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
      if (errorIntent === undefined || errorIntent === row.intent) {
        mistakes.push(`  ${row.intent} -> ${result.intent} (${result.confidence}) ${JSON.stringify(row.text)} [${result.signals.join(' ')}]`);
      }
    }
    bump(byIntent, row.intent, ok);
    bump(byLang, row.lang, ok);
    const gap = tierRank(DEFAULT_ROUTING_MAP[result.intent].tier) - tierRank(row.minTier);
    if (gap < 0) under += 1;
    if (gap > 0) over += 1;
    if (gap !== 0) {
      const key = `${gap < 0 ? 'under' : 'over '} ${row.minTier} -> ${DEFAULT_ROUTING_MAP[result.intent].tier} (${row.intent} -> ${result.intent})`;
      misrouted.set(key, (misrouted.get(key) ?? 0) + 1);
    }
    const decided = decideRoute(result, DEFAULT_ROUTING_MAP, catalog).tier;
    const policyGap = tierRank(decided) - tierRank(row.minTier);
    if (policyGap < 0) policyUnder += 1;
    if (policyGap > 0) policyOver += 1;
  }

  const n = rows.length;
  process.stdout.write(`intent benchmark: ${split} split, ${n} rows (${file})\n`);
  process.stdout.write(`accuracy        ${pct(correct, n)}  (${correct}/${n})\n`);
  process.stdout.write(`under-routing   ${pct(under, n)}  (${under}) tier of the intent below min_tier\n`);
  process.stdout.write(`over-routing    ${pct(over, n)}  (${over}) tier of the intent above min_tier\n`);
  process.stdout.write(`with the routing policy (low-confidence template -> haiku, complex summary -> sonnet):\n`);
  process.stdout.write(`  under-routing ${pct(policyUnder, n)}  (${policyUnder})   over-routing ${pct(policyOver, n)}  (${policyOver})\n`);
  printTallies('accuracy per gold intent', byIntent);
  printTallies('accuracy per language', byLang);
  process.stdout.write('\ntop confusions (gold -> predicted)\n');
  for (const [key, count] of [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    process.stdout.write(`  ${String(count).padStart(4)}  ${key}\n`);
  }

  process.stdout.write('\ntop mis-routings (min_tier -> routed tier, gold -> predicted)\n');
  for (const [key, count] of [...misrouted].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    process.stdout.write(`  ${String(count).padStart(4)}  ${key}\n`);
  }

  const texts = rows.map((row) => row.text);
  let classified = 0;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    for (const text of texts) classifier.classify(text);
    classified += texts.length;
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = classified / seconds;
  process.stdout.write(`\nthroughput      ${Math.round(rate).toLocaleString('en-US')} messages/s (${(1e6 / rate).toFixed(1)} µs each, one core)\n`);

  if (errors > 0) {
    process.stdout.write(`\nerrors (${Math.min(errors, mistakes.length)} of ${mistakes.length})\n`);
    // Spread the sample over the whole list so one source does not fill it.
    const step = Math.max(1, Math.floor(mistakes.length / errors));
    for (let i = 0; i < mistakes.length && i / step < errors; i += step) process.stdout.write(`${mistakes[i]}\n`);
  }
};

main();
