import type { Intent } from '../vocabulary';

/** Japanese script (hiragana, katakana, CJK ideographs); about two characters carry what one English word does. */
const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/gu;
const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/gu;
const QUESTION_MARK = /\?+/gu;
const CLAUSE_BREAK = /[,;:、。]|\b(?:and|also|then|plus|while|whereas|because|since|so that)\b|(?:そして|それから|また、|ので|から、)/gu;

/** Cues that the answer needs reasoning rather than a lookup. Each distinct cue counts once. */
const REASONING_CUES: readonly RegExp[] = [
  /\bwhy\b|\bhow come\b|なぜ|なんで|どうして|理由/u,
  /\bcompar\w*|\bversus\b|\bvs\.?\b|\bdiffer\w*|\bpros and cons\b|\btrade-?offs?\b|比較|比べ|違い|どちらが|どっちが/u,
  /\banaly[sz]\w*|\bevaluat\w*|\bcritique\b|\binterpret\w*|\bin depth\b|\bin detail\b|\bdetailed\b|分析|考察|解釈|評価|詳しく|詳細/u,
  /\bexplain\w*|\bdiscuss\w*|\bwhat if\b|\bimplications?\b|\bstep by step\b|\bnuance\w*|説明|論じ|ニュアンス/u,
];

/** Constraints on the answer ("like Berserk but less dark", "finished, under 20 volumes"). */
const CONSTRAINT_CUES: readonly RegExp[] = [
  /\bbut\b|\bhowever\b|\bthough\b|けど|けれど|でも|ただし|しかし/u,
  /\bless\b|\bmore\b|\bnot (?:too|as|so)\b|\bwithout\b|\bexcept\b|\binstead of\b|より|すぎない|控えめ|少なめ|以外/u,
  /\bunder \d+|\bover \d+|\bat (?:least|most)\b|\bno more than\b|\bshorter\b|\blonger\b|\bonly\b|以下|以上|以内|だけ|まで/u,
  /\bsimilar to\b|\b(?:something|anything|manga|series|books?|more|stuff) like\b|みたいな|のような|似た|っぽい/u,
  /\bfinished\b|\bcompleted?\b|\bongoing\b|\bwith (?:a|an|no|strong|female|male)\b|\bmust\b|\bpreferably\b|完結|条件|女性主人公|短め|長め/u,
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

const countMatches = (text: string, pattern: RegExp): number => {
  let count = 0;
  for (const _ of text.matchAll(pattern)) count += 1;
  return count;
};

/**
 * Complexity 1-10 of a normalized message: its length (English words plus Japanese characters / 2), extra
 * questions, clauses, reasoning cues and constraints, plus one for intents that need reasoning. A greeting is 1;
 * a long, multi-constraint recommendation reaches 7 or more. Pure and cheap (a handful of regex scans).
 */
export const estimateComplexity = (normalized: string, intent: Intent): number => {
  const units = countMatches(normalized, LATIN_WORD) + countMatches(normalized, JAPANESE_CHAR) / 2;
  let score = 1;
  for (const step of LENGTH_STEPS) if (units >= step) score += 1;
  score += Math.min(2, Math.max(0, countMatches(normalized, QUESTION_MARK) - 1));
  score += Math.min(2, Math.floor(countMatches(normalized, CLAUSE_BREAK) / 2));
  const reasoning = REASONING_CUES.filter((cue) => cue.test(normalized)).length;
  score += reasoning === 0 ? 0 : reasoning + 1;
  score += Math.min(3, CONSTRAINT_CUES.filter((cue) => cue.test(normalized)).length);
  if (REASONING_INTENTS.has(intent)) score += 1;
  return Math.max(1, Math.min(10, Math.round(score)));
};
