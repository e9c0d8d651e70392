import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultIntentModel, EnsembleClassifier } from '../../lambdas/core/intent-model';
import { noisyVariants } from '../../lambdas/core/intent-model/augment';
import { buildVocabulary, SpellingCorrector } from '../../lambdas/core/intent-model/spelling';
import { DEFAULT_TRAIN_OPTIONS, parseTrainingJsonl, trainIntentModel } from '../../lambdas/core/intent-model/train';

const ROOT = resolve(__dirname, '..', '..');
const TRAINING_FILES = [resolve(ROOT, 'training', 'intents.jsonl'), resolve(ROOT, 'training', 'intents-generated.jsonl')];

describe('training rows', () => {
  it('are messages, not pasted tool output (aligned columns, percentages with counts, timings)', () => {
    const rows = TRAINING_FILES.flatMap((file) => parseTrainingJsonl(readFileSync(file, 'utf8')));
    const suspicious = rows.filter((row) => / {2}|\t|µs|\(\d+\/\d+\)|\d+\.\d+%|\d+\.\d+x\b/u.test(row.text));
    expect(suspicious).toEqual([]);
  });
});

describe('noise augmentation (trainer)', () => {
  it('gives lowercase, unpunctuated variants: a telegraphic one without function words, then misspelt ones', () => {
    const variants = noisyVariants('Where is my order #12345? I need it by Friday!', 3, 0.3);
    expect(variants[0]).toBe('where order 12345 need by friday');
    expect(variants.length).toBeGreaterThanOrEqual(2);
    for (const variant of variants) {
      expect(variant).toBe(variant.toLowerCase());
      expect(variant).not.toMatch(/[#?!]/);
      expect(variant).toContain('12345');
    }
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('is reproducible and leaves Japanese characters as they are', () => {
    expect(noisyVariants('Can you recommend something like Berserk but less dark?', 4, 0.5)).toEqual(
      noisyVariants('Can you recommend something like Berserk but less dark?', 4, 0.5),
    );
    for (const variant of noisyVariants('ワンピースの最新刊はいつ出ますか？', 3, 0.5)) expect(variant).toBe('ワンピースの最新刊はいつ出ますか');
    expect(noisyVariants('hello', 0, 0.5)).toEqual([]);
  });

  it('adds the variants as training examples; without them the rows alone are trained', () => {
    const rows = [
      { text: 'where is my order', intent: 'order_status' as const },
      { text: 'I want a refund for this book', intent: 'returns_refunds' as const },
      { text: 'recommend a manga like Berserk', intent: 'recommendation' as const },
    ];
    const small = { ...DEFAULT_TRAIN_OPTIONS, buckets: 1 << 10, epochs: 2 };
    expect(trainIntentModel(rows, { ...small, augmentCopies: 0 }).report.examples).toBe(3);
    const augmented = trainIntentModel(rows, small);
    expect(augmented.report.examples).toBeGreaterThan(3);
    expect(augmented.artifact.meta['augmentCopies']).toBe(DEFAULT_TRAIN_OPTIONS.augmentCopies);
  });
});

describe('spelling corrector', () => {
  // Every word twice or more: a word seen once is left out of the vocabulary (a training row's typo, or too rare).
  const speller = new SpellingCorrector(buildVocabulary(['order order order order', 'refund refund refund', 'return return', 'password password', 'older older', 'ワンピース']));

  it('builds its vocabulary from Latin words of 3+ letters seen twice or more, most frequent first', () => {
    expect(buildVocabulary(['order order refund', 'ab refund order', '注文'])).toEqual(['order', 'refund']);
  });

  it("leaves out words seen once (the training rows' own typos among them) unless the rules use the word", () => {
    const rows = ['i want to return this', 'return it', 'retrun pls', 'retina scan', 'retina again'];
    const vocabulary = buildVocabulary(rows);
    expect(vocabulary).toEqual(expect.arrayContaining(['return', 'retina']));
    expect(vocabulary).not.toContain('retrun');
    expect(vocabulary).not.toContain('scan');
    expect(buildVocabulary(rows, ['retrun'])).toContain('retrun');
    expect(new SpellingCorrector(vocabulary).correct('i want to retrun this')).toBe('i want to return this');
  });

  it('corrects one dropped, added, wrong or swapped letter to the most frequent vocabulary word', () => {
    expect(speller.correctWord('ordr')).toBe('order');
    expect(speller.correctWord('orderr')).toBe('order');
    expect(speller.correctWord('refind')).toBe('refund');
    expect(speller.correctWord('retrun')).toBe('return');
    expect(speller.correctWord('pasword')).toBe('password');
    // "olrer" is one letter from both "order" and "older": the more frequent one wins.
    expect(speller.correctWord('olrer')).toBe('order');
    expect(speller.correctWord('older')).toBe('older');
    expect(speller.correctWord('orde')).toBe('order');
  });

  it('leaves known, short, distant and non-Latin words, digits and punctuation as they are; expands chat spellings', () => {
    expect(speller.correct('where is my ordr 12345, pls?')).toBe('where is my order 12345, please?');
    expect(speller.correct('zzzzzz ord 注文 ワンピース')).toBe('zzzzzz ord 注文 ワンピース');
    expect(speller.correctWord('u')).toBe('you');
    expect(new SpellingCorrector([]).correct('ordr')).toBe('ordr');
  });
});

describe('ensemble: the rules read a misspelt message again, corrected', () => {
  const model = defaultIntentModel();
  const withSpelling = new EnsembleClassifier(model);
  const without = new EnsembleClassifier(model, undefined, { spelling: false });

  it.each([
    ['i want to retrun this book', 'returns_refunds'],
    ['my passwrod doesnt work', 'account'],
    ['i want a refnud', 'returns_refunds'],
  ])('%s -> %s through a rule, with a spell: signal (the rules alone do not read it as typed)', (text, intent) => {
    const result = withSpelling.classify(text);
    expect(result.intent).toBe(intent);
    expect(result.signals.some((signal) => signal.startsWith('spell:'))).toBe(true);
    expect(result.signals.some((signal) => signal.startsWith(`kw:${intent}:`))).toBe(true);
    // The model alone may read it (it is trained on misspelt variants); the rule fires only on the corrected text.
    expect(without.classify(text).signals.some((signal) => signal.startsWith(`kw:${intent}:`))).toBe(false);
  });

  it('does not touch a message the rules already read', () => {
    for (const text of ['where is my order 12345', '注文番号１２３４５はどこ', 'recomend me a manga']) {
      expect(withSpelling.classify(text)).toEqual(without.classify(text));
    }
  });
});
