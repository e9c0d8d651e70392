import { MessageClassifier } from '../../lambdas/app/classify-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { isCatalogueQuery, normalizeText } from '../../lambdas/core/classifier';
import { DEFAULT_ENSEMBLE_OPTIONS, defaultIntentClassifier, defaultIntentModel, EnsembleClassifier } from '../../lambdas/core/intent-model';
import { fastPathSource } from '../../lambdas/core/llm-classifier/validate';
import { publicReasons } from '../../lambdas/core/route-reasons';
import type { Intent, IntentClassifier } from '../../lambdas/core/vocabulary';
import { RecordingMetrics } from '../../local/console-log';
import { silentLog } from '../support/fakes';

const query = (text: string): boolean => isCatalogueQuery(normalizeText(text));

describe('catalogue query: what people type into a search box', () => {
  it.each(['vinland saga', 'Resistance band', 'syntha 6', 'chainsaw man 1-12 set', 'bluetooth earbuds under 2000', 'ＢＥＲＳＥＲＫ deluxe'])(
    '"%s" names a thing',
    (text) => expect(query(text)).toBe(true),
  );

  it.each([
    ['a question', 'vinland saga?'],
    ['a question word', 'what time'],
    ['a pronoun', 'my order'],
    ['an assistant command', 'call mark'],
    ['a command verb first', 'book a covid test'],
    ['a command verb first, any case', 'Download WhatsApp'],
    ['an answer', 'yeah sure'],
    ['a greeting', 'hi there'],
    ['five words', 'one piece box set volume'],
    ['no real word', 'x 12'],
    ['a keyboard mash', 'asdfgh'],
    ['a keyboard mash backwards', 'lkjh'],
    ['Japanese', 'ワンピース 最新刊'],
    ['nothing', ''],
  ])('%s is not a search ("%s")', (_, text) => expect(query(text)).toBe(false));

  it('takes a shopping verb or a command verb later in the message as part of a name', () => {
    expect(query('order one piece 105')).toBe(true);
    expect(query('one piece book set')).toBe(true);
  });

  it('counts words up to maxWords; 0 turns it off', () => {
    expect(isCatalogueQuery('one piece box set volume', 5)).toBe(true);
    expect(isCatalogueQuery('vinland saga', 0)).toBe(false);
  });
});

describe('ensemble: an unplaced search-box message is a catalogue search', () => {
  const rulesSaying = (intent: Intent, confidence: number, signals: string[]): IntentClassifier => ({
    classify: () => ({ intent, confidence, complexity: 1, signals }),
  });
  const noCue = rulesSaying('unknown', 0.2, []);
  // Names the model has no reading of: whichever it leaves `unknown` (its artifact is retrained) shows the step.
  const names = ['l arginine', 'mb supergainer', 'syntha 6', 'gym equipment', 'fish oil'];
  const unplacedByBoth = (text: string): boolean => new EnsembleClassifier(defaultIntentModel(), noCue, { catalogueQueryMaxWords: 0 }).classify(text).intent === 'unknown';
  const modelSaysUnknown = (text: string): boolean => defaultIntentModel().predict(text).intent === 'unknown';
  const surelyUnknown = (text: string): boolean =>
    modelSaysUnknown(text) && defaultIntentModel().predict(text).probability >= DEFAULT_ENSEMBLE_OPTIONS.catalogueQueryModelUnknownBelow;
  const unplaced = names.filter((text) => unplacedByBoth(text) && !surelyUnknown(text));

  it('reads it as product_search, below the LLM threshold, with a search signal and the rules as its source', () => {
    expect(unplaced.length).toBeGreaterThan(0);
    for (const text of unplaced) {
      const result = new EnsembleClassifier(defaultIntentModel(), noCue).classify(text);
      expect(result).toMatchObject({ intent: 'product_search', confidence: DEFAULT_ENSEMBLE_OPTIONS.catalogueQueryConfidence });
      expect(result.confidence).toBeLessThan(0.3);
      expect(result.signals).toContain('search:catalogue_query');
      expect(result.signals.at(-1)).toMatch(/^ensemble:upgrade:rules:/);
      expect(fastPathSource(result)).toBe('rules');
      expect(publicReasons(result.signals)).toContain('classifier:rules');
      expect(publicReasons(result.signals).join(' ')).not.toContain('catalogue_query');
    }
  });

  it("leaves the rules' off-domain unknown, a non-search message and the option turned off alone", () => {
    const text = unplaced[0] ?? names[0]!;
    const offDomain = rulesSaying('unknown', 0.363, ['kw:unknown:off_domain_health']);
    expect(new EnsembleClassifier(defaultIntentModel(), offDomain).classify(text).intent).toBe('unknown');
    expect(new EnsembleClassifier(defaultIntentModel(), noCue, { catalogueQueryMaxWords: 0 }).classify(text).intent).toBe('unknown');
    const command = new EnsembleClassifier(defaultIntentModel(), noCue).classify('please roll a dice');
    expect(command.signals).not.toContain('search:catalogue_query');
  });

  it("leaves a name the model is sure is off-domain (its own `unknown` at catalogueQueryModelUnknownBelow or more)", () => {
    const offDomainName = 'costco hours today';
    expect(isCatalogueQuery(offDomainName)).toBe(true);
    expect(modelSaysUnknown(offDomainName)).toBe(true);
    const sureAt = defaultIntentModel().predict(offDomainName).probability;
    expect(new EnsembleClassifier(defaultIntentModel(), noCue, { catalogueQueryModelUnknownBelow: sureAt }).classify(offDomainName).intent).toBe('unknown');
    expect(new EnsembleClassifier(defaultIntentModel(), noCue, { catalogueQueryModelUnknownBelow: sureAt + 0.001 }).classify(offDomainName).intent).toBe('product_search');
  });

  it('through the real classifier: a manga title alone is a search the LLM fallback is asked to confirm', async () => {
    const fast = defaultIntentClassifier();
    expect(fast.classify('goodnight punpun').intent).toBe('product_search');
    const classifier = new MessageClassifier({ fast, cheapModel: MODEL_CATALOGS.current.haiku, metrics: new RecordingMetrics(), log: silentLog });
    const classified = await classifier.classify('goodnight punpun');
    expect(classified).toMatchObject({ source: 'rules', needsLlm: true });
    expect(classified.classification.intent).toBe('product_search');
    // A title the trained model does not know: the search-box reading, not the model, placed it.
    expect(classified.classification.signals).toContain('search:catalogue_query');
  });
});
