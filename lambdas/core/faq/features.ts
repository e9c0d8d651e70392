import { normalizeText } from '../classifier/normalize';

/**
 * The matcher's features of a text, without a tokenizer service. Latin text: word stems without stop words.
 * Japanese: the text split where the script changes (kanji / katakana / hiragana), which separates words from
 * particles and okurigana well enough for short questions; kanji runs give character bigrams (a lone kanji itself),
 * katakana loanwords count whole, hiragana only for a few question words. Both go through a small synonym table
 * first, so paraphrases of one question ("payment options" / "ways to pay", "お支払い方法" / "決済手段") land on the
 * same features. Pure.
 */

/** Function words and politeness that say nothing about which answer is wanted. */
const STOP_WORDS = new Set(
  (
    'a an the i me my mine myself we our us you your yours u ur it its this that these those there here ' +
    'is am are was were be been being do does did doing done have has had having get got gets getting can could ' +
    'will would shall should may might must to of in on at by for from with about into as and or if then so ' +
    'what which who whom whose when where why how any some all also just please pls plz kindly thanks thank hi hello hey ' +
    'want wanna need know tell let like help assist assistance question ask asking wondering info information ' +
    'check see find look show give possible able take im ive id dont doesnt cant don doesn didn won isn aren wasn not no yes ok okay ' +
    // "how much" / "how long" become features of their own (EN_PHRASES) before these words are dropped.
    'available still usually currently exactly actually really guys offer provide much many long soon'
  ).split(' '),
);

/** Phrases folded to one canonical word before tokenizing (applied to the normalized text, in order). */
const EN_PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\bhow long\b|\bhow soon\b|\bhow many days\b|\bhow fast\b|\bhow quickly\b|\bwhen will (?:it|they|my \w+) (?:arrive|come|get here)\b/gu, ' xtime '],
  [/\bhow much\b/gu, ' xcost '],
  [/\bmoney back\b/gu, ' refund '],
  [/\bcash on delivery\b|\bcod\b/gu, ' xcod '],
  [/\bgift[- ]?wrap\w*|\bwrapping\b|\bwrap (?:it|them|as a gift)\b/gu, ' giftwrap '],
  [/\bpass ?words?\b|\bpasscode\b|\bpwd\b/gu, ' password '],
  [/\blog ?in\b|\bsign ?in\b|\blogon\b/gu, ' login '],
  [/\bsign ?up\b/gu, ' register '],
  [/\be-?mail\b/gu, ' email '],
  [/\bcredit cards?\b|\bdebit cards?\b/gu, ' card '],
  [/\bcustomer (?:service|support|care)\b/gu, ' support '],
  [/\bopening hours\b|\bbusiness hours\b|\bopening times\b/gu, ' open hour '],
  [/\bover ?seas\b|\babroad\b|\binternationally\b|\boutside (?:of )?japan\b|\bworld ?wide\b/gu, ' international '],
];

/**
 * Groups of words that mean the same thing for this store's questions: the first word of a group is its feature.
 * Folded by stem (below), so listing one form of a word covers its plurals and verb forms.
 */
const EN_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['invoice', 'bill', 'receipt'],
  ['refund', 'reimbursement', 'reimburse'],
  ['pay', 'payment', 'paid', 'checkout'],
  ['option', 'method', 'mode', 'modality', 'modalities', 'type', 'kind', 'form', 'way', 'ways'],
  ['accept', 'allow', 'use'],
  ['ship', 'shipping', 'shipment', 'delivery', 'deliver', 'post', 'postage', 'send', 'mail', 'courier', 'dispatch'],
  ['xcost', 'cost', 'fee', 'charge', 'price', 'rate', 'expensive'],
  ['arrive', 'receive', 'reach'],
  ['xtime', 'period', 'duration'],
  ['country', 'countries', 'nation'],
  ['cancel', 'cancelling', 'cancellation', 'cancelation'],
  ['change', 'modify', 'edit', 'amend', 'update', 'alter'],
  ['return', 'exchange'],
  ['reset', 'recover', 'restore', 'retrieve', 'forgot', 'forget', 'forgotten'],
  ['open', 'close', 'closed'],
  ['authentic', 'genuine', 'original', 'official', 'legit', 'fake', 'counterfeit', 'bootleg', 'pirated', 'licensed'],
  ['condition', 'secondhand'],
  ['point', 'reward', 'loyalty'],
  ['giftwrap', 'gift', 'present'],
  ['order', 'purchase', 'buy', 'bought'],
  ['item', 'product', 'book', 'manga', 'comic', 'volume'],
  ['store', 'shop', 'website', 'site'],
  ['account', 'profile'],
];

/** A light suffix stemmer: enough to fold plurals and verb forms ("cancelling" / "cancelled" / "cancels"). */
const stem = (word: string): string => {
  if (word.length <= 3) return word;
  let w = word.replace(/'s$/u, '');
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}i`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  for (const suffix of ['ation', 'ing', 'ed', 'ly', 'ment', 'e', 'y']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // cancelling -> cancell, shipping -> shipp: fold a doubled final consonant.
  if (/([b-df-hj-np-tv-z])\1$/u.test(w) && !w.endsWith('ll') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
};

/** "checking", "helped", "asks": stop words in any form. */
const STOP_STEMS: ReadonlySet<string> = new Set([...STOP_WORDS].filter((word) => word.length > 3).map(stem));

const EN_SYNONYMS: ReadonlyMap<string, string> = new Map(
  EN_SYNONYM_GROUPS.flatMap((group) => group.map((word) => [stem(word), group[0] ?? word] as const)),
);

/** Japanese spellings folded to one form before taking bigrams (applied in order); politeness dropped first. */
const JA_PHRASES: readonly (readonly [RegExp, string])[] = [
  [/教えて(?:ください|下さい|ほしい|欲しい|もらえますか|いただけますか)?|知りたい(?:です)?|(?:お)?願い(?:します|いたします)|ください|下さい|でしょうか|ですか|について|に関して|を確認したい|確認したい|可能ですか|できますか|ありますか|大丈夫ですか|すみません|すいません/gu, ' '],
  [/お支払い|お支払|支払い|支払|決済|払い方|払える|払え/gu, ' 支払 '],
  [/代金引換|代引き|代引/gu, ' 代引 '],
  [/クレジットカード|クレカ|カード/gu, ' カード '],
  [/送料|配送料金?|配送費|発送料|送り賃/gu, ' 送料 '],
  [/お届け|配達|配送|発送|出荷|送って|送れ/gu, ' 配送 '],
  [/届く|届き|届け|届|到着|着く|着き/gu, ' 到着 '],
  [/何日|日数|いつ頃|いつごろ|どのくらい|どれくらい|どれぐらい|どのぐらい|期間|いつまで/gu, ' 日数 '],
  [/海外|国外|外国|日本国外|日本以外/gu, ' 海外 '],
  [/返品|返却|返送|交換/gu, ' 返品 '],
  [/返金|払い戻し|払戻し?/gu, ' 返金 '],
  [/キャンセル|取り消し|取消し?|取りやめ/gu, ' 取消 '],
  [/変更|修正|訂正/gu, ' 変更 '],
  [/パスワード|暗証番号/gu, ' パスワード '],
  [/再設定|リセット|再発行/gu, ' 再設定 '],
  [/ログイン|サインイン/gu, ' ログイン '],
  [/営業時間|営業日|受付時間|対応時間|サポート時間|問い合わせ時間|お問い合わせ時間|開店時間|営業して/gu, ' 営業時間 '],
  [/正規品|本物|正規版|公式|ライセンス|偽物|海賊版|偽造/gu, ' 正規品 '],
  [/新品|中古|状態|コンディション/gu, ' 状態 '],
  [/ギフトラッピング|ラッピング|包装|プレゼント用|ギフト用|贈り物|ギフト(?!カード)/gu, ' ラッピング '],
  [/ポイント/gu, ' ポイント '],
  [/領収書|領収証|請求書|レシート|インボイス/gu, ' 領収書 '],
  [/どうやって|どうすれば|どうしたら|やり方|方法|手順|仕方/gu, ' 方法 '],
];

/** Japanese split by script: kanji runs (bigrams, or the lone kanji), katakana words (whole), a few hiragana words. */
const JAPANESE_SEGMENT = /[\u3400-\u4dbf\u4e00-\u9fff々〆]+|[\u30a0-\u30ffー]+|いつ|いくら|どこ|どちら/gu;
const KANJI = /^[\u3400-\u4dbf\u4e00-\u9fff々〆]/u;
const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/gu;

/** The feature set of a text: `w:<stem>` for Latin words, `j:<bigram or word>` for Japanese. */
export const faqFeatures = (text: string): string[] => {
  let normalized = normalizeText(text);
  for (const [pattern, replacement] of JA_PHRASES) normalized = normalized.replace(pattern, replacement);
  for (const [pattern, replacement] of EN_PHRASES) normalized = normalized.replace(pattern, replacement);
  const features = new Set<string>();
  for (const match of normalized.matchAll(LATIN_WORD)) {
    const word = match[0];
    if (STOP_WORDS.has(word) || STOP_WORDS.has(word.replace(/'.*$/u, ''))) continue;
    if (/^\d+$/u.test(word)) continue;
    const stemmed = stem(word);
    if (STOP_STEMS.has(stemmed)) continue;
    features.add(`w:${EN_SYNONYMS.get(stemmed) ?? stemmed}`);
  }
  for (const match of normalized.matchAll(JAPANESE_SEGMENT)) {
    const segment = match[0];
    const chars = [...segment];
    if (!KANJI.test(segment) || chars.length === 1) {
      if (segment !== 'ー') features.add(`j:${segment}`);
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i += 1) features.add(`j:${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  }
  return [...features];
};
