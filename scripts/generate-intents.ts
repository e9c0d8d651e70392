#!/usr/bin/env -S npx tsx
/**
 * Writes training/intents-generated.jsonl (`npm run generate:intents`): slot-filled paraphrase templates of this
 * store's own (manga and anime merchandise, EN and JA), per intent, expanded with a seeded generator so the output
 * is reproducible. The templates cover the phrasing real shoppers use that the hand-written examples in
 * training/intents.jsonl cannot list one by one: terse fragments ("one piece box set"), generic shopping patterns
 * ("best X", "I need X", "tell me about X", "anything for <need>"), polite and long forms, and English typos
 * (a deterministic letter drop/swap/double on some rows). Nothing here comes from ../shared/datasets.
 * `--check` regenerates and compares with the committed file instead of writing it (exit 1 when it differs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateTrainingRows } from './intent-templates';

const OUT = resolve(__dirname, '..', 'training', 'intents-generated.jsonl');

const rows = generateTrainingRows();
const text = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
const counts = new Map<string, number>();
for (const row of rows) counts.set(`${row.intent}/${row.lang}`, (counts.get(`${row.intent}/${row.lang}`) ?? 0) + 1);
process.stdout.write(`${rows.length} generated rows: ${[...counts].map(([key, n]) => `${key} ${n}`).join(', ')}\n`);
if (process.argv.includes('--check')) {
  if (readFileSync(OUT, 'utf8') !== text) {
    process.stderr.write(`${OUT} differs from a fresh generation\n`);
    process.exit(1);
  }
  process.stdout.write('the committed generated rows match\n');
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}\n`);
}
