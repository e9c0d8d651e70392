import { KeywordClassifier } from '../../lambdas/core/classifier';
import { defaultIntentClassifier } from '../../lambdas/core/intent-model';
import type { Intent } from '../../lambdas/core/vocabulary';

const rules = new KeywordClassifier();

type Example = readonly [string, Intent];

/**
 * Small talk is recognised by kind (a second-person word next to a persona attribute, a joke or fact request), not
 * by the phrasings the rules were first written against: each kind below is asked several ways, in English and
 * Japanese, polite and casual, with the chat spellings people type.
 */
describe('small talk with the bot (rules)', () => {
  const chitchat: Record<string, readonly string[]> = {
    'bot or person': [
      'are you a person or an ai',
      'r u human or bot',
      'is this thing automated',
      'you are just a program, right?',
      'am i chatting with a machine right now',
      'could you be a real human',
      'human or bot?',
      'あなたはロボットですか？',
      '人間？',
      'これってAIが返事してるの？',
      '中の人っているんですか',
    ],
    name: [
      "what's ur name",
      'do you have a nickname',
      'what are you called',
      'who am i speaking with',
      'how should i address you',
      'お名前を伺ってもいいですか',
      'なんて呼べばいい？',
      'あなたの名前は？',
    ],
    age: [
      'how old r u',
      'when is your birthday',
      'what year were you built',
      'how long have you existed',
      'are you older than me',
      'おいくつですか',
      '何歳なの？',
      '誕生日はいつ？',
    ],
    origin: [
      'where are you originally from',
      'where do u live',
      'which city are you from',
      'what is your hometown',
      'were you made here',
      'ご出身はどちらですか',
      'どこに住んでるの？',
      'どこから来たんですか',
    ],
    maker: [
      'who built u',
      'which team developed you',
      'who is your creator',
      'were you programmed by the store',
      "who's behind this bot",
      'what company do you work for',
      '誰が作ったの？',
      'どこの会社が開発したんですか',
    ],
    hobbies: [
      'got any hobbies',
      'what do you do for fun',
      'what do you like doing on weekends',
      'what are you into these days',
      'do you play video games',
      '趣味はありますか',
      '休日は何をしていますか',
    ],
    pets: [
      'do you have a dog',
      'any pets?',
      'would you like to own a cat',
      'what pets do you keep',
      'are you a cat person',
      'ペット飼ってる？',
      '犬派？猫派？',
    ],
    'meaning of life': [
      'what is the purpose of living',
      "what's the point of it all",
      'why do we exist',
      '生きる意味ってなんだろう',
      '人生の目的は何だと思いますか',
    ],
    jokes: [
      'tell me something hilarious',
      'know any good puns',
      'make me laugh',
      'i could use a good laugh',
      'ダジャレを言って',
      '何か笑える話ある？',
    ],
    'fun facts': ['any fun facts?', 'give me a random fact', 'tell me something interesting', '雑学を教えて'],
    'what the bot can do': [
      'what can i ask you',
      'what are you capable of',
      'what kinds of things can you help with',
      'what can this bot do',
      '何ができますか',
      'どんな質問に答えられるの？',
    ],
    'praise and teasing': [
      "you're a genius",
      'you are so cute',
      'good bot',
      'stupid bot',
      'i love this bot',
      '賢いね',
      'いいボットだね',
      'that was a clever reply',
    ],
    'moods said to the bot': ["i'm so bored", 'あー暇だなあ', '今日は疲れた…'],
  };

  for (const [kind, texts] of Object.entries(chitchat)) {
    it.each(texts)(`${kind}: %s -> chitchat`, (text) => {
      expect(rules.classify(text).intent).toBe('chitchat');
    });
  }

  const greetings: readonly string[] = [
    'hiii',
    'heyyy there',
    'good evening everyone',
    'thanks a ton',
    'thnx!',
    'much obliged',
    'i really appreciate it',
    'bye for now',
    'cya',
    'gotta go',
    'nice chatting with you',
    'こんにちわ',
    'やっほー',
    'あざっす',
    'お手数おかけしました',
    'ではまた',
    'おやすみー',
  ];
  it.each(greetings)('%s -> greeting', (text) => {
    expect(rules.classify(text).intent).toBe('greeting');
  });
});

/** The same words in a store question: the store intent wins, or at least small talk does not. */
describe('store questions that borrow small-talk words (rules)', () => {
  const store: readonly Example[] = [
    ['can i talk to a real person', 'escalation'],
    ["i'm talking to a bot, get me a human", 'escalation'],
    ['could you get me a real person', 'escalation'],
    ['where do you ship from', 'shipping_info'],
    ['which region do you deliver in', 'shipping_info'],
    ['do you have any cat manga', 'product_search'],
    ['do you have manga about dogs', 'product_search'],
    ['why is my order taking so long', 'order_status'],
    ['recommend a funny manga', 'recommendation'],
    ['年齢制限はありますか', 'store_policy'],
    ['誕生日プレゼントにおすすめの漫画', 'recommendation'],
    ['猫の漫画ありますか', 'product_search'],
    ['what can you do about my refund', 'returns_refunds'],
  ];
  it.each(store)('%s -> %s', (text, intent) => {
    expect(rules.classify(text).intent).toBe(intent);
  });

  const notSmallTalk: readonly string[] = [
    'something funny to read please',
    'what do you do in case of a damaged item',
    'what should i say in a review of Nana',
    'tell me a fun fact about one piece',
    'how old do you have to be to buy mature manga',
    'update my date of birth',
    'ワンピースは誰が作ったの',
    'このカード使えないんだけど',
    'ロボット漫画で面白いのある？',
    'so bored, suggest a manga for tonight',
    '疲れた時に読める漫画ある？',
    '眠いときでも読める軽い漫画ある？',
    '主人公の出身地はどこ？',
    'ポイントで何ができますか',
  ];
  it.each(notSmallTalk)('%s is not read as small talk', (text) => {
    expect(['chitchat', 'greeting']).not.toContain(rules.classify(text).intent);
  });
});

describe('small talk through the default ensemble', () => {
  const ensemble = defaultIntentClassifier();
  const examples: readonly Example[] = [
    ['are u a real person or a bot', 'chitchat'],
    ['who coded you', 'chitchat'],
    ['do you own any animals', 'chitchat'],
    ['お名前を教えてください', 'chitchat'],
    ['thanks so much, bye!', 'greeting'],
    ['ありがとう、またね', 'greeting'],
    ['can i speak to a real human please', 'escalation'],
  ];
  it.each(examples)('%s -> %s', (text, intent) => {
    expect(ensemble.classify(text).intent).toBe(intent);
  });
});
