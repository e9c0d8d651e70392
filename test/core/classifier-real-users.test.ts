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

describe('a wrong or incomplete delivery told as a story is returns_refunds, not a search for the goods it names', () => {
  it.each(['you sent me vol 5 instead of vol 6', 'received only 9 of 10 books in the box set', 'the figure base is missing', 'got the japanese edition but i ordered english'])(
    '%s',
    (text) => {
      expect(classifier.classify(text).intent).toBe('returns_refunds');
      expect(signals(text)).toContain('kw:returns_refunds:wrong_or_missing');
    },
  );

  it('leaves a volume asked for to product_search', () => {
    expect(classifier.classify('is vol 6 of vinland saga in stock').intent).toBe('product_search');
  });
});

describe('customs, tracked shipping methods and call requests', () => {
  it.each([
    ['will i have to pay import tax in the eu', 'shipping_info', 'kw:shipping_info:customs'],
    ['who pays customs for orders to canada', 'shipping_info', 'kw:shipping_info:customs'],
    ['is standard airmail tracked', 'shipping_info', 'kw:shipping_info:tracked_option'],
    ['does ems come with tracking', 'shipping_info', 'kw:shipping_info:tracked_option'],
    ['can i get a call from support tomorrow morning', 'escalation', 'kw:escalation:call_request'],
  ])('%s -> %s', (text, intent, signal) => {
    expect(classifier.classify(text).intent).toBe(intent);
    expect(signals(text)).toContain(signal);
  });

  it('keeps a parcel of the customer’s tracking to order_status; shipping methods compared are not a comparison', () => {
    expect(classifier.classify('where is the tracking for my ems parcel').intent).toBe('order_status');
    expect(classifier.classify('ems or airmail which is faster').intent).not.toBe('comparison');
  });
});
