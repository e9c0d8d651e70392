import { isTemplateIntent } from '../templates';
import type { RouteDecision } from '../routing';
import type { Intent, RoutingMap } from '../vocabulary';
import type { PreviousExchange } from './history';

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]/;

/** Greetings, thanks and goodbyes: clearly simple, never a follow-up whatever came before. */
const SIMPLE_EN = /^(hi|hello|hey|yo|thanks?|thank you|thx|ty|ok(ay)?|cool|great|bye|goodbye|good (morning|evening|night))\b[\s!.,~]*(so much|a lot|very much|again)?[\s!.~]*$/i;
const SIMPLE_JA = /^(こんにちは|こんばんは|おはよう|ありがとう|どうも|了解|わかりました|さようなら|バイバイ|おやすみ)/;

/** English references to what was just said: "what about...", "and the next volume?", "the second one", "is it...". */
const FOLLOW_UP_EN: readonly RegExp[] = [
  /^(and|also|then|so|but|or|plus)\b/i,
  /\b(what|how) about\b/i,
  /\b(the )?(first|second|third|fourth|fifth|last|next|previous|other|same|latest|new|1st|2nd|3rd|\d+th) (one|ones|volume|vol|book|series|title|arc|season|chapter|edition|part)s?\b/i,
  /\b(the )?(sequel|prequel|next one|other one|last one|first one)\b/i,
  /\b(anything|something|any) (else|similar|more|like (it|that|this|those))\b/i,
  /\b(any )?(others|more)\??$/i,
];
/** A pronoun refers back only in a very short message ("is it in stock?", "how long is that one?"). */
const PRONOUN_EN = /\b(it|that|this|those|these|them|they)\b/i;

/** Japanese references: それ/その/あれ, 〜つ目/番目/巻目, 次, 続き, 他に, 別の, じゃあ, and the short 「Xは？」. */
const FOLLOW_UP_JA: readonly RegExp[] = [
  /(それ|その|これ|この|あれ|あの|そっち|こっち|そちら|こちら)/,
  /([0-9０-９]+|[一二三四五六七八九十]+|最初|最後)(つ目|番目|巻目|冊目|個目|作目|の方|のほう)/,
  /(次の?巻|次は|次の|続き|続編|前の巻|他に|ほかに|他の|ほかの|別の|似た|同じ)/,
  /^(じゃあ|じゃ|では|で、|それで|あと|また|もう)/,
  /^.{1,10}(は|も)[？?]$/,
];

/**
 * Intents a short follow-up lands on when it has no topic of its own ("what about the second one?" is unknown, "and
 * the next volume?" a product search): the previous exchange's intent is the better guess. A follow-up the
 * classifier places confidently elsewhere ("how much is the second one?": price_inquiry) keeps its own intent.
 */
const CONTEXT_FREE_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['unknown', 'chitchat', 'product_search']);
/** Below this confidence the fresh intent is a guess, whatever it is. */
const INHERIT_BELOW_CONFIDENCE = 0.5;

const MAX_WORDS_EN = 8;
const MAX_PRONOUN_WORDS_EN = 5;
const MAX_CHARS_JA = 20;

/** A greeting, thanks or goodbye and nothing else. */
export const isClearlySimple = (text: string): boolean => {
  const t = text.normalize('NFKC').trim();
  return SIMPLE_EN.test(t) || SIMPLE_JA.test(t);
};

/**
 * A short message that only makes sense after the previous turn: it refers back to it (an ordinal, a pronoun, "what
 * about", 「2つ目は？」「それの続きは？」) rather than asking something new. Pure, English and Japanese.
 */
export const isFollowUp = (text: string): boolean => {
  // NFKC: full-width digits and punctuation (「２つ目は？」) read as their ASCII forms.
  const t = text.normalize('NFKC').trim();
  if (t.length === 0 || isClearlySimple(t)) return false;
  if (JAPANESE.test(t)) {
    const compact = t.replace(/\s+/g, '');
    return compact.length <= MAX_CHARS_JA && FOLLOW_UP_JA.some((pattern) => pattern.test(compact));
  }
  const words = t.split(/\s+/).filter((word) => /\w/.test(word)).length;
  if (words === 0 || words > MAX_WORDS_EN) return false;
  if (FOLLOW_UP_EN.some((pattern) => pattern.test(t))) return true;
  return words <= MAX_PRONOUN_WORDS_EN && PRONOUN_EN.test(t);
};

/**
 * Follow-up routing over a fresh decision:
 * - a clearly simple message (greeting, thanks) or a template-tier decision (an order lookup, a hand-off, a FAQ) is
 *   routed on its own, whatever came before;
 * - a follow-up without a topic of its own (a context-free intent, or a low-confidence one) inherits the previous
 *   exchange's intent (`reroute` decides it again with that intent; reason `follow_up:<intent>`); one the classifier
 *   places confidently on another intent keeps it;
 * - a follow-up of an exchange that needed the strong tier stays there (`follow_up:keep_strong`) unless its intent is
 *   locked by the routing map (an operator's lock is never overridden).
 * Mitigation and the budget guardian apply afterwards, as to any decision.
 */
export const applyFollowUp = (
  fresh: RouteDecision,
  text: string,
  previous: PreviousExchange | undefined,
  context: {
    readonly map: RoutingMap;
    readonly reroute: (intent: Intent) => RouteDecision;
    readonly strongModel: string;
  },
): RouteDecision => {
  if (previous === undefined || fresh.tier === 'template' || isTemplateIntent(fresh.intent) || isClearlySimple(text) || !isFollowUp(text)) return fresh;
  const inherits = fresh.intent === previous.intent || CONTEXT_FREE_INTENTS.has(fresh.intent) || fresh.confidence < INHERIT_BELOW_CONFIDENCE;
  let decision = fresh;
  if (inherits) {
    const inherited = fresh.intent === previous.intent ? fresh : context.reroute(previous.intent);
    decision = { ...inherited, reasons: [...inherited.reasons, `follow_up:${previous.intent}`] };
  }
  if (previous.tier === 'sonnet' && decision.tier === 'haiku' && !context.map[decision.intent].locked) {
    return { ...decision, tier: 'sonnet', model: context.strongModel, reasons: [...decision.reasons, 'follow_up:keep_strong'] };
  }
  return decision;
};
