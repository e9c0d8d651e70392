import type { Intent } from '../vocabulary';

/**
 * The confidence estimate of a cheap answer: 1.0 less a penalty per sign of a weak answer, clamped to [0, 1].
 * Pure and deterministic; the signals name what was found (logged, and useful when tuning thresholds).
 */
export interface ConfidenceEstimate {
  readonly score: number;
  readonly signals: readonly string[];
}

export interface JudgedAnswer {
  readonly text: string;
  /** The stream's stop reason: `end_turn`, `max_tokens`, `stop_sequence`, `content_filtered`, ... */
  readonly stopReason: string;
  readonly intent: Intent;
}

/** A strong hedge alone takes an answer below the default 0.80 threshold. */
export const HEDGE_PENALTY = 0.25;
/** A mild hedge ("probably", 「たぶん」) alone does not; two do, with anything else. */
export const MILD_HEDGE_PENALTY = 0.08;
export const TRUNCATED_PENALTY = 0.35;
export const STOPPED_PENALTY = 0.6;
export const TOO_SHORT_PENALTY = 0.35;
export const REFUSAL_PENALTY = 0.6;
export const SUPPORT_REFERRAL_PENALTY = 0.3;

/** Saying it does not know, in English and Japanese (matched on the NFKC-normalised, lower-cased text). */
export const HEDGING_PHRASES: readonly string[] = [
  "i'm not sure",
  'i am not sure',
  "i'm not certain",
  'i am not certain',
  "i'm unsure",
  'not entirely sure',
  "i don't know",
  'i do not know',
  "i don't have (enough|reliable|specific) information",
  'it might be',
  'it may be',
  'it could be',
  "it's unclear",
  'it is unclear',
  "i can't (confirm|verify|determine)",
  'i cannot (confirm|verify|determine)',
  'i have no (information|way to know)',
  'わかりません',
  '分かりません',
  'わからない',
  '分からない',
  'かもしれません',
  'かもしれない',
  '確認できません',
  '確認できない',
  '不明です',
  'はっきりしません',
  '定かではありません',
  '自信がありません',
];

export const MILD_HEDGES: readonly string[] = ['perhaps', 'probably', 'possibly', 'maybe', 'たぶん', '多分', 'おそらく', '恐らく'];

/** Declining to answer. */
export const REFUSAL_PHRASES: readonly string[] = [
  "i can't help with",
  'i cannot help with',
  "i'm unable to",
  'i am unable to',
  "i can't answer",
  'i cannot answer',
  "i won't be able to",
  'お答えできません',
  'お答えすることはできません',
  '回答できません',
  'お手伝いできません',
  '対応できません',
];

/** Sending the customer to support: a non-answer, unless the customer asked for a human (`escalation`). */
export const SUPPORT_REFERRAL_PHRASES: readonly string[] = [
  'contact (our |the )?(customer )?(support|service|care)',
  'reach out to (our |the )?(customer )?(support|service|care)',
  'get in touch with (our |the )?(customer )?(support|service|care)',
  'サポートにお問い合わせ',
  'サポートまでお問い合わせ',
  'カスタマーサービスにお問い合わせ',
  'カスタマーサービスまでお問い合わせ',
  'お問い合わせください',
];

const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u;

/** Below this many characters (half for Japanese, which is denser) an answer is too short to be a real answer. */
export const MIN_ANSWER_CHARS = 12;

const compile = (phrases: readonly string[]): readonly { readonly phrase: string; readonly pattern: RegExp }[] =>
  phrases.map((phrase) => ({ phrase, pattern: new RegExp(JAPANESE.test(phrase) ? phrase : `(^|[^a-z])${phrase}`, 'u') }));

const HEDGES = compile(HEDGING_PHRASES);
const MILD = compile(MILD_HEDGES);
const REFUSALS = compile(REFUSAL_PHRASES);
const REFERRALS = compile(SUPPORT_REFERRAL_PHRASES);

/** NFKC (full-width letters and punctuation), lower case, typographic apostrophes as ASCII. */
export const normalizeAnswer = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc]/gu, "'");

const found = (text: string, list: readonly { readonly phrase: string; readonly pattern: RegExp }[]): string[] =>
  list.filter(({ pattern }) => pattern.test(text)).map(({ phrase }) => phrase);

const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * Estimates how far a cheap model's answer can be trusted, from: its stop reason (cut at `max_tokens`, or stopped by
 * a filter), hedging phrases in English and Japanese ("I'm not sure", 「わかりません」, 「かもしれません」), and
 * answer checks (empty or too short, a refusal, sending the customer to support when the intent is not
 * `escalation`). Each strong hedge found costs HEDGE_PENALTY.
 */
export const estimateConfidence = (answer: JudgedAnswer): ConfidenceEstimate => {
  const text = normalizeAnswer(answer.text).trim();
  if (text.length === 0) return { score: 0, signals: ['empty'] };
  const signals: string[] = [];
  let penalty = 0;
  if (answer.stopReason === 'max_tokens') {
    penalty += TRUNCATED_PENALTY;
    signals.push('stop:max_tokens');
  } else if (answer.stopReason !== 'end_turn' && answer.stopReason !== 'stop_sequence') {
    penalty += STOPPED_PENALTY;
    signals.push(`stop:${answer.stopReason}`);
  }
  const minChars = JAPANESE.test(text) ? MIN_ANSWER_CHARS / 2 : MIN_ANSWER_CHARS;
  if ([...text].length < minChars) {
    penalty += TOO_SHORT_PENALTY;
    signals.push('too_short');
  }
  for (const phrase of found(text, HEDGES)) {
    penalty += HEDGE_PENALTY;
    signals.push(`hedge:${phrase}`);
  }
  for (const phrase of found(text, MILD)) {
    penalty += MILD_HEDGE_PENALTY;
    signals.push(`mild_hedge:${phrase}`);
  }
  if (found(text, REFUSALS).length > 0) {
    penalty += REFUSAL_PENALTY;
    signals.push('refusal');
  }
  if (answer.intent !== 'escalation' && found(text, REFERRALS).length > 0) {
    penalty += SUPPORT_REFERRAL_PENALTY;
    signals.push('support_referral');
  }
  return { score: round(Math.min(1, Math.max(0, 1 - penalty))), signals };
};
