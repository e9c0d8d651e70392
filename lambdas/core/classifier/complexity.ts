import type { Intent } from '../vocabulary';

/**
 * Japanese script, counted in English-word equivalents so that the script of a message alone never raises its
 * complexity (seed 000 scenario 2: a Japanese order question must not look "complex"): a kanji compound of two
 * characters is about one word (注文, 配送), a katakana run is one word (ベルセルク, "Berserk"), and hiragana is
 * mostly particles and verb endings (は, を, ですか), about four characters a word.
 */
const KANJI = /[\u3400-\u4dbf\u4e00-\u9fff]/gu;
const KANJI_PER_WORD = 2;
const KATAKANA_RUN = /[\u30a0-\u30ff]+/gu;
const HIRAGANA = /[\u3040-\u309f]/gu;
const HIRAGANA_PER_WORD = 4;
const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/gu;
const QUESTION_MARK = /\?+/gu;
const CLAUSE_BREAK = /[,;:、。]|\b(?:and|also|then|plus|while|whereas|because|since|so that)\b|(?:そして|それから|また、|ので|から、)/gu;

/** Cues that the answer needs reasoning rather than a lookup. Each distinct cue counts once. */
const REASONING_CUES: readonly RegExp[] = [
  /\bwhy\b|\bhow come\b|なぜ|なんで|どうして|理由/u,
  /\bcompar\w*|\b(?:better|worse) than\b|\bwhich (?:one )?is better\b|\bversus\b|\bvs\.?\b|\bdiffer\w*|\bpros and cons\b|\btrade-?offs?\b|比較|比べ|違い|どちらが|どっちが/u,
  /\banaly[sz]\w*|\bevaluat\w*|\bcritique\b|\binterpret\w*|\bin depth\b|\bin detail\b|\bdetailed\b|分析|考察|解釈|評価|詳しく|詳細/u,
  /\bexplain\w*|\bdiscuss\w*|\bwhat if\b|\bimplications?\b|\bstep by step\b|\bnuance\w*|説明|論じ|ニュアンス/u,
];

/**
 * A comparison between named things ("is X better than Y", "which is better", 「AとBどっちがいい」): one more than
 * the comparison word alone, because the answer weighs two sides.
 */
const COMPARISON_SHAPE =
  /\b(?:better|worse|darker|longer|shorter|funnier|cheaper) than\b|\bwhich (?:one |is |should)|\b(?:or|versus|vs\.?)\b.*\b(?:better|prefer|choose|pick)\b|(?:より|と).{0,12}(?:どっち|どちら)|のほうが|の方が/u;

/** Constraints on the answer ("like Berserk but less dark", 「でも暗すぎないもの」, "finished, under 20 volumes"). */
const CONSTRAINT_CUES: readonly RegExp[] = [
  /\bbut\b|\bhowever\b|\bthough\b|けど|けれど|でも|ただし|しかし/u,
  /\bless\b|\bmore\b|\bnot (?:too|as|so)\b|\bwithout\b|\bexcept\b|\binstead of\b|より|すぎない|控えめ|少なめ|以外|じゃない|ではない/u,
  /\bunder \d+|\bover \d+|\bat (?:least|most)\b|\bno more than\b|\bshorter\b|\blonger\b|\bonly\b|以下|以上|以内|だけ|まで/u,
  /\bsimilar to\b|\b(?:something|anything|manga|series|books?|more|stuff) like\b|みたいな|のような|似た|っぽい/u,
  /\bfinished\b|\bcompleted?\b|\bongoing\b|\bwith (?:a|an|no|strong|female|male)\b|\bmust\b|\bpreferably\b|完結|条件|女性主人公|短め|長め/u,
];

/**
 * A multi-step ask: an ordering of the steps ("first..., then...", "after that", 「〜してから〜」, 「まず〜次に〜」).
 * A sequence marker pair counts two; one marker counts one.
 */
const STEP_CUES: readonly RegExp[] = [
  /\bfirst(?:ly)?\b|\bto begin with\b|\bstart by\b|まず|最初に|はじめに/u,
  /\bthen\b|\bafter that\b|\bafterwards\b|\bonce (?:you|that|it)\b|\band also\b|してから|その後|それから|次に|最後に|そのあと|た後で?/u,
];

/** Intents whose answer is generated reasoning about content: one step more complex than the words alone say. */
const REASONING_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  'recommendation',
  'comparison',
  'manga_qa',
  'translation',
  'taste_profile',
  'summarization',
  'complaint',
]);

const LENGTH_STEPS: readonly number[] = [6, 14, 25, 45, 80];
/** At most this much is added for the extra intents of a multi-intent message. */
const MAX_EXTRA_INTENT_POINTS = 2;

const countMatches = (text: string, pattern: RegExp): number => {
  let count = 0;
  for (const _ of text.matchAll(pattern)) count += 1;
  return count;
};

/** Length in English-word equivalents: Latin words plus Japanese text counted as above. */
export const lengthUnits = (normalized: string): number =>
  countMatches(normalized, LATIN_WORD) +
  countMatches(normalized, KANJI) / KANJI_PER_WORD +
  countMatches(normalized, KATAKANA_RUN) +
  countMatches(normalized, HIRAGANA) / HIRAGANA_PER_WORD;

/**
 * Complexity 1-10 of a normalized message: its length (English words plus their Japanese equivalent), extra
 * questions, clauses, reasoning cues (a comparison between two named sides one more), constraints, a multi-step
 * ask, one per further intent of a multi-intent message (at most two), plus one for intents that need reasoning.
 * `intents` are all the message's intents, the primary first; omitted, the message has one. A greeting is 1; a
 * long, multi-constraint recommendation reaches 7 or more. Pure and cheap (a handful of regex scans).
 */
export const estimateComplexity = (normalized: string, intent: Intent, intents: readonly Intent[] = [intent]): number => {
  let score = 1;
  const units = lengthUnits(normalized);
  for (const step of LENGTH_STEPS) if (units >= step) score += 1;
  score += Math.min(2, Math.max(0, countMatches(normalized, QUESTION_MARK) - 1));
  score += Math.min(2, Math.floor(countMatches(normalized, CLAUSE_BREAK) / 2));
  const reasoning = REASONING_CUES.filter((cue) => cue.test(normalized)).length;
  score += reasoning === 0 ? 0 : reasoning + 1;
  if (COMPARISON_SHAPE.test(normalized)) score += 1;
  score += Math.min(3, CONSTRAINT_CUES.filter((cue) => cue.test(normalized)).length);
  score += STEP_CUES.filter((cue) => cue.test(normalized)).length;
  const distinct = new Set<Intent>([intent, ...intents]);
  score += Math.min(MAX_EXTRA_INTENT_POINTS, distinct.size - 1);
  if ([...distinct].some((each) => REASONING_INTENTS.has(each))) score += 1;
  return Math.max(1, Math.min(10, Math.round(score)));
};
