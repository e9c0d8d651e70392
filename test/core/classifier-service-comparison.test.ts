import { DEFAULT_KEYWORD_RULES, KeywordClassifier } from '../../lambdas/core/classifier';
import { defaultIntentClassifier } from '../../lambdas/core/intent-model';
import { DEFAULT_ROUTING_MAP, type Intent } from '../../lambdas/core/vocabulary';

// Issue 8: "What are your shipping times? compare" went to the strong tier as a comparison on one borrowed word.
describe('a comparison of the store services is a question about that service', () => {
  const rules = new KeywordClassifier();
  const withoutGuard = new KeywordClassifier({
    rules: { ...DEFAULT_KEYWORD_RULES, comparison: (DEFAULT_KEYWORD_RULES.comparison ?? []).filter((rule) => rule.id !== 'not_service_comparison') },
  });
  const gateway = defaultIntentClassifier();

  it.each<readonly [string, Intent]>([
    ['What are your shipping times? compare', 'shipping_info'],
    ['compare shipping costs to France vs Spain for me', 'shipping_info'],
    ['compare paypal and credit card fees', 'payment'],
    ['支払い方法の違いを教えて', 'payment'],
    ['コンビニ払いとカード払い、どっちがいい？', 'payment'],
  ])('"%s" is %s, on the cheap side, in the rules and the gateway classifier', (text, intent) => {
    expect(rules.classify(text).intent).toBe(intent);
    const decided = gateway.classify(text);
    expect(decided.intent).toBe(intent);
    expect(DEFAULT_ROUTING_MAP[decided.intent].tier).not.toBe('sonnet');
    // The guard is what decides: without it the borrowed "compare" / 比較 wins.
    expect(withoutGuard.classify(text).intent).toBe('comparison');
  });

  it.each([
    'compare the Berserk deluxe edition and the regular one',
    'is the shipping edition of One Piece vol 1 different from the regular volume?',
    'ワンピースの通常版と限定版の違いは？',
  ])('a comparison of goods stays a comparison even when a service word appears: "%s"', (text) => {
    expect(rules.classify(text).intent).toBe('comparison');
  });
});
