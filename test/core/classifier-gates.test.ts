import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_KEYWORD_RULES, normalizeText } from '../../lambdas/core/classifier';

/**
 * A rule's gate (KeywordRule.gate) is tested first and the rule is skipped when it fails, so a gate must match every
 * text its rule matches: a gate that misses an alternative someone adds to its rule silently turns that alternative
 * off. Checked over every text the project holds (training rows, the probe and the blind store set), their clauses,
 * and phrasings that hit each gated rule.
 */
const ROOT = resolve(__dirname, '..', '..');
const FILES = ['training/intents.jsonl', 'training/intents-generated.jsonl', 'bench/data/manga-store-probe.jsonl', 'bench/data/store-eval.jsonl', 'bench/data/store-holdout.jsonl'];

const texts = (): string[] => {
  const rows = FILES.flatMap((file) =>
    readFileSync(resolve(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => normalizeText((JSON.parse(line) as { text: string }).text)),
  );
  // The multi-intent reading classifies clauses on their own: a clause starts where a gate's word may be missing.
  const clauses = rows.flatMap((text) => text.split(/[?!;。、,]|\b(?:and|also|then)\b|それと|そして/u).map((part) => part.trim()));
  return [...new Set([...rows, ...clauses, ...HITS])].filter((text) => text !== '');
};

/** Phrasings each gated rule matches, so every gate is exercised by at least one match. */
const HITS = [
  'do you have any pets',
  'are you a real person or a bot',
  'where are you from originally',
  'how old are you',
  "what's your name",
  'who made you',
  'is an iphone better than an android phone',
  'reviews of mcdonalds',
  'what is the weather tomorrow',
];

const gated = Object.entries(DEFAULT_KEYWORD_RULES).flatMap(([intent, rules]) =>
  (rules ?? []).flatMap((rule) => (rule.gate === undefined ? [] : [{ name: `${intent}:${rule.id}`, pattern: rule.pattern, gate: rule.gate }])),
);

describe('keyword rule gates', () => {
  const corpus = texts();

  it('gates the large rules (the guards and the small-talk persona rules)', () => {
    expect(gated.length).toBeGreaterThanOrEqual(10);
    expect(corpus.length).toBeGreaterThan(10_000);
  });

  it.each(gated.map((rule) => [rule.name, rule] as const))('%s: its gate matches every text its rule matches', (_name, rule) => {
    const missed = corpus.filter((text) => rule.pattern.test(text) && !rule.gate.test(text));
    expect(missed).toEqual([]);
    // Not vacuous: the rule matches something in the corpus, or the test proves nothing about its gate.
    expect(corpus.some((text) => rule.pattern.test(text))).toBe(true);
  });
});
