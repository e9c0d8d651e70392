import type { Prng } from './prng';

/**
 * Text helpers of the simulated models: token estimates (~4 characters per token for Latin text, one per CJK
 * character, as Claude's tokenizer roughly behaves) and readable manga-store prose from a small phrase bank.
 */
const CJK = '\\u3000-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const CJK_CHAR = new RegExp(`[${CJK}]`, 'gu');
const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u;
/** One CJK character, or a Latin chunk (up to 6 characters with its leading spaces), or trailing spaces. */
const TOKEN_PIECE = new RegExp(`[${CJK}]|\\s*[^\\s${CJK}]{1,6}|\\s+`, 'gu');

export const containsJapanese = (text: string): boolean => JAPANESE_CHAR.test(text);

export const estimateTokens = (text: string): number => {
  const cjk = text.match(CJK_CHAR)?.length ?? 0;
  const other = [...text].length - cjk;
  return cjk + Math.ceil(other / 4);
};

/** Splits text into the pieces the simulator streams as tokens; joining them gives the text back. */
export const splitIntoTokens = (text: string): string[] => text.match(TOKEN_PIECE) ?? [];

interface PhraseBank {
  readonly openers: readonly ((topic: string) => string)[];
  readonly body: readonly string[];
  readonly closers: readonly string[];
  readonly separator: string;
  readonly topicOf: (question: string) => string;
}

const ENGLISH: PhraseBank = {
  openers: [
    (topic) => `Thanks for asking about "${topic}".`,
    (topic) => `Happy to help with "${topic}".`,
    (topic) => `Good question about "${topic}".`,
  ],
  body: [
    'Most new volumes ship within two business days from our Tokyo warehouse.',
    'Limited editions often sell out on release night, so a pre-order is the safest way to get one.',
    'If you enjoy dark fantasy, Berserk, Vinland Saga and Claymore are popular picks with our readers.',
    'All prices are shown in yen and include consumption tax.',
    'You can follow any order from the My Orders page as soon as it has shipped.',
    'Unopened items can be returned within 30 days of delivery.',
    'Box sets usually cost less per volume than buying each book on its own.',
    'Digital editions appear in your library right after payment.',
    'Our staff picks this month are Frieren, Dandadan and Blue Period.',
    'Points earned on this order can be spent on your next purchase.',
    "Collector's editions come with a slipcase and an art card while stocks last.",
    'Shipping to Europe and North America usually takes five to ten business days.',
    'Every series page lists each volume with its release date and format.',
    'If a volume arrives damaged, send us a photo and we will replace it free of charge.',
  ],
  closers: [
    'Let me know if you would like more suggestions.',
    'Is there anything else I can help you find?',
    'Feel free to ask about a specific volume or edition.',
  ],
  separator: ' ',
  topicOf: (question) => {
    const words = question.match(/[\p{L}\p{N}'-]+/gu) ?? [];
    return words.length === 0 ? 'your question' : words.slice(0, 6).join(' ').toLowerCase();
  },
};

const JAPANESE: PhraseBank = {
  openers: [
    (topic) => `「${topic}」についてのお問い合わせありがとうございます。`,
    (topic) => `「${topic}」について、ご案内いたします。`,
    () => 'ご質問ありがとうございます。',
  ],
  body: [
    '新刊は通常、東京の倉庫から2営業日以内に発送いたします。',
    '限定版は発売日に完売することが多いため、ご予約をおすすめします。',
    'ダークファンタジーがお好きなら、『ベルセルク』や『ヴィンランド・サガ』が人気です。',
    '表示価格はすべて税込です。',
    '発送後は「注文履歴」ページから配送状況をご確認いただけます。',
    '未開封の商品は、お届けから30日以内であれば返品を承ります。',
    'セット販売は、一冊ずつご購入いただくよりもお得です。',
    '電子版はお支払い後すぐにライブラリに追加されます。',
    '今月のスタッフおすすめは『葬送のフリーレン』『ダンダダン』『ブルーピリオド』です。',
    '今回のご注文で獲得したポイントは、次回のお買い物にご利用いただけます。',
    '特装版には描き下ろしイラストカードが付属します（数量限定）。',
    '海外への発送は、通常5〜10営業日ほどかかります。',
  ],
  closers: ['ほかにご不明な点があれば、お気軽にお尋ねください。', '引き続きよろしくお願いいたします。'],
  separator: '',
  topicOf: (question) => {
    const compact = question.replace(/[\s「」『』？?。！!]+/gu, '');
    return compact.length === 0 ? 'ご質問' : [...compact].slice(0, 12).join('');
  },
};

/**
 * A plausible assistant reply of at least `targetTokens` tokens (it ends on a sentence boundary), in Japanese
 * when the question contains Japanese, echoing a few words of the question.
 */
export const composeReply = (question: string, targetTokens: number, prng: Prng): string => {
  const bank = containsJapanese(question) ? JAPANESE : ENGLISH;
  const sentences = [prng.pick(bank.openers)(bank.topicOf(question))];
  let tokens = splitIntoTokens(sentences[0] ?? '').length;
  // Walk the body phrases from a random start: no sentence repeats until the whole bank has been used.
  let cursor = prng.int(0, bank.body.length - 1);
  const closer = prng.pick(bank.closers);
  const closerTokens = splitIntoTokens(closer).length;
  while (tokens + closerTokens < targetTokens) {
    const sentence = bank.body[cursor % bank.body.length] ?? '';
    sentences.push(sentence);
    tokens += splitIntoTokens(sentence).length;
    cursor += 1;
  }
  sentences.push(closer);
  return sentences.join(bank.separator);
};
