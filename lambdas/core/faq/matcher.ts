import { extractOrderId } from '../classifier/order-id';
import { normalizeText } from '../classifier/normalize';
import { faqFeatures } from './features';
import type { FaqEntry, FaqMatch } from './types';

/**
 * The FAQ matcher: TF-IDF cosine between the message's features (features.ts) and each pattern of each entry; an
 * entry scores its closest pattern. IDF is over the entries (a feature every entry uses says nothing), and a
 * message feature no entry knows weighs as much as the rarest known one: words the FAQ does not answer pull the
 * score down, so only a message that asks what an entry answers, and little else, reaches the threshold.
 *
 * Before any similarity, a message that cannot have one canned answer is refused outright: it names an order (a
 * lookup, not a policy), asks two questions, complains or reports a problem, or is too long to be one question.
 * Pure and cheap: the index is compiled once per entry list (a WeakMap keyed by the list), a match is a few
 * microseconds.
 */

export interface FaqMatchOptions {
  /**
   * The lowest similarity that answers from the FAQ. 0.65 was chosen on intents-dev (never on intents-test) with
   * `npx tsx bench/intents.ts dev --faq-sweep --faq-errors 40`: what 0.55-0.65 adds is mostly a question next to an
   * entry rather than the entry's own (a refund's status, a refund of an amount, "troubles changing my address"),
   * while the matches kept above it ask what the entry answers.
   */
  readonly threshold: number;
  /** The best entry must beat the runner-up by this much: two close entries mean two questions, or neither. */
  readonly margin: number;
  /** Longer messages are not one FAQ question: Latin words + Japanese characters / 2. */
  readonly maxUnits: number;
}

const GENERIC_FEATURES: ReadonlySet<string> = new Set(['w:item', 'w:order', 'w:store']);

export const DEFAULT_FAQ_MATCH_OPTIONS: FaqMatchOptions = { threshold: 0.65, margin: 0.05, maxUnits: 24 };

/** Why a message was refused before scoring, or undefined when it was scored. */
export type FaqBlock = 'order_number' | 'compound' | 'complaint' | 'too_long' | 'no_features';

interface CompiledPattern {
  readonly entry: FaqEntry;
  readonly text: string;
  readonly features: readonly string[];
  readonly norm: number;
}

export interface FaqIndex {
  readonly entries: readonly FaqEntry[];
  readonly patterns: readonly CompiledPattern[];
  readonly weights: ReadonlyMap<string, number>;
  /** The weight of a feature no entry has. */
  readonly unknownWeight: number;
  byId(id: string): FaqEntry | undefined;
}

/** The best pattern of one entry for a message. */
export interface FaqCandidate {
  readonly entry: FaqEntry;
  readonly score: number;
  readonly pattern: string;
}

/** Everything the matcher saw (for the benchmark and for tests): the block, or the best two entries. */
export interface FaqScoring {
  readonly blocked?: FaqBlock;
  readonly best?: FaqCandidate;
  readonly runnerUp?: FaqCandidate;
}

const LATIN_WORD = /[a-z0-9]+(?:'[a-z]+)?/gu;
const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/gu;

/** Two questions in one message: two question marks, or a second question joined on ("... and how long ..."). */
const COMPOUND =
  /[?？].*[?？]|\b(?:and|also|plus)\s+(?:how|what|when|where|which|do|does|did|can|could|is|are|will|would)\b|[?？]\s*(?:and|also|plus)\b|(?:それと|それから|あと[、,]|ついでに|また[、,]|もう一つ|もうひとつ|さらに)/u;

/**
 * A complaint or a problem report ("my payment failed", "refund not received", "エラーが出る"): someone to help, not a
 * policy to quote (DESIGN section 4: complaint goes to the strong tier).
 */
const COMPLAINT =
  /\b(?:complain\w*|complaint|unacceptable|terrible|awful|worst|horrible|ridiculous|pathetic|angry|upset|furious|disappointed|frustrat\w*|unhappy|not (?:happy|satisfied|pleased)|scam\w*|ripped off|never again|still (?:haven'?t|hasn'?t|not|waiting)|(?:haven'?t|hasn'?t|didn'?t|did not|have not|has not|never) (?:yet )?(?:received|arrived|got|gotten|come|shown up|been (?:delivered|refunded))|not (?:yet )?(?:received|arrived|delivered|refunded)|failed|fails|declined|charged (?:me )?twice|double[- ]charged|wrong (?:item|book|volume|order|address)|errors?|issues?|problems?|troubles?|not working|doesn'?t work|isn'?t working)\b|苦情|クレーム|ひどい|酷い|最悪|がっかり|許せない|不満|怒|届かない|届いていない|届いてない|まだ届|失敗|エラー|不具合|トラブル|二重|間違(?:い|って|え)|使えない|使えません/u;

const units = (normalized: string): number => {
  let count = 0;
  for (const _ of normalized.matchAll(LATIN_WORD)) count += 1;
  let japanese = 0;
  for (const _ of normalized.matchAll(JAPANESE_CHAR)) japanese += 1;
  return count + japanese / 2;
};

/** Why the message cannot be one FAQ question, or undefined. */
export const faqBlock = (text: string, options: Pick<FaqMatchOptions, 'maxUnits'> = DEFAULT_FAQ_MATCH_OPTIONS): FaqBlock | undefined => {
  const normalized = normalizeText(text);
  if (extractOrderId(normalized) !== undefined) return 'order_number';
  if (COMPLAINT.test(normalized)) return 'complaint';
  if (COMPOUND.test(normalized)) return 'compound';
  if (units(normalized) > options.maxUnits) return 'too_long';
  return undefined;
};

const compiled = new WeakMap<readonly FaqEntry[], FaqIndex>();

/** Compiles entries into an index (IDF over entries, a feature vector per pattern). Cached per entry list. */
export const buildFaqIndex = (entries: readonly FaqEntry[]): FaqIndex => {
  const cached = compiled.get(entries);
  if (cached) return cached;
  const documentFrequency = new Map<string, number>();
  const perPattern: { entry: FaqEntry; text: string; features: string[] }[] = [];
  for (const entry of entries) {
    const seen = new Set<string>();
    for (const pattern of entry.patterns) {
      const features = faqFeatures(pattern);
      if (features.length === 0) continue;
      perPattern.push({ entry, text: pattern, features });
      for (const feature of features) seen.add(feature);
    }
    for (const feature of seen) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  }
  const n = entries.length;
  const weights = new Map<string, number>();
  for (const [feature, df] of documentFrequency) weights.set(feature, Math.log((n + 1) / (df + 1)) + 1);
  const unknownWeight = Math.log((n + 1) / 2) + 1;
  const patterns: CompiledPattern[] = perPattern.map(({ entry, text, features }) => ({
    entry,
    text,
    features,
    norm: Math.sqrt(features.reduce((sum, feature) => sum + (weights.get(feature) ?? 0) ** 2, 0)),
  }));
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const index: FaqIndex = { entries, patterns, weights, unknownWeight, byId: (id) => byId.get(id) };
  compiled.set(entries, index);
  return index;
};

const indexOf = (source: readonly FaqEntry[] | FaqIndex): FaqIndex => ('patterns' in source ? source : buildFaqIndex(source));

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** The best two entries for a message (or why it was refused), without applying the threshold. */
export const scoreFaq = (
  text: string,
  source: readonly FaqEntry[] | FaqIndex,
  options: Pick<FaqMatchOptions, 'maxUnits'> = DEFAULT_FAQ_MATCH_OPTIONS,
): FaqScoring => {
  const blocked = faqBlock(text, options);
  if (blocked) return { blocked };
  const index = indexOf(source);
  const features = faqFeatures(text);
  // The store's everyday nouns (manga, order, shop) name no FAQ subject: a message of nothing else asks nothing specific.
  if (features.every((feature) => GENERIC_FEATURES.has(feature))) return { blocked: 'no_features' };
  const queryWeights = new Map(features.map((feature) => [feature, index.weights.get(feature) ?? index.unknownWeight]));
  let queryNorm = 0;
  for (const weight of queryWeights.values()) queryNorm += weight * weight;
  queryNorm = Math.sqrt(queryNorm);
  const bestByEntry = new Map<string, FaqCandidate>();
  for (const pattern of index.patterns) {
    let dot = 0;
    for (const feature of pattern.features) {
      const weight = queryWeights.get(feature);
      if (weight !== undefined) dot += weight * weight;
    }
    if (dot === 0) continue;
    const score = dot / (queryNorm * pattern.norm);
    const current = bestByEntry.get(pattern.entry.id);
    if (current === undefined || score > current.score) bestByEntry.set(pattern.entry.id, { entry: pattern.entry, score: round3(score), pattern: pattern.text });
  }
  const ranked = [...bestByEntry.values()].sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
  const [best, runnerUp] = ranked;
  return { ...(best && { best }), ...(runnerUp && { runnerUp }) };
};

/**
 * The FAQ entry a message asks for, or undefined: the best entry when it reaches the threshold and clearly beats
 * the runner-up, for a message that is one short question (see faqBlock). `entries` is the FAQ in force (the
 * embedded DEFAULT_FAQ, or FaqSource's merge with the table) or an index built from it.
 */
export const matchFaq = (
  text: string,
  entries: readonly FaqEntry[] | FaqIndex,
  options: FaqMatchOptions = DEFAULT_FAQ_MATCH_OPTIONS,
): FaqMatch | undefined => {
  const { best, runnerUp } = scoreFaq(text, entries, options);
  if (best === undefined || best.score < options.threshold) return undefined;
  if (runnerUp !== undefined && best.score - runnerUp.score < options.margin) return undefined;
  return { entry: best.entry, score: best.score };
};
