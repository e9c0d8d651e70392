import { KeywordClassifier } from '../../lambdas/core/classifier';

/**
 * Keyword rules for how real users of an online shop ask: delivery time before they buy, an order already paid for
 * asked after in the past tense, and sign-in codes that do not come. Each case names the rule that must decide it.
 */
const classifier = new KeywordClassifier();
const signals = (text: string): readonly string[] => classifier.classify(text).signals;

describe('delivery time asked before buying is shipping_info', () => {
  it.each([
    'if i order now when will it reach kolkata',
    'how soon can i get it if i buy today',
    'If I place an order tonight, by when will it be delivered?',
    'ordering today, when will it arrive',
  ])('%s', (text) => {
    expect(classifier.classify(text).intent).toBe('shipping_info');
    expect(signals(text)).toContain('kw:shipping_info:delivery_if_ordered');
  });

  it('leaves an order already placed to order_status and a wish to buy to product_search', () => {
    expect(classifier.classify('i ordered last week, when will it reach').intent).toBe('order_status');
    expect(signals('i ordered last week, when will it reach')).not.toContain('kw:shipping_info:delivery_if_ordered');
    expect(classifier.classify('i want to order the berserk deluxe edition').intent).toBe('product_search');
  });
});

describe('an order asked after in the past tense is order_status', () => {
  it.each([
    'did my spy x family volumes get shipped',
    'has it been dispatched',
    'did u send my parcel',
    'did my order of two figures get sent',
  ])('%s', (text) => {
    expect(classifier.classify(text).intent).toBe('order_status');
    expect(signals(text).some((signal) => signal === 'kw:order_status:sent_yet' || signal === 'kw:order_status:shipped_yet')).toBe(true);
  });

  it('does not read a question about how the store ships as a sent order', () => {
    expect(classifier.classify('do you send figures by air mail').intent).toBe('shipping_info');
  });
});

describe('sign-in codes and links are account', () => {
  it.each([
    'otp not coming on my phone',
    'the password reset link never came',
    'no verification email yet',
    'ログインの認証コードが届かない',
    'パスワード再設定のメールが来ません',
  ])('%s', (text) => {
    expect(classifier.classify(text).intent).toBe('account');
    expect(signals(text)).toContain('kw:account:sign_in_code');
  });

  it('leaves a payment code to payment and an order confirmation to order_status', () => {
    expect(classifier.classify('otp for card payment not received').intent).toBe('payment');
    expect(classifier.classify('注文確認メールが届かない').intent).toBe('order_status');
    expect(classifier.classify('order confirmation mail not received').intent).not.toBe('account');
  });
});
