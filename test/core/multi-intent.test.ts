import { KeywordClassifier } from '../../lambdas/core/classifier';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { decideRoute, mergeRoutingOverrides } from '../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, type Classification, type Intent } from '../../lambdas/core/vocabulary';

const classifier = new KeywordClassifier();
const catalog = MODEL_CATALOGS.current;
const classified = (intent: Intent, intents: readonly Intent[] | undefined, overrides: Partial<Classification> = {}): Classification => ({
  intent,
  confidence: 0.9,
  complexity: 4,
  signals: [],
  ...(intents === undefined ? {} : { intents }),
  ...overrides,
});

describe('KeywordClassifier: multi-intent messages keep every intent', () => {
  it.each([
    ['Where is order 12345 and can you recommend something like Berserk?', ['order_status', 'recommendation']],
    ['注文12345はどこ？それとベルセルクみたいな漫画をおすすめして', ['order_status', 'recommendation']],
    ['注文番号１２３４５はどこ？あと、ベルセルクみたいな漫画をおすすめして', ['order_status', 'recommendation']],
    ['where is my order 12345 and what payment methods do you accept?', ['order_status', 'payment']],
    ['I want to cancel my order and get a refund', ['order_change', 'returns_refunds']],
    ['Compare One Piece and Naruto, and do you ship to Canada?', ['comparison', 'shipping_info']],
  ])('finds every intent of %j', (text, expected) => {
    const result = classifier.classify(text);

    expect([...(result.intents ?? [])].sort()).toEqual([...expected].sort());
    expect(result.intents?.[0]).toBe(result.intent);
  });

  it.each([
    'where is my order 12345',
    '注文番号１２３４５はどこ？',
    'hi, where is my order 12345?',
    'こんばんは、注文した本がまだ届きません',
    'thanks, where is my order 12345',
    'manga like Berserk but less dark',
    'Compare One Piece and Naruto',
    'cancel my order or give me a refund',
    'This is unacceptable, what is your return policy?',
    'xyzzy, plugh and more',
  ])('keeps %j a single-intent message (a greeting, a tone word or a weak cue is not a second request)', (text) => {
    expect(classifier.classify(text).intents).toBeUndefined();
  });

  it('keeps the whole message\'s winner as the primary intent, so single-intent accuracy is unchanged', () => {
    const text = 'Where is order 12345 and can you recommend something like Berserk?';
    const single = new KeywordClassifier({ minSecondaryScore: Number.POSITIVE_INFINITY }).classify(text);
    const multi = classifier.classify(text);

    expect(single.intents).toBeUndefined();
    expect(multi.intent).toBe(single.intent);
    expect(multi.confidence).toBe(single.confidence);
    expect(multi.signals).toEqual(single.signals);
  });

  it('is pure: the same intents for the same text', () => {
    const text = '注文12345はどこ？それとベルセルクみたいな漫画をおすすめして';

    expect(new KeywordClassifier().classify(text)).toEqual(classifier.classify(text));
  });
});

describe('decideRoute for multi-intent messages', () => {
  it('sends an order question with a recommendation to the strong tier, for the recommendation, with a reason', () => {
    const decision = decideRoute(classified('order_status', ['order_status', 'recommendation']), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ tier: 'sonnet', model: catalog.sonnet.modelId, intent: 'recommendation', intents: ['order_status', 'recommendation'] });
    expect(decision.reasons).toEqual(expect.arrayContaining(['multi_intent:order_status+recommendation', 'tier_from:recommendation', 'map:sonnet:locked']));
  });

  it('keeps the primary intent when it already needs the highest tier', () => {
    const decision = decideRoute(classified('recommendation', ['recommendation', 'order_status']), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ tier: 'sonnet', intent: 'recommendation' });
    expect(decision.reasons).toContain('multi_intent:recommendation+order_status');
    expect(decision.reasons.some((reason) => reason.startsWith('tier_from:'))).toBe(false);
  });

  it('leaves the template tier when one intent is not a template intent', () => {
    const decision = decideRoute(classified('order_status', ['order_status', 'payment']), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ tier: 'haiku', intent: 'payment' });
    expect(decision.reasons).toContain('multi_intent:order_status+payment');
  });

  it('stays on the template tier when every intent is a template intent', () => {
    const decision = decideRoute(classified('greeting', ['greeting', 'order_status']), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ tier: 'template', model: null, intent: 'greeting' });
    expect(decision.reasons).toContain('multi_intent:greeting+order_status');
  });

  it('judges every intent by the same policy: a complex summary with a cheap question goes to the strong tier', () => {
    const decision = decideRoute(classified('shipping_info', ['shipping_info', 'summarization'], { complexity: 8 }), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ tier: 'sonnet', intent: 'summarization' });
    expect(decision.reasons).toEqual(expect.arrayContaining(['complex_summary:8', 'tier_from:summarization']));
  });

  it('follows the routing table for each intent', () => {
    const { map } = mergeRoutingOverrides([{ intent: 'payment', tier: 'sonnet' }]);

    expect(decideRoute(classified('order_status', ['order_status', 'payment']), map, catalog).tier).toBe('sonnet');
  });

  it('routes a single-intent classification exactly as before: no intents, no multi reasons', () => {
    const decision = decideRoute(classified('order_status', undefined), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toEqual({ intent: 'order_status', tier: 'template', model: null, complexity: 4, confidence: 0.9, reasons: ['intent:order_status', 'map:template'] });
  });

  it('routes the classifier\'s multi-intent English and Japanese messages to the same tier', () => {
    const english = decideRoute(classifier.classify('Where is order 12345 and can you recommend something like Berserk?'), DEFAULT_ROUTING_MAP, catalog);
    const japanese = decideRoute(classifier.classify('注文12345はどこ？それとベルセルクみたいな漫画をおすすめして'), DEFAULT_ROUTING_MAP, catalog);

    expect(english.tier).toBe('sonnet');
    expect(japanese.tier).toBe('sonnet');
  });
});
