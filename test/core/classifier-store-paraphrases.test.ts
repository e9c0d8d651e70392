import { KeywordClassifier } from '../../lambdas/core/classifier';
import type { Intent } from '../../lambdas/core/vocabulary';

const rules = new KeywordClassifier();

type Example = readonly [string, Intent];

/**
 * Borrowed words in manga-store messages: a word that usually names one intent ("thanks", "どこですか", "recommend",
 * "good anime") used inside a message that asks something else. Each kind is written several ways, English and
 * Japanese, so a rule that only matched one phrasing fails here. The neighbours of each kind (the word in its own
 * sense) are checked too, so a veto that is too broad fails as well.
 */
const expectIntents = (examples: readonly Example[]): void => {
  it.each(examples)('%s -> %s', (text, intent) => {
    expect(rules.classify(text).intent).toBe(intent);
  });
};

describe('store paraphrases: a word borrowed from another intent (rules)', () => {
  describe('thanks after something went wrong is a complaint, real thanks stays a greeting', () => {
    expectIntents([
      ['the parcel showed up a week after the wedding. the gift was pointless. thanks a lot', 'complaint'],
      ['volume 2 arrived torn again, thanks for nothing', 'complaint'],
      ['waited a month and got the wrong edition. thanks', 'complaint'],
      ['thanks so much, you helped a lot', 'greeting'],
      ['thank you!', 'greeting'],
      ['ご丁寧にどうも。おかげで結婚式に間に合いませんでした', 'complaint'],
      ['ありがとうございました、無事に届きました', 'greeting'],
      ['that sorted it, thanks a lot', 'greeting'],
    ]);
  });

  describe('a customer who feels neglected is a complaint, a parcel still on its way is order_status', () => {
    expectIntents([
      ['wrote to support two weeks ago and I am still waiting for someone to answer', 'complaint'],
      ['customer for 8 years and this is how you treat me?', 'complaint'],
      ['honestly why do i even bother shopping here', 'complaint'],
      ['emailed you on Friday and still nothing back', 'complaint'],
      ["I'm still waiting for my parcel", 'order_status'],
      ['still waiting on my order from last week', 'order_status'],
    ]);
  });

  describe('どこ after a company, carrier or shop asks a store or shipping fact; after a parcel it is order_status', () => {
    expectIntents([
      ['本社はどこにありますか', 'store_policy'],
      ['運営会社の所在地はどちらですか', 'store_policy'],
      ['運送会社はどこですか', 'shipping_info'],
      ['宅配業者はどこを使っていますか', 'shipping_info'],
      ['荷物はどこですか', 'order_status'],
      ['注文した本は今どこにありますか', 'order_status'],
    ]);
  });

  it('a parcel handed to a carrier is not a question about which carrier the store uses', () => {
    expect(rules.classify('荷物はもう宅配業者に引き渡されましたか').intent).not.toBe('shipping_info');
    expect(rules.classify('ありがとうございます、問題ありませんでした').intent).toBe('greeting');
  });

  describe('an order number with a change to it is order_change; with a delivery question it stays order_status', () => {
    expectIntents([
      ['注文番号４５６７８、配送先の住所を間違えて入力しました', 'order_change'],
      ['注文番号55555の冊数を変えたいです', 'order_change'],
      ['発送前に注文の個数を変えられますか', 'order_change'],
      ['I ordered two copies by accident, can you cancel one', 'order_change'],
      ['注文番号５５５５５はいつ届きますか', 'order_status'],
    ]);
  });

  describe('"recommend" addressed to the store is feedback, asked of the store it is a recommendation', () => {
    expectIntents([
      ["I'd suggest you add a dark mode to the site", 'unknown'],
      ['I would recommend your team fix the password reset, I cannot log in', 'account'],
      ['can you recommend me some horror manga', 'recommendation'],
      ['what would you suggest after finishing Frieren', 'recommendation'],
    ]);
  });

  describe('a mood that hands over the choice is a recommendation', () => {
    expectIntents([
      ['feeling low today, surprise me', 'recommendation'],
      ['pick something for me, I trust you', 'recommendation'],
      ['just finished Monster. what do I read now', 'recommendation'],
      ["so bored, let's just chat", 'chitchat'],
    ]);
  });

  describe('"good anime" or "best manga" in front of a place or service is not a reading request', () => {
    expectIntents([
      ['which is a good anime streaming site these days', 'unknown'],
      ['good manga for a beginner', 'recommendation'],
      ['best seinen manga of the decade', 'recommendation'],
    ]);
  });

  describe('a reading request that names story traits is a recommendation, a story question stays manga_qa', () => {
    expectIntents([
      ['something like Monster but with a less bleak ending', 'recommendation'],
      ['loved Yotsuba, what has the same vibe but for adults?', 'recommendation'],
      ['romance but with grown-up characters and no love triangle', 'recommendation'],
      ['料理がテーマの漫画を教えて', 'recommendation'],
      ['友達の誕生日にプレゼントする漫画を探しています', 'recommendation'],
      ['what happens to the main character at the end of Monster', 'manga_qa'],
    ]);
  });

  describe('store words inside another service question', () => {
    expectIntents([
      ['can I change my order from standard to express shipping', 'order_change'],
      ['do you ship from Japan to Canada', 'shipping_info'],
      ['返品するときの送料は誰が払うの', 'returns_refunds'],
      ['送料はいくらですか', 'shipping_info'],
      ['特急便はありますか', 'shipping_info'],
      ['do you buy back old volumes', 'store_policy'],
      ['do you have used copies of Nana', 'product_search'],
      ['give me an overview of your exchange rules', 'returns_refunds'],
      ['summary of Berserk volume 3', 'summarization'],
      ['where can I review the shop’s privacy terms', 'store_policy'],
      ['why was I billed before the preorder came out', 'payment'],
      ['Nana box set in english?', 'product_search'],
      ['how do you say nakama in english', 'translation'],
      ['電話で相談したいのですが番号はありますか', 'escalation'],
    ]);
  });

  describe('a parcel that is not where it should be is order_status', () => {
    expectIntents([
      ['tracking shows delivered but nothing at my door', 'order_status'],
      ['did my order ship yet', 'order_status'],
      ['bought the Akira box set 10 days ago and still nothing, can you check', 'order_status'],
      ['予約していた新刊、いつ発送されますか', 'order_status'],
    ]);
  });

  describe('a harsh verdict on a translation is a complaint; a nuance question stays translation', () => {
    expectIntents([
      ['the translation of volume 5 is sloppy, whole lines make no sense', 'complaint'],
      ['the translation in my copy says "lonely" and that feels off, what does it really mean', 'translation'],
      ['do you translate these in-house or are they official translations', 'store_policy'],
    ]);
  });
});
