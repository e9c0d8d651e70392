import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import {
  applyFaq,
  buildFaqIndex,
  DEFAULT_FAQ,
  DEFAULT_FAQ_MATCH_OPTIONS,
  faqBlock,
  faqEntryProblems,
  faqIdOf,
  isFaqDecision,
  matchFaq,
  mergeFaq,
  scoreFaq,
  type FaqEntry,
} from '../../lambdas/core/faq';
import { decideRoute, mergeRoutingOverrides, type RouteDecision } from '../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, type Classification, type Intent } from '../../lambdas/core/vocabulary';

const matchedId = (text: string): string | undefined => matchFaq(text, DEFAULT_FAQ)?.entry.id;

const decision = (intent: Intent, overrides: Partial<Classification> = {}, map = DEFAULT_ROUTING_MAP): RouteDecision =>
  decideRoute({ intent, confidence: 0.8, complexity: 2, signals: [`kw:${intent}:x`], ...overrides }, map, MODEL_CATALOGS.current);

const entry = (overrides: Partial<FaqEntry> = {}): FaqEntry => ({
  id: 'gift-cards',
  intent: 'store_policy',
  patterns: ['Do you sell gift cards?', 'ギフトカードはありますか'],
  answer: { en: 'Yes, from ¥1,000.', ja: 'はい、1,000円からございます。' },
  ...overrides,
});

describe('matchFaq on the embedded default FAQ', () => {
  it.each([
    ['Which payment methods can I use?', 'payment-methods'],
    ['what cards do you take', 'payment-methods'],
    ['is paypal ok', 'payment-methods'],
    ["What's your returns policy?", 'returns'],
    ['how much do you charge for shipping', 'shipping-fees'],
    ['what are your hours', 'store-hours'],
    ['are the books new', 'authenticity-condition'],
    ['do my points expire', 'points'],
    ['Can I have my order gift wrapped?', 'gift-wrapping'],
    ['how do I cancel', 'order-change-cancel'],
    ['reset password', 'password-reset'],
    ['Do you deliver abroad?', 'international-shipping'],
  ])('matches the English paraphrase %j to %s', (text, id) => {
    expect(matchedId(text)).toBe(id);
  });

  it.each([
    ['お支払いはどんな方法がありますか', 'payment-methods'],
    ['カードで払えますか', 'payment-methods'],
    ['返品したい場合はどうすればいいですか', 'returns'],
    ['返品期限は？', 'returns'],
    ['送料無料ですか', 'shipping-fees'],
    ['海外にも発送してくれますか', 'international-shipping'],
    ['何日で届きますか', 'delivery-times'],
    ['サポートの営業時間は何時までですか', 'store-hours'],
    ['本物ですか？', 'authenticity-condition'],
    ['ポイントの使い方', 'points'],
    ['ラッピングしてもらえますか', 'gift-wrapping'],
    ['注文のキャンセル方法', 'order-change-cancel'],
    ['パスワードを忘れてしまいました', 'password-reset'],
    ['領収書を発行してほしい', 'invoice-receipt'],
    ['ＰａｙＰａｌは使えますか', 'payment-methods'],
  ])('matches the Japanese paraphrase %j to %s', (text, id) => {
    expect(matchedId(text)).toBe(id);
  });

  it('matches every pattern of every entry to its own entry', () => {
    const mismatches = DEFAULT_FAQ.flatMap((faq) => faq.patterns.filter((pattern) => matchedId(pattern) !== faq.id).map((pattern) => `${faq.id}: ${pattern}`));

    expect(mismatches).toEqual([]);
  });

  it.each([
    ['What payment methods do you accept, and how long does shipping take?', 'compound'],
    ['How much is shipping? Do you gift wrap?', 'compound'],
    ['送料はいくらですか？それと、ラッピングはできますか？', 'compound'],
    ['Can I cancel order 12345?', 'order_number'],
    ['注文番号１２３４５をキャンセルできますか', 'order_number'],
    ['This is unacceptable, what is your return policy?', 'complaint'],
    ['My payment failed, what payment methods do you accept?', 'complaint'],
    ['返品ポリシーが最悪です', 'complaint'],
    [
      'I bought three volumes of a series last month for my nephew and he already has two of them, so what can I do about returning those two while keeping the third?',
      'too_long',
    ],
  ])('refuses %j before scoring (%s)', (text, why) => {
    expect(faqBlock(text)).toBe(why);
    expect(matchFaq(text, DEFAULT_FAQ)).toBeUndefined();
  });

  it.each([
    'recommend a manga like Berserk but less dark',
    'what is the weather in Tokyo tomorrow',
    'who wrote Vinland Saga',
    'アラームを7時にセットして',
    'おすすめの漫画は？',
    'Is volume 3 of Frieren in stock?',
    'what hour is it in london',
  ])('does not match the unrelated question %j', (text) => {
    expect(matchFaq(text, DEFAULT_FAQ)).toBeUndefined();
  });

  it('does not match a question that carries much the entry does not answer', () => {
    const text = 'how long will it take to arrive in Germany if I pick express and my neighbour signs for it';

    expect(matchFaq(text, DEFAULT_FAQ)).toBeUndefined();
  });

  it('matches exactly at the threshold and not just above the score', () => {
    const text = 'can I still modify my order';
    const { best, runnerUp } = scoreFaq(text, DEFAULT_FAQ);
    const score = best?.score ?? Number.NaN;
    const margin = score - (runnerUp?.score ?? 0);

    expect(matchFaq(text, DEFAULT_FAQ, { ...DEFAULT_FAQ_MATCH_OPTIONS, threshold: score })?.entry.id).toBe(best?.entry.id);
    expect(matchFaq(text, DEFAULT_FAQ, { ...DEFAULT_FAQ_MATCH_OPTIONS, threshold: score + 0.001 })).toBeUndefined();
    expect(matchFaq(text, DEFAULT_FAQ, { ...DEFAULT_FAQ_MATCH_OPTIONS, threshold: 0, margin })).toBeDefined();
    expect(matchFaq(text, DEFAULT_FAQ, { ...DEFAULT_FAQ_MATCH_OPTIONS, threshold: 0, margin: margin + 0.001 })).toBeUndefined();
  });

  it('refuses a message of nothing but the store’s everyday nouns', () => {
    expect(matchFaq('a question about manga', DEFAULT_FAQ)).toBeUndefined();
    expect(scoreFaq('about my order', DEFAULT_FAQ)).toEqual({ blocked: 'no_features' });
  });

  it('scores below the default threshold a question that only shares a word with an entry', () => {
    const { best } = scoreFaq('Tell me about company', DEFAULT_FAQ);

    expect(best?.score ?? 0).toBeLessThan(DEFAULT_FAQ_MATCH_OPTIONS.threshold);
  });

  it('compiles an entry list once and answers the same from the list or its index', () => {
    const index = buildFaqIndex(DEFAULT_FAQ);

    expect(buildFaqIndex(DEFAULT_FAQ)).toBe(index);
    expect(matchFaq('how much is shipping', index)).toEqual(matchFaq('how much is shipping', DEFAULT_FAQ));
    expect(index.byId('points')?.intent).toBe('payment');
  });

  it('answers from operator entries: a new entry matches, a replaced one answers anew', () => {
    const entries = mergeFaq(DEFAULT_FAQ, { entries: [entry()], disabled: ['gift-wrapping'] });

    expect(matchFaq('do you sell gift cards', entries)?.entry.id).toBe('gift-cards');
    expect(matchFaq('ギフトカードはありますか', entries)?.entry.id).toBe('gift-cards');
    expect(matchFaq('Do you offer gift wrapping?', entries)?.entry.id).not.toBe('gift-wrapping');
  });
});

describe('the embedded default FAQ', () => {
  it('has valid entries with unique ids, each with English and Japanese patterns and answers', () => {
    const ids = DEFAULT_FAQ.map((faq) => faq.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const faq of DEFAULT_FAQ) {
      expect(faqEntryProblems(faq)).toEqual([]);
      expect(faq.patterns.filter((pattern) => /[\u3040-\u30ff\u4e00-\u9fff]/u.test(pattern)).length).toBeGreaterThanOrEqual(5);
      expect(faq.patterns.filter((pattern) => /^[\x20-\x7e’]+$/u.test(pattern)).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('covers the store topics of issue 7 item 5', () => {
    expect(DEFAULT_FAQ.map((faq) => faq.id)).toEqual(
      expect.arrayContaining([
        'payment-methods',
        'returns',
        'shipping-fees',
        'delivery-times',
        'international-shipping',
        'store-hours',
        'authenticity-condition',
        'points',
        'gift-wrapping',
        'order-change-cancel',
        'password-reset',
      ]),
    );
  });
});

describe('faqEntryProblems and mergeFaq', () => {
  it('names every problem of an entry', () => {
    const problems = faqEntryProblems(entry({ id: 'Bad Id', intent: 'recommendation' as never, patterns: ['', 'x'.repeat(301)], answer: { en: ' ', ja: 'ok' } }));

    expect(problems).toEqual([
      expect.stringContaining('id must be'),
      expect.stringContaining('intent must be one of'),
      'patterns[0] is empty',
      'patterns[1] is longer than 300 characters',
      'answer_en is empty',
    ]);
  });

  it('replaces an embedded entry by id, removes a disabled one, adds new ones, sorted by id', () => {
    const replaced = { ...DEFAULT_FAQ[0], answer: { en: 'new', ja: '新' } } as FaqEntry;

    const merged = mergeFaq(DEFAULT_FAQ, { entries: [replaced, entry()], disabled: ['points'] });

    expect(merged.map((faq) => faq.id)).toEqual([...DEFAULT_FAQ.map((faq) => faq.id).filter((id) => id !== 'points'), 'gift-cards'].sort());
    expect(merged.find((faq) => faq.id === replaced.id)?.answer.en).toBe('new');
  });
});

describe('applyFaq', () => {
  const match = (id: string, score = 0.9) => ({ entry: DEFAULT_FAQ.find((faq) => faq.id === id) as FaqEntry, score });

  it('answers a FAQ-intent question on the template tier with the entry id and score in the reasons', () => {
    const before = decision('payment');

    const after = applyFaq(before, match('payment-methods', 0.873));

    expect(after).toEqual({
      intent: 'payment',
      tier: 'template',
      model: null,
      complexity: before.complexity,
      confidence: 0.873,
      reasons: [...before.reasons, 'faq:payment-methods', 'faq_score:0.873'],
    });
    expect(faqIdOf(after)).toBe('payment-methods');
    expect(isFaqDecision(after)).toBe(true);
    expect(isFaqDecision(before)).toBe(false);
  });

  it('leaves the decision unchanged without a match or below the minimum score', () => {
    const before = decision('payment');

    expect(applyFaq(before, undefined)).toBe(before);
    expect(applyFaq(before, match('payment-methods', 0.5))).toBe(before);
    expect(applyFaq(before, match('payment-methods', 0.5), { minScore: 0.5 }).tier).toBe('template');
  });

  it('leaves the decision unchanged when the classifier found another intent, unknown or a strong-tier one', () => {
    expect(applyFaq(decision('shipping_info'), match('payment-methods')).tier).toBe('haiku');
    expect(applyFaq(decision('unknown'), match('payment-methods')).tier).toBe('haiku');
    expect(applyFaq(decision('complaint'), match('returns')).tier).toBe('sonnet');
  });

  it('leaves a template decision alone (its own reply is free) and a locked routing row alone', () => {
    const greeting = decision('greeting');
    const { map } = mergeRoutingOverrides([{ intent: 'payment', tier: 'sonnet', locked: true }]);
    const locked = decision('payment', {}, map);

    expect(applyFaq(greeting, match('payment-methods'))).toBe(greeting);
    expect(applyFaq(locked, match('payment-methods'))).toBe(locked);
  });

  it('takes over an intent an operator moved to the strong tier without locking it', () => {
    const { map } = mergeRoutingOverrides([{ intent: 'returns_refunds', tier: 'sonnet' }]);

    expect(applyFaq(decision('returns_refunds', {}, map), match('returns')).tier).toBe('template');
  });
});
