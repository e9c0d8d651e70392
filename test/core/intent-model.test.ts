import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BORROWED_WORD_CUES, KeywordClassifier } from '../../lambdas/core/classifier';
import {
  decodeArtifact,
  DEFAULT_ENSEMBLE_OPTIONS,
  DEFAULT_INTENT_MODEL_ARTIFACT,
  type IntentModelArtifact,
  defaultIntentClassifier,
  defaultIntentModel,
  EnsembleClassifier,
  ModelClassifier,
} from '../../lambdas/core/intent-model';
import { artifactContent, encodeVocabulary, encodeWeights } from '../../lambdas/core/intent-model/artifact';
import { featureStrings } from '../../lambdas/core/intent-model/features';
import { DEFAULT_TRAIN_OPTIONS, parseTrainingJsonl, trainIntentModel } from '../../lambdas/core/intent-model/train';
import { INTENTS, type Intent, type IntentClassifier } from '../../lambdas/core/vocabulary';
import { generateTrainingRows } from '../../scripts/intent-templates';
import { FIFTY_TITLE_HISTORY } from '../support/reading-history';

const ROOT = resolve(__dirname, '..', '..');
/** What `npm run train:intents` reads: the hand-written examples, then the generated ones. */
const TRAINING_FILES = [resolve(ROOT, 'training', 'intents.jsonl'), resolve(ROOT, 'training', 'intents-generated.jsonl')];
const ARTIFACT = resolve(ROOT, 'lambdas', 'core', 'intent-model', 'intent-model.json');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('intent model trainer', () => {
  const rows = TRAINING_FILES.flatMap((file) => parseTrainingJsonl(readFileSync(file, 'utf8')));

  it('has English and Japanese examples for every intent', () => {
    const labeled = TRAINING_FILES.flatMap((file) =>
      readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { intent: string; lang: string }),
    );
    for (const intent of INTENTS) {
      const count = (lang: string): number => labeled.filter((row) => row.intent === intent && row.lang === lang).length;
      expect({ intent, english: count('en') >= 15, japanese: count('ja') >= 15 }).toEqual({ intent, english: true, japanese: true });
    }
    expect(rows.length).toBe(labeled.length);
  });

  it('the generated rows are what `npm run generate:intents` writes: a reproducible file, no duplicate in an intent', () => {
    const generated = generateTrainingRows();
    expect(readFileSync(TRAINING_FILES[1] as string, 'utf8')).toBe(`${generated.map((row) => JSON.stringify(row)).join('\n')}\n`);
    expect(generateTrainingRows()).toEqual(generated);
    const keys = generated.map((row) => `${row.intent} ${row.text.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(generated.some((row) => /\{[a-z0-9]+\}/.test(row.text))).toBe(false);
  });

  // One training run (about 15 s on two cores): a second one in this process would only repeat the comparison the
  // committed artifact, written by an earlier run, already makes.
  it('is deterministic: the committed artifact is what `npm run train:intents` writes', () => {
    const { artifact, report } = trainIntentModel(rows);
    const committed = JSON.parse(readFileSync(ARTIFACT, 'utf8')) as IntentModelArtifact;
    expect(sha256(artifactContent(artifact))).toBe(sha256(artifactContent(committed)));
    expect(report.nonZeroWeights).toBeLessThanOrEqual(DEFAULT_TRAIN_OPTIONS.maxWeights);
  }, 240_000);

  it('keeps fewer weights when the artifact would exceed its byte budget (more rows, a longer vocabulary)', () => {
    const small = { ...DEFAULT_TRAIN_OPTIONS, buckets: 1 << 12, epochs: 2, augmentCopies: 0, maxWeights: 1e6, maxArtifactBytes: 1e7 };
    const sample = rows.filter((_, i) => i % 10 === 0);
    const unbounded = trainIntentModel(sample, small);
    const budget = Buffer.byteLength(JSON.stringify(unbounded.artifact)) - 4000;
    const bounded = trainIntentModel(sample, { ...small, maxArtifactBytes: budget });
    expect(bounded.report.nonZeroWeights).toBeLessThan(unbounded.report.nonZeroWeights);
    expect(Buffer.byteLength(JSON.stringify(bounded.artifact))).toBeLessThanOrEqual(budget);
    expect(trainIntentModel(sample, { ...small, maxWeights: 500 }).report.nonZeroWeights).toBe(500);
  });

  it('fits a temperature on its held-out rows that does not worsen the log loss', () => {
    const { report } = trainIntentModel(rows, { ...DEFAULT_TRAIN_OPTIONS, epochs: 10 });
    expect(report.holdoutRows).toBeGreaterThan(50);
    expect(report.holdoutLogLossCalibrated).toBeLessThanOrEqual(report.holdoutLogLossRaw);
    expect(report.temperature).toBeGreaterThan(0);
  }, 240_000);
});

describe('intent model artifact', () => {
  it('is small and loads into a model over all intents', () => {
    expect(statSync(ARTIFACT).size).toBeLessThanOrEqual(DEFAULT_TRAIN_OPTIONS.maxArtifactBytes + 1024);
    const decoded = decodeArtifact(DEFAULT_INTENT_MODEL_ARTIFACT);
    expect(decoded.classes).toEqual([...INTENTS]);
    expect(decoded.dense.length).toBe(DEFAULT_INTENT_MODEL_ARTIFACT.buckets * INTENTS.length);
  });

  it('refuses an unknown class, an old version, corrupt weights or counts that do not match them', () => {
    expect(() => decodeArtifact({ ...DEFAULT_INTENT_MODEL_ARTIFACT, classes: ['nope', ...INTENTS.slice(1)] })).toThrow(/unknown class/);
    expect(() => decodeArtifact({ ...DEFAULT_INTENT_MODEL_ARTIFACT, version: 1 } as unknown as IntentModelArtifact)).toThrow(/unsupported artifact version 1/);
    expect(() => decodeArtifact({ ...DEFAULT_INTENT_MODEL_ARTIFACT, weights: 'bm90IGRlZmxhdGU=' })).toThrow(/corrupt/);
    const counts = [...DEFAULT_INTENT_MODEL_ARTIFACT.counts];
    counts[0] = (counts[0] ?? 0) + 1;
    expect(() => decodeArtifact({ ...DEFAULT_INTENT_MODEL_ARTIFACT, counts })).toThrow(/corrupt/);
  });
});

describe('weight packing', () => {
  it('round-trips signed int8 weights, far-apart buckets (multi-byte deltas) and empty classes', () => {
    const buckets = 40000;
    const rows = [new Int8Array(buckets), new Int8Array(buckets), new Int8Array(buckets)];
    const set = (c: number, bucket: number, q: number): void => {
      (rows[c] as Int8Array)[bucket] = q;
    };
    set(0, 0, 127);
    set(0, 1, -127);
    set(0, 39999, -1);
    set(2, 200, 5);
    set(2, 20000, -64);
    const { counts, weights } = encodeWeights(rows);
    expect(counts).toEqual([3, 0, 2]);
    const classes = ['greeting', 'order_status', 'unknown'];
    const decoded = decodeArtifact({ ...DEFAULT_INTENT_MODEL_ARTIFACT, buckets, classes, bias: [0, 0, 0], scale: 0.5, counts, weights, vocabulary: encodeVocabulary(['order', 'manga']) });
    const at = (bucket: number, c: number): number => decoded.dense[bucket * 3 + c] ?? NaN;
    expect([at(0, 0), at(1, 0), at(39999, 0), at(200, 2), at(20000, 2), at(200, 0), at(5, 1)]).toEqual([63.5, -63.5, -0.5, 2.5, -32, 0, 0]);
    expect(decoded.vocabulary).toEqual(['order', 'manga']);
  });
});

describe('model classifier', () => {
  const model = defaultIntentModel();
  const classifier = new ModelClassifier(model);

  it('character n-grams need no tokenizer; full-width digits fold like ASCII ones', () => {
    expect(featureStrings('注文')).toEqual(expect.arrayContaining(['j注', 'j文', 'j注文']));
    expect(model.predict('注文番号１２３４５はどこ？').ranked).toEqual(model.predict('注文番号12345はどこ？').ranked);
    expect(classifier.classify('注文番号９８７６５の荷物はいつ届く？').intent).toBe('order_status');
  });

  it('returns a calibrated probability, a `model:` signal and the complexity of the complexity function', () => {
    const result = classifier.classify('what should I read after Vagabond? I like samurai stories');
    expect(result.signals[0]).toMatch(/^model:[a-z_]+:0?\.\d+|^model:[a-z_]+:1$/);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    const total = model.predict('anything').ranked.reduce((sum, entry) => sum + entry.probability, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(result.complexity).toBeGreaterThanOrEqual(1);
  });

  // Held-out paraphrases: written for this test, in neither training/intents.jsonl nor ../shared/datasets.
  const HELD_OUT: readonly [string, Intent][] = [
    ['my daughter is into magical girls, what series would she enjoy?', 'recommendation'],
    ['I finished Blue Period and need my next obsession', 'recommendation'],
    ['姪っ子の誕生日に贈る漫画を選んでほしい', 'recommendation'],
    ['進撃の巨人が好きならどれを読むべき？', 'recommendation'],
    ['why did Light pick up the Death Note in the first place?', 'manga_qa'],
    ['ナミはなぜアーロンの一味にいたの？', 'manga_qa'],
    ['the third package in a row came soaked, I am done with this', 'complaint'],
    ['何度問い合わせても同じ返事しか来ない', 'complaint'],
    ['from everything I have ordered, what genre do I lean toward?', 'taste_profile'],
    ['今までの購入から私の好みを分析して', 'taste_profile'],
    ['recap volume 2 of Spy x Family for me', 'summarization'],
    ['ベルセルク１巻のあらすじを短くまとめて', 'summarization'],
    ['how do I say "I cried at the ending" in Japanese?', 'translation'],
    ['「尊い」を英語に訳して', 'translation'],
    ['which edition of Vinland Saga should I get, hardcover or paperback?', 'comparison'],
    ['呪術廻戦とチェンソーマン、どっちが面白い？', 'comparison'],
    ['注文番号５５５１２はいつ届きますか', 'order_status'],
    ['has order 81234 shipped yet?', 'order_status'],
    ['送料はいくらかかりますか', 'shipping_info'],
    ['I want to cancel my order before it ships', 'order_change'],
    ['パスワードを再設定したい', 'account'],
    ['can I talk to a person please', 'escalation'],
    ['ありがとうございました、助かりました', 'greeting'],
    ['set an alarm for 6:30 tomorrow', 'unknown'],
  ];

  it('classifies held-out English and Japanese paraphrases of its own (at least 75%)', () => {
    const misses = HELD_OUT.filter(([text, intent]) => classifier.classify(text).intent !== intent).map(([text, intent]) => `${intent}: ${text} -> ${classifier.classify(text).intent}`);
    if (process.env['SHOW_MISSES']) process.stdout.write(`${misses.length}/${HELD_OUT.length} missed\n${misses.join('\n')}\n`);
    expect(misses.length).toBeLessThanOrEqual(Math.floor(HELD_OUT.length * 0.25));
  });
});

describe('ensemble classifier (rules + model)', () => {
  const ensemble = new EnsembleClassifier(defaultIntentModel(), new KeywordClassifier(), { mode: 'fallback', modelThreshold: 0.5 });

  it("keeps the rules' answer and complexity where they find an intent, and names both sources", () => {
    const rules = new KeywordClassifier().classify('注文番号１２３４５はどこ？');
    const result = ensemble.classify('注文番号１２３４５はどこ？');
    expect(result.intent).toBe(rules.intent);
    expect(result.complexity).toBe(rules.complexity);
    expect(result.signals.some((signal) => signal.startsWith('model:'))).toBe(true);
    expect(result.signals.some((signal) => signal.startsWith('kw:'))).toBe(true);
    expect(result.signals.at(-1)).toMatch(/^ensemble:fallback:rules:agree=/);
  });

  it("takes the model's answer when the rules find nothing and the model is sure enough", () => {
    const nothing: IntentClassifier = { classify: () => ({ intent: 'unknown', confidence: 0.2, complexity: 1, signals: ['fallback:no_match'] }) };
    const text = '今までの購入から私の好みを分析して';
    const prediction = defaultIntentModel().predict(text);
    expect(prediction.probability).toBeGreaterThanOrEqual(0.5);
    const result = new EnsembleClassifier(defaultIntentModel(), nothing, { mode: 'fallback', modelThreshold: 0.5 }).classify(text);
    expect(result.intent).toBe('taste_profile');
    expect(result.confidence).toBeCloseTo(prediction.probability, 3);
    expect(result.signals).toEqual(['fallback:no_match', expect.stringMatching(/^model:taste_profile:/), 'ensemble:fallback:model:agree=0.5']);
    // Just above the model's own probability: not sure enough, so the rules' unknown stands (for the LLM).
    const unsure = new EnsembleClassifier(defaultIntentModel(), nothing, { mode: 'fallback', modelThreshold: prediction.probability + 1e-9 }).classify(text);
    expect(unsure.intent).toBe('unknown');
  });

  it("takes the model's sure `unknown` when no rule fired (no LLM needed), but never replaces a rule that fired", () => {
    const nothing: IntentClassifier = { classify: () => ({ intent: 'unknown', confidence: 0.2, complexity: 1, signals: ['fallback:no_match'] }) };
    const offDomain: IntentClassifier = { classify: () => ({ intent: 'unknown', confidence: 0.363, complexity: 1, signals: ['kw:unknown:off_domain_weather'] }) };
    const text = 'set an alarm for 6:30 tomorrow';
    const prediction = defaultIntentModel().predict(text);
    expect(prediction).toMatchObject({ intent: 'unknown' });
    expect(prediction.probability).toBeGreaterThanOrEqual(0.5);
    const filled = new EnsembleClassifier(defaultIntentModel(), nothing, { mode: 'fallback', modelThreshold: 0.5 }).classify(text);
    expect(filled).toMatchObject({ intent: 'unknown', confidence: Math.round(prediction.probability * 1000) / 1000 });
    expect(filled.signals.at(-1)).toBe('ensemble:fallback:model:agree=1');
    const store = '電車で読むのにいいものある？';
    expect(defaultIntentModel().predict(store).intent).toBe('recommendation');
    const kept = new EnsembleClassifier(defaultIntentModel(), offDomain, { mode: 'fallback', modelThreshold: 0.5 }).classify(store);
    expect(kept).toMatchObject({ intent: 'unknown', confidence: 0.363 });
    expect(kept.signals.at(-1)).toBe('ensemble:fallback:rules:agree=0.5');
  });

  it('upgrade mode: a sure model answer on a higher tier replaces a lower-tier rules answer (a gift request)', () => {
    const text = '10歳の姪が喜ぶ漫画を選んでほしい';
    const rules = new KeywordClassifier().classify(text);
    const upgraded = new EnsembleClassifier(defaultIntentModel(), new KeywordClassifier(), { mode: 'upgrade', modelThreshold: 0.9, upgradeThreshold: 0.6 }).classify(text);
    expect(rules.intent).not.toBe('recommendation');
    expect(upgraded.intent).toBe('recommendation');
    expect(upgraded.signals.at(-1)).toBe('ensemble:upgrade:model:agree=0.5');
  });
});

describe('upgrade mode: a sure model overrides a weak store-intent rule', () => {
  // "volumes" or "price" read in a shipping question is one generic cue: the rules' answer is weak (below 0.5).
  const text = 'shipping fee to australia for one figure';
  const rulesSaying = (intent: Intent, confidence: number, signal: string): IntentClassifier => ({
    classify: () => ({ intent, confidence, complexity: 1, signals: [signal] }),
  });

  it('takes the model at or above overrideThreshold when the rules named a store intent below overrideRulesBelow', () => {
    const prediction = defaultIntentModel().predict(text);
    expect(prediction.intent).toBe('shipping_info');
    expect(prediction.probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.overrideThreshold);
    const result = new EnsembleClassifier(defaultIntentModel(), rulesSaying('price_inquiry', 0.44, 'kw:price_inquiry:price')).classify(text);
    expect(result.intent).toBe('shipping_info');
    expect(result.signals.at(-1)).toBe('ensemble:upgrade:model:agree=0.5');
  });

  it('keeps a rule that is sure enough, the rules’ off-domain unknown, and everything when the model is less sure', () => {
    // A cue that names the request (not one of the borrowed words, which the next block covers).
    const strong = new EnsembleClassifier(defaultIntentModel(), rulesSaying('price_inquiry', 0.73, 'kw:price_inquiry:quote')).classify(text);
    expect(strong).toMatchObject({ intent: 'price_inquiry', confidence: 0.73 });
    const offDomain = new EnsembleClassifier(defaultIntentModel(), rulesSaying('unknown', 0.363, 'kw:unknown:off_domain_travel')).classify(text);
    expect(offDomain).toMatchObject({ intent: 'unknown', confidence: 0.363 });
    const demanding = new EnsembleClassifier(defaultIntentModel(), rulesSaying('price_inquiry', 0.44, 'kw:price_inquiry:price'), { overrideThreshold: 0.9999, sureOverrideThreshold: 0.9999 }).classify(text);
    expect(demanding.intent).toBe('price_inquiry');
    const fallbackMode = new EnsembleClassifier(defaultIntentModel(), rulesSaying('price_inquiry', 0.44, 'kw:price_inquiry:price'), { mode: 'fallback' }).classify(text);
    expect(fallbackMode.intent).toBe('price_inquiry');
  });

  it('takes the model at or above sureOverrideThreshold against a firmer rule, below sureOverrideRulesBelow only', () => {
    const prediction = defaultIntentModel().predict(text);
    expect(prediction.probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.sureOverrideThreshold);
    const between = (DEFAULT_ENSEMBLE_OPTIONS.overrideRulesBelow + DEFAULT_ENSEMBLE_OPTIONS.sureOverrideRulesBelow) / 2;
    const firmer = rulesSaying('price_inquiry', between, 'kw:price_inquiry:quote');
    expect(new EnsembleClassifier(defaultIntentModel(), firmer).classify(text).intent).toBe('shipping_info');
    // The first override alone does not reach a rule this firm.
    expect(new EnsembleClassifier(defaultIntentModel(), firmer, { sureOverrideThreshold: 2 }).classify(text).intent).toBe('price_inquiry');
    const firm = rulesSaying('price_inquiry', DEFAULT_ENSEMBLE_OPTIONS.sureOverrideRulesBelow, 'kw:price_inquiry:quote');
    expect(new EnsembleClassifier(defaultIntentModel(), firm).classify(text).intent).toBe('price_inquiry');
  });

  it('moves to a dearer tier only through the upgrade threshold, not the override', () => {
    const reading = 'just finished reading dandadan and feel lost, what should i pick up now';
    expect(defaultIntentModel().predict(reading)).toMatchObject({ intent: 'recommendation' });
    expect(defaultIntentModel().predict(reading).probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.overrideThreshold);
    const weakSearch = rulesSaying('product_search', 0.44, 'kw:product_search:format');
    expect(new EnsembleClassifier(defaultIntentModel(), weakSearch, { upgradeThreshold: 0.9999 }).classify(reading).intent).toBe('product_search');
    expect(new EnsembleClassifier(defaultIntentModel(), weakSearch, { upgradeThreshold: 0.8 }).classify(reading).intent).toBe('recommendation');
  });
});

describe('upgrade mode: a rules answer resting on one borrowed word is a weak cue', () => {
  const text = 'shipping fee to australia for one figure';
  const rulesWith = (confidence: number, signals: string[], intents?: Intent[]): IntentClassifier => ({
    classify: () => ({ intent: 'price_inquiry', confidence, complexity: 1, signals, ...(intents && { intents }) }),
  });
  const firm = 0.73;

  it('lets the sure model overrule one borrowed-word cue at any confidence', () => {
    expect(firm).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.sureOverrideRulesBelow);
    expect(BORROWED_WORD_CUES.has('kw:price_inquiry:price')).toBe(true);
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:price'])).classify(text).intent).toBe('shipping_info');
    // Without the borrowed-word list the same rule stands.
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:price']), { borrowedWordCues: new Set() }).classify(text).intent).toBe('price_inquiry');
  });

  it('keeps a request cue, two agreeing cues, a multi-intent reading and a less sure model', () => {
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:quote'])).classify(text).intent).toBe('price_inquiry');
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:price', 'kw:price_inquiry:discount'])).classify(text).intent).toBe('price_inquiry');
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:price'], ['price_inquiry', 'order_status'])).classify(text).intent).toBe('price_inquiry');
    expect(new EnsembleClassifier(defaultIntentModel(), rulesWith(firm, ['kw:price_inquiry:price']), { overrideThreshold: 0.9999 }).classify(text).intent).toBe('price_inquiry');
  });

  it('through the real rules: "can u check where my figure is" asks after an order, not for a product', () => {
    const message = 'can u check where my figure is';
    const ruled = new KeywordClassifier().classify(message);
    const cues = ruled.signals.filter((signal) => signal.startsWith(`kw:${ruled.intent}:`));
    expect(cues).toHaveLength(1);
    expect(BORROWED_WORD_CUES.has(cues[0] ?? '')).toBe(true);
    expect(ruled.confidence).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.sureOverrideRulesBelow);
    const model = defaultIntentModel().predict(message);
    expect(model.probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.overrideThreshold);
    expect(defaultIntentClassifier().classify(message).intent).toBe(model.intent);
    expect(model.intent).not.toBe(ruled.intent);
  });
});

describe('upgrade mode: between two strong-tier intents the sure model relabels', () => {
  const text = 'just finished reading dandadan and feel lost, what should i pick up now';
  const storyRule: IntentClassifier = { classify: () => ({ intent: 'manga_qa', confidence: 0.68, complexity: 2, signals: ['kw:manga_qa:story_question'] }) };

  it('takes the model’s recommendation over the rules’ manga_qa (same tier) from strongTierRelabelThreshold', () => {
    const prediction = defaultIntentModel().predict(text);
    expect(prediction.intent).toBe('recommendation');
    expect(prediction.probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.strongTierRelabelThreshold);
    const result = new EnsembleClassifier(defaultIntentModel(), storyRule).classify(text);
    expect(result.intent).toBe('recommendation');
    expect(result.signals.at(-1)).toBe('ensemble:upgrade:model:agree=0.5');
  });

  it('leaves a cheaper-tier rules answer and a less sure model alone', () => {
    const search: IntentClassifier = { classify: () => ({ intent: 'product_search', confidence: 0.68, complexity: 2, signals: ['kw:product_search:format'] }) };
    // A haiku-tier rule that is sure enough stands unless the model passes the upgrade threshold.
    const kept = new EnsembleClassifier(defaultIntentModel(), search, { upgradeThreshold: 0.9999 }).classify(text);
    expect(kept.intent).toBe('product_search');
    const unsure = new EnsembleClassifier(defaultIntentModel(), storyRule, { strongTierRelabelThreshold: 0.9999 }).classify(text);
    expect(unsure.intent).toBe('manga_qa');
  });
});

describe('upgrade mode: the model overrules a rule that fired only on messages of a trained-on length', () => {
  const history = FIFTY_TITLE_HISTORY;
  const profileRule: IntentClassifier = { classify: () => ({ intent: 'taste_profile', confidence: 0.55, complexity: 3, signals: ['kw:taste_profile:analyse_me'] }) };

  it('keeps the rules on a long reading history the model reads as story talk', () => {
    expect(history.length).toBeGreaterThan(DEFAULT_ENSEMBLE_OPTIONS.overruleMaxChars);
    const prediction = defaultIntentModel().predict(history);
    expect(prediction.intent).not.toBe('taste_profile');
    expect(prediction.probability).toBeGreaterThanOrEqual(DEFAULT_ENSEMBLE_OPTIONS.strongTierRelabelThreshold);
    expect(new EnsembleClassifier(defaultIntentModel(), profileRule).classify(history).intent).toBe('taste_profile');
    // Without the length limit the model would overrule it.
    expect(new EnsembleClassifier(defaultIntentModel(), profileRule, { overruleMaxChars: 100_000 }).classify(history).intent).toBe(prediction.intent);
  });
});

describe('the default classifier keeps a multi-intent message', () => {
  it('passes the rules’ intents on when their answer stands', () => {
    const classification = defaultIntentClassifier().classify('Where is order 12345 and can you recommend something like Berserk?');
    expect(classification.intents).toEqual(expect.arrayContaining(['order_status', 'recommendation']));
  });
});
