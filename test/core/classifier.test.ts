import {
  DEFAULT_KEYWORD_RULES,
  extractOrderId,
  KeywordClassifier,
  normalizeText,
  type KeywordRuleTable,
} from '../../lambdas/core/classifier';
import { DEFAULT_ROUTING_MAP, INTENTS, type Intent } from '../../lambdas/core/vocabulary';

const classifier = new KeywordClassifier();

describe('KeywordClassifier intents', () => {
  const examples: readonly (readonly [string, Intent])[] = [
    ['注文番号１２３４５はどこ？', 'order_status'],
    ['where is my order 12345', 'order_status'],
    ['can you track my package? it has not arrived yet', 'order_status'],
    ['do i have to wait much longer for my package', 'order_status'],
    ['when is my parcel coming', 'order_status'],
    ['waiting for the right series to start', 'unknown'],
    ['manga like Berserk but less dark', 'recommendation'],
    ['ベルセルクみたいな漫画を教えて', 'recommendation'],
    ['what should I read after Chainsaw Man?', 'recommendation'],
    ['おすすめの少女漫画ある？', 'recommendation'],
    ['hello', 'greeting'],
    ['こんにちは', 'greeting'],
    ['thanks, that was a big help', 'greeting'],
    ['ありがとうございました', 'greeting'],
    ['I want to talk to a human', 'escalation'],
    ['オペレーターと話したい', 'escalation'],
    ['Compare One Piece and Naruto', 'comparison'],
    ['進撃の巨人と鬼滅の刃の違いは？', 'comparison'],
    ['translate this line into English: 俺は海賊王になる男だ', 'translation'],
    ['この台詞を英語に翻訳して', 'translation'],
    ['how do you say goodbye in French', 'translation'],
    ['I want to cancel my order', 'order_change'],
    ['注文をキャンセルしたい', 'order_change'],
    ['please change the delivery address of my order', 'order_change'],
    ['I want a refund for a damaged volume', 'returns_refunds'],
    ['返品したいです', 'returns_refunds'],
    ['what payment methods do you accept?', 'payment'],
    ['コンビニ払いはできますか', 'payment'],
    ['I forgot my password', 'account'],
    ['I want to change my email address', 'account'],
    ['パスワードを忘れました', 'account'],
    ['are your manga officially licensed copies?', 'store_policy'],
    ['営業時間を教えて', 'store_policy'],
    ['is Berserk volume 42 in stock?', 'product_search'],
    ['ベルセルクの42巻は在庫ありますか？', 'product_search'],
    ['is there a discount on the One Piece box set?', 'price_inquiry'],
    ['この漫画の値段はいくらですか', 'price_inquiry'],
    ['do you ship to Canada?', 'shipping_info'],
    ['送料はいくらですか', 'shipping_info'],
    ['help me write a review of Vinland Saga volume 1', 'manga_review'],
    ['チェンソーマンのレビューを書くのを手伝って', 'manga_review'],
    ['summarize the Golden Age arc', 'summarization'],
    ['進撃の巨人を要約して', 'summarization'],
    ['who wrote Vagabond?', 'manga_qa'],
    ['鬼滅の刃の作者は誰？', 'manga_qa'],
    ['Why did Griffith betray Guts in Berserk?', 'manga_qa'],
    ['analyze my reading history', 'taste_profile'],
    ['私の好みを分析して', 'taste_profile'],
    ['I want to file a complaint, your service is terrible', 'complaint'],
    ['対応が最悪です', 'complaint'],
    ['how old are you?', 'chitchat'],
    ['tell me a joke', 'chitchat'],
    ["what's the weather tomorrow", 'unknown'],
    ['明日のアラームをキャンセル', 'unknown'],
    ['xyzzy', 'unknown'],
    // Bank cards and currency conversion are off-domain; the store's own prices, PIN codes and pin badges are not.
    ['how much is 50 dollars in yen', 'unknown'],
    ['what is the minimum payment due this month', 'unknown'],
    ['I forgot the pin number of my debit card', 'unknown'],
    ['how much is One Piece vol 3 in dollars', 'price_inquiry'],
    ['I have to reset my account PIN code', 'account'],
  ];

  it.each(examples)('classifies %j as %s', (text, intent) => {
    const result = classifier.classify(text);

    expect(result.intent).toBe(intent);
  });

  it('covers every intent but unknown with both English and Japanese rules', () => {
    const uncovered = INTENTS.filter((intent) => intent !== 'unknown').filter((intent) => {
      const ids = (DEFAULT_KEYWORD_RULES[intent] ?? []).filter((rule) => rule.weight > 0).map((rule) => rule.id);
      return !ids.some((id) => id.startsWith('ja_')) || !ids.some((id) => !id.startsWith('ja_'));
    });

    expect(uncovered).toEqual([]);
  });
});

describe('KeywordClassifier off-domain guards: a store word borrowed by an everyday request', () => {
  // Each pair: the borrowed word in an everyday request (unknown), then the same word about this store's goods.
  const pairs: readonly (readonly [string, Intent])[] = [
    // Reviews of a restaurant, a hotel or a phone are not manga reviews; reviews of a volume are.
    ['are the reviews of the noodle bar on 3rd street any good', 'unknown'],
    ['what rating does burger king have', 'unknown'],
    ['how are the reviews for this hotel in osaka', 'unknown'],
    ['reviews of the new pixel phone', 'unknown'],
    ['i have my annual performance review tomorrow', 'unknown'],
    ['are the reviews for this manga any good', 'manga_review'],
    ['help me write a review of Blue Lock volume 2', 'manga_review'],
    // Comparing or pricing phones, cars and instruments is not a question about the store's goods.
    ['is a macbook better than a windows laptop', 'unknown'],
    ['which is cheaper to run, a tesla or a hybrid car', 'unknown'],
    ['how much does a decent acoustic guitar cost', 'unknown'],
    ['is the hardcover better than the paperback edition', 'comparison'],
    ['how much is the Naruto box set', 'price_inquiry'],
    // Bank matters: a frozen account, a card declined at another merchant, a card's expiry, taxes and pay.
    ['the bank froze my checking account', 'unknown'],
    ['my visa was declined at the pharmacy this morning', 'unknown'],
    ['when does my debit card expire', 'unknown'],
    ['how much will i be taxed on my bonus', 'unknown'],
    ['how much money do i earn in a year', 'unknown'],
    ['list my recent transactions', 'unknown'],
    ['what happens if i pay my mortgage late', 'unknown'],
    ['is the 42 bus delayed this morning', 'unknown'],
    ['my manga order is running late', 'order_status'],
    ['my visa payment was declined at checkout', 'payment'],
    ['does the price of the volume include tax', 'price_inquiry'],
    ['I forgot my password', 'account'],
    // Repairs are not replacements of a damaged volume.
    ['how do i replace the brake pads on my bike', 'unknown'],
    ['can you help me change a flat tire', 'unknown'],
    ['please replace the volume that arrived with torn pages', 'returns_refunds'],
    // Devices, calls, music, groceries, school and health are an assistant's requests, not the store's.
    ['connect my earbuds over bluetooth', 'unknown'],
    ['what adapter do i need for outlets in korea', 'unknown'],
    ['text sam that dinner is at eight', 'unknown'],
    ['queue up some lo-fi music', 'unknown'],
    ['we ran out of milk, order another carton', 'unknown'],
    ['which colleges offer the best nursing degrees', 'unknown'],
    ['what are the symptoms of strep throat', 'unknown'],
    ['call customer service for me', 'escalation'],
    // A recommendation of a dentist or a restaurant is not a manga recommendation; a manga about one is.
    ['could you recommend a good dentist near shibuya', 'unknown'],
    ['recommend a cheap ramen restaurant for tonight', 'unknown'],
    ['recommend a manga about a dentist', 'recommendation'],
    ['can I place an order for the next Kingdom volume', 'product_search'],
    // Japanese: banking, travel, car care and home devices borrow payment, booking and exchange words.
    ['クレジットカードの限度額を知りたい', 'unknown'],
    ['ホテルを予約したい', 'unknown'],
    ['車のオイル交換の時期は', 'unknown'],
    ['リビングのエアコンをつけて', 'unknown'],
    ['地下鉄は今遅れてる？', 'unknown'],
    ['注文した漫画の発送が遅れてる？', 'order_status'],
    ['クレジットカードで支払いたい', 'payment'],
    ['表紙が破れていたので交換してほしい', 'returns_refunds'],
    // Other services' accounts, errands near the user, personal money, health, dates, messages, tickets, a device's
    // volume, airlines and meals: each borrows a store word ("password", "near me", "send", "volume", "refund").
    ['how do i reset my netflix password', 'unknown'],
    ['reset my work email password', 'unknown'],
    ['any good vet near me', 'unknown'],
    ['is there a showroom near me', 'store_policy'],
    ['i lost my debit card, block it', 'unknown'],
    ['send money to my brother', 'unknown'],
    ['how much ibuprofen can i take', 'unknown'],
    ['how many days until christmas', 'unknown'],
    ['how many days until my volume arrives', 'shipping_info'],
    ['what is the time difference with tokyo', 'unknown'],
    ['send an email to my teacher', 'unknown'],
    ['how much are movie tickets tonight', 'unknown'],
    ['turn the volume down', 'unknown'],
    ['is volume 3 of berserk in stock', 'product_search'],
    ['refund from the airline for my cancelled flight', 'unknown'],
    ['i want a refund for my damaged manga', 'returns_refunds'],
    ['how long will the pizza delivery take', 'unknown'],
    ['水道料金の請求書が届かない', 'unknown'],
    ['パスワードを忘れました', 'account'],
  ];

  it.each(pairs)('classifies %j as %s', (text, intent) => {
    expect(classifier.classify(text).intent).toBe(intent);
  });

  it('leaves a borrowed word to the store when the message names its goods', () => {
    const result = classifier.classify('are the One Piece volumes better than the anime');

    expect(result.intent).toBe('comparison');
    expect(result.signals).not.toContain('kw:comparison:not_foreign_goods');
  });
});

describe('KeywordClassifier signals and confidence', () => {
  it('names the matched rules as signals', () => {
    const result = classifier.classify('where is my order 12345');

    expect(result.signals).toEqual(expect.arrayContaining(['kw:order_status:where_is', 'kw:order_status:order_number']));
  });

  it('marks a message without any cue as a fallback with low confidence', () => {
    const result = classifier.classify('xyzzy plugh');

    expect(result).toMatchObject({ intent: 'unknown', signals: ['fallback:no_match'] });
    expect(result.confidence).toBeLessThan(0.3);
  });

  it('keeps unknown below the confidence of any clear match, even with an off-domain cue', () => {
    const offDomain = classifier.classify('set an alarm for 7 am');
    const clear = classifier.classify('I want a refund');

    expect(offDomain.intent).toBe('unknown');
    expect(offDomain.confidence).toBeLessThan(0.5);
    expect(clear.confidence).toBeGreaterThan(offDomain.confidence);
  });

  it('is less confident when a second intent is close behind, and says which', () => {
    const clear = classifier.classify('I want to cancel my order');
    const ambiguous = classifier.classify('cancel my order or give me a refund');

    expect(ambiguous.confidence).toBeLessThan(clear.confidence);
    expect(ambiguous.signals.some((signal) => signal.startsWith('alt:'))).toBe(true);
  });

  it.each([
    ['こんばんは、注文した本がまだ届きません', 'order_status'],
    ['thanks, where is my order 12345', 'order_status'],
    ['Hi, I want to cancel my order', 'order_change'],
  ])('lets the request in %j win over its greeting without losing confidence to it', (text, intent) => {
    const result = classifier.classify(text);

    expect(result.intent).toBe(intent);
    expect(result.signals).not.toContain('alt:greeting');
    expect(result.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('is more confident when several cues agree than with one weak cue', () => {
    const strong = classifier.classify('where is my order 12345? please track it');
    const weak = classifier.classify('my order');

    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });

  it.each(['hello', 'こんにちは', 'where is my order 12345', '注文番号１２３４５はどこ？', 'I want to talk to a human'])(
    'is confident enough on the clear template message %j to keep it on the template tier',
    (text) => {
      const result = classifier.classify(text);

      expect(DEFAULT_ROUTING_MAP[result.intent].tier).toBe('template');
      expect(result.confidence).toBeGreaterThanOrEqual(0.5);
    },
  );

  it('keeps confidence within 0-1 and complexity an integer within 1-10 for odd input', () => {
    const inputs = ['', '   ', '?'.repeat(50), 'why '.repeat(500), '漫画'.repeat(1000), '１２３４５'];

    for (const text of inputs) {
      const { confidence, complexity } = classifier.classify(text);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      expect(Number.isInteger(complexity)).toBe(true);
      expect(complexity).toBeGreaterThanOrEqual(1);
      expect(complexity).toBeLessThanOrEqual(10);
    }
  });
});

describe('KeywordClassifier complexity', () => {
  it('rates a greeting as the simplest message', () => {
    expect(classifier.classify('hello').complexity).toBe(1);
    expect(classifier.classify('こんにちは').complexity).toBe(1);
  });

  it('rates a greeting below an order question below a long comparison', () => {
    const greeting = classifier.classify('hi there').complexity;
    const order = classifier.classify('where is my order 12345').complexity;
    const comparison = classifier.classify(
      'Can you compare the Berserk deluxe edition and the original volumes, and explain why one is better value for a new reader?',
    ).complexity;

    expect(greeting).toBeLessThanOrEqual(order);
    expect(order).toBeLessThan(comparison);
    expect(comparison).toBeGreaterThanOrEqual(6);
  });

  it('rates a long multi-constraint recommendation at 7 or more', () => {
    const result = classifier.classify(
      'Can you recommend a dark fantasy manga like Berserk but less violent, already finished, under 20 volumes, with a strong female lead?',
    );

    expect(result.intent).toBe('recommendation');
    expect(result.complexity).toBeGreaterThanOrEqual(7);
  });

  it('rates a constrained recommendation above a plain one', () => {
    const plain = classifier.classify('recommend a manga').complexity;
    const constrained = classifier.classify('manga like Berserk but less dark').complexity;

    expect(constrained).toBeGreaterThan(plain);
  });

  it('rates a long Japanese analytical request above a short Japanese one', () => {
    const short = classifier.classify('おすすめの漫画ある？').complexity;
    const long = classifier.classify(
      '進撃の巨人と鋼の錬金術師を比較して、なぜ結末の評価がこれほど分かれたのか、テーマと伏線の回収の観点から詳しく分析してください。',
    ).complexity;

    expect(long).toBeGreaterThan(short);
    expect(long).toBeGreaterThanOrEqual(7);
  });
});

describe('KeywordClassifier purity', () => {
  it('returns the same classification for the same text, across calls and instances', () => {
    const text = 'ベルセルクみたいな漫画を教えて、でも暗すぎないもの';

    const first = classifier.classify(text);
    const second = classifier.classify(text);
    const other = new KeywordClassifier().classify(text);

    expect(second).toEqual(first);
    expect(other).toEqual(first);
  });

  it('treats full-width digits and letters like their ASCII forms', () => {
    const fullWidth = classifier.classify('ＷＨＥＲＥ ＩＳ ＭＹ ＯＲＤＥＲ １２３４５');
    const ascii = classifier.classify('where is my order 12345');

    expect(fullWidth).toEqual(ascii);
    expect(normalizeText('ＡＢＣ　１２３')).toBe('abc 123');
  });

  it('classifies with a replacement rule table, so the rules are data', () => {
    const rules: KeywordRuleTable = { payment: [{ id: 'zap', weight: 5, pattern: /\bzap\b/gu }] };
    const custom = new KeywordClassifier({ rules });

    const results = [custom.classify('zap'), custom.classify('zap'), custom.classify('where is my order 12345')];

    // A /g pattern would alternate match/no-match through lastIndex; the classifier strips the flag.
    expect(results.map((result) => result.intent)).toEqual(['payment', 'payment', 'unknown']);
    expect(results[0]?.signals).toEqual(['kw:payment:zap']);
  });

  it('falls back to unknown when the best score is below the minimum', () => {
    const strict = new KeywordClassifier({ minScore: 100 });

    expect(strict.classify('I want a refund')).toMatchObject({ intent: 'unknown', signals: ['fallback:low_score', 'weak:returns_refunds'] });
  });
});

describe('extractOrderId', () => {
  it.each([
    ['注文番号１２３４５はどこ？', '12345'],
    ['where is my order 12345', '12345'],
    ['status of #98765 please', '98765'],
    ['order no. 4455667788', '4455667788'],
    ['注文番号は 20240101 です', '20240101'],
    ['12345678', '12345678'],
  ])('finds the order id in %j', (text, id) => {
    expect(extractOrderId(text)).toBe(id);
  });

  it('prefers the number after an order cue to an earlier number', () => {
    expect(extractOrderId('I bought 3 sets for 2500 each, order 55555 has not arrived')).toBe('55555');
  });

  it.each(['hello', 'order 123', 'it cost ¥1500', '1500円でした', '2024年に注文した', '1,2345', '123456789012345678901'])(
    'finds no order id in %j',
    (text) => {
      expect(extractOrderId(text)).toBeUndefined();
    },
  );
});
