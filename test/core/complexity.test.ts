import { estimateComplexity, KeywordClassifier, normalizeText } from '../../lambdas/core/classifier';
import type { Intent } from '../../lambdas/core/vocabulary';

const classifier = new KeywordClassifier();
const score = (text: string, intent: Intent, intents?: readonly Intent[]): number => estimateComplexity(normalizeText(text), intent, intents);

describe('estimateComplexity: script alone never changes the score (seed 000 scenario 2)', () => {
  // The same question in English and in Japanese, with the intent held fixed: only the script differs.
  const pairs: readonly (readonly [string, string, Intent])[] = [
    ['where is my order 12345?', '注文番号12345はどこですか？', 'order_status'],
    ['Where is my order #98765?', '注文番号98765はどこですか？', 'order_status'],
    ['hello', 'こんにちは', 'greeting'],
    ['do you ship to Canada?', 'カナダに発送できますか？', 'shipping_info'],
    ['recommend a manga like Berserk', 'ベルセルクみたいな漫画をおすすめして', 'recommendation'],
    ['recommend a manga like Berserk but not too dark', 'ベルセルクみたいな漫画をおすすめして、でも暗すぎないもの', 'recommendation'],
    ['compare One Piece and Naruto', 'ワンピースとナルトを比較して', 'comparison'],
    ['first summarize Berserk volume 1, then recommend something similar', 'まずベルセルク1巻を要約してから、似た漫画をおすすめして', 'summarization'],
  ];
  // Japanese drops the words English needs ("I want to"): it may score lower, never higher.
  const terser: readonly (readonly [string, string, Intent])[] = [
    ['I want to return a damaged volume', '破損した巻を返品したい', 'returns_refunds'],
    ['what payment methods do you accept?', 'どの支払い方法が使えますか？', 'payment'],
    ['summarize the Golden Age arc of Berserk', 'ベルセルクの黄金時代編を要約して', 'summarization'],
  ];

  it.each(pairs)('rates %j and %j alike', (english, japanese, intent) => {
    expect(score(japanese, intent)).toBe(score(english, intent));
  });

  it.each([...pairs, ...terser])('never rates the Japanese of %j higher: %j', (english, japanese) => {
    expect(classifier.classify(japanese).complexity).toBeLessThanOrEqual(classifier.classify(english).complexity);
  });

  it('keeps a Japanese order question, full-width digits included, at the bottom of the scale', () => {
    expect(classifier.classify('注文番号１２３４５の配送状況はどうなっていますか？').complexity).toBeLessThanOrEqual(2);
    expect(classifier.classify('注文番号１２３４５はどこ？').complexity).toBe(1);
  });

  it('rates a long Japanese message like the English one it translates, not by its character count', () => {
    const english = 'I ordered volume three last week, when will it arrive?';
    const japanese = '先週3巻を注文しましたが、いつ届きますか？';

    expect(score(japanese, 'order_status')).toBe(score(english, 'order_status'));
  });
});

describe('estimateComplexity: what raises it', () => {
  it.each([
    ['recommend a manga like Berserk', 'recommend a manga like Berserk but less dark'],
    ['ベルセルクみたいな漫画をおすすめして', 'ベルセルクみたいな漫画をおすすめして、でも暗すぎないもの'],
  ])('counts a constraint: %j < %j', (plain, constrained) => {
    expect(score(constrained, 'recommendation')).toBeGreaterThan(score(plain, 'recommendation'));
  });

  it.each([
    ['tell me about One Piece and Naruto', 'is One Piece better than Naruto'],
    ['ワンピースとナルトについて教えて', 'ワンピースとナルトはどっちがいい'],
  ])('counts a comparison: %j < %j', (plain, comparing) => {
    expect(score(comparing, 'manga_qa')).toBeGreaterThan(score(plain, 'manga_qa'));
  });

  it.each([
    ['summarize Berserk volume 1 and recommend something similar', 'first summarize Berserk volume 1, then recommend something similar'],
    ['ベルセルク1巻を要約して、似た漫画をおすすめして', 'まずベルセルク1巻を要約してから、似た漫画をおすすめして'],
  ])('counts a multi-step ask: %j < %j', (plain, stepped) => {
    expect(score(stepped, 'summarization')).toBeGreaterThan(score(plain, 'summarization'));
  });

  it('counts each further intent of a multi-intent message, at most two', () => {
    const text = 'where is order 12345 and what payment methods do you accept';
    const one = score(text, 'order_status');
    const two = score(text, 'order_status', ['order_status', 'payment']);
    const four = score(text, 'order_status', ['order_status', 'payment', 'shipping_info', 'account']);

    expect(two).toBe(one + 1);
    expect(four).toBe(one + 2);
  });

  it('counts a reasoning intent among the further intents too', () => {
    const text = 'where is order 12345 and can you suggest something';

    expect(score(text, 'order_status', ['order_status', 'recommendation'])).toBe(score(text, 'order_status') + 2);
  });

  it('stays an integer within 1-10 however much is stacked up', () => {
    const text = 'first compare A and B, then explain why, but less dark, only finished series, under 10 volumes? and why? and how?'.repeat(5);

    expect(score(text, 'comparison', ['comparison', 'recommendation', 'manga_qa', 'summarization'])).toBe(10);
    expect(score('', 'unknown')).toBe(1);
  });
});

describe('KeywordClassifier complexity of multi-intent messages', () => {
  it('rates an order question with a recommendation above either alone, in English and Japanese alike', () => {
    const both = classifier.classify('Where is order 12345 and can you recommend something like Berserk?');
    const order = classifier.classify('Where is order 12345?');
    const bothJa = classifier.classify('注文12345はどこ？それとベルセルクみたいな漫画をおすすめして');

    expect(both.complexity).toBeGreaterThan(order.complexity);
    expect(bothJa.complexity).toBe(both.complexity);
  });
});
