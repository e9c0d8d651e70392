import { INTENTS, tierRank, DEFAULT_ROUTING_MAP, type Classification, type Intent, type IntentClassifier } from '../vocabulary';
import { estimateComplexity } from './complexity';
import { normalizeText } from './normalize';
import { DEFAULT_KEYWORD_RULES, type KeywordRuleTable } from './rules';

export interface KeywordClassifierOptions {
  /** The rule table; defaults to the English + Japanese store rules. */
  readonly rules?: KeywordRuleTable;
  /** The score an intent needs to beat the `unknown` fallback (one strong cue, or two medium ones). */
  readonly minScore?: number;
  /**
   * Intents that accompany a request rather than compete with it ("hi, where is my order?"): they never count
   * as the runner-up that lowers the winner's confidence. Default: greeting.
   */
  readonly politeIntents?: readonly Intent[];
  /**
   * The whole-message score a further intent of a multi-intent message needs: one strong cue (3), so that a tone
   * word in front of a question ("this is unacceptable, what is your return policy?") is not a second request.
   */
  readonly minSecondaryScore?: number;
}

interface CompiledRule {
  readonly intent: Intent;
  readonly signal: string;
  readonly weight: number;
  readonly pattern: RegExp;
  /** Tested before `pattern`, which can only match when it does (rules.ts, KeywordRule.gate). */
  readonly gate: RegExp | undefined;
  /** Position in the table: the last tie-break, so results never depend on anything but the rules. */
  readonly order: number;
}

interface IntentScore {
  readonly intent: Intent;
  readonly score: number;
  readonly signals: readonly string[];
  readonly order: number;
}

/** Each further agreeing cue adds half as much as the one before: ten weak cues do not make a strong one. */
const CUE_DECAY = 0.5;
/** How fast confidence saturates with score: a lone strong cue (3) gives about 0.67 before competition. */
const STRENGTH_HALF_SCORE = 1.5;
/** A runner-up within this share of the winner's score is reported as an alternative. */
const ALTERNATIVE_SHARE = 0.6;
/**
 * Where a message splits into separately asked parts, for multi-intent detection: sentence ends, question marks,
 * commas and the connectives that join two requests ("... and can you ...", 「それと」, 「〜してから」).
 */
const SEGMENT_BREAK =
  /[?!;。、,]|\b(?:and|also|plus|then|after that|as well as)\b|それと|それから|してから|そして|ついでに|あと、|また、/u;
const UNKNOWN_NO_CUE_CONFIDENCE = 0.2;
const UNKNOWN_MAX_CONFIDENCE = 0.4;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

const statelessCopy = (pattern: RegExp): RegExp => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));

/**
 * V8 compiles a regexp when it first runs it. On a short subject it compiles it twice: to bytecode for its
 * interpreter first (a peephole pass over the bytecode makes this the costly step for the large rules), then to
 * machine code on a later run. On a subject of 1000 characters or more (V8's kTierUpForSubjectLengthValue) it
 * compiles machine code at once, for a fraction of the cost of both: all the rules cost about 27 ms that way instead
 * of about 136 (bench:first-decision --per-regex). So before its first test on a message, each regexp is tested once
 * on a blank subject that long and the result ignored: without the g or y flag a test has no effect on a later one.
 * V8 compiles separately for strings of one-byte (Latin-1) and of two-byte characters, hence one blank of each, used
 * for the messages of that kind. Only speed depends on this; were V8 to drop that heuristic, results would be the same.
 */
const NATIVE_COMPILE_SUBJECTS = { oneByte: ' '.repeat(1000), twoByte: '\u3000'.repeat(1000) } as const;
/** A character beyond Latin-1: V8 stores the string with two bytes a character. */
const TWO_BYTE_CHAR = /[\u0100-\u{10ffff}]/u;

/**
 * A keyword classifier over a table of weighted English and Japanese patterns (rules.ts). Pure: no I/O, no
 * clock, no randomness. V8 compiles each regex on its first use, so the first message of a process costs milliseconds
 * (the large rules are gated, see KeywordRule.gate, and compiled straight to machine code, see
 * NATIVE_COMPILE_SUBJECTS); after that `classify` costs microseconds.
 *
 * Score of an intent: its matched rule weights, strongest first, each further one decayed by half, plus any
 * negative (veto) weights. The best score wins if it reaches `minScore`; otherwise the result is `unknown`.
 * Confidence rises with the winner's score and falls as the runner-up gets closer (a greeting in front of a
 * request does not compete with it); `unknown` stays low.
 */
export class KeywordClassifier implements IntentClassifier {
  private readonly rules: readonly CompiledRule[];
  private readonly minScore: number;
  private readonly politeIntents: ReadonlySet<Intent>;
  private readonly minSecondaryScore: number;
  /** The regexps already run on a message of each kind (NATIVE_COMPILE_SUBJECTS). */
  private readonly compiled = { oneByte: new WeakSet<RegExp>(), twoByte: new WeakSet<RegExp>() };

  constructor(options: KeywordClassifierOptions = {}) {
    const table = options.rules ?? DEFAULT_KEYWORD_RULES;
    this.minScore = options.minScore ?? 2;
    this.politeIntents = new Set(options.politeIntents ?? ['greeting']);
    this.minSecondaryScore = options.minSecondaryScore ?? 3;
    const compiled: CompiledRule[] = [];
    for (const intent of INTENTS) {
      for (const rule of table[intent] ?? []) {
        compiled.push({
          intent,
          signal: `kw:${intent}:${rule.id}`,
          weight: rule.weight,
          // Drop the stateful flags: `test` on a /g regex would resume from the last match.
          pattern: statelessCopy(rule.pattern),
          gate: rule.gate === undefined ? undefined : statelessCopy(rule.gate),
          order: compiled.length,
        });
      }
    }
    this.rules = compiled;
  }

  classify(text: string): Classification {
    const normalized = normalizeText(text);
    const ranked = this.score(normalized);
    const best = ranked[0];
    if (best === undefined || best.score < this.minScore || best.intent === 'unknown') {
      const intent: Intent = 'unknown';
      return {
        intent,
        confidence: this.unknownConfidence(best),
        complexity: estimateComplexity(normalized, intent),
        signals: this.unknownSignals(best),
      };
    }
    const runnerUp = ranked.slice(1).find((candidate) => !this.politeIntents.has(candidate.intent));
    const rival = runnerUp === undefined ? 0 : Math.max(0, runnerUp.score);
    const strength = best.score / (best.score + STRENGTH_HALF_SCORE);
    const margin = (best.score - rival) / best.score;
    const confidence = strength * (0.55 + 0.45 * margin);
    const signals = [...best.signals];
    if (runnerUp !== undefined && rival >= best.score * ALTERNATIVE_SHARE) signals.push(`alt:${runnerUp.intent}`);
    const intents = this.allIntents(normalized, best.intent, ranked);
    const classification = {
      intent: best.intent,
      confidence: round3(confidence),
      complexity: estimateComplexity(normalized, best.intent, intents),
      signals,
    };
    if (intents.length < 2) return classification;
    return { ...classification, intents };
  }

  /**
   * The intents of a message that asks several things, the winner first: a further intent counts when it wins a
   * part of the message on its own (split at SEGMENT_BREAK) with at least `minScore`, and also reaches
   * `minSecondaryScore` over the whole message (one strong cue; a veto elsewhere in the message still applies). Polite intents and `unknown` never
   * count. The winner over the whole message stays the primary intent: single-intent accuracy is unchanged.
   */
  private allIntents(normalized: string, primary: Intent, ranked: readonly IntentScore[]): Intent[] {
    const intents: Intent[] = [primary];
    const parts = normalized.split(SEGMENT_BREAK).map((part) => part.trim()).filter((part) => part.length > 0);
    if (parts.length < 2) return intents;
    for (const part of parts) {
      const top = this.score(part)[0];
      if (top === undefined || top.score < this.minScore || top.intent === 'unknown') continue;
      if (this.politeIntents.has(top.intent) || intents.includes(top.intent)) continue;
      const whole = ranked.find((candidate) => candidate.intent === top.intent);
      if (whole === undefined || whole.score < Math.max(this.minScore, this.minSecondaryScore)) continue;
      intents.push(top.intent);
    }
    return intents;
  }

  private test(pattern: RegExp, normalized: string, width: keyof typeof NATIVE_COMPILE_SUBJECTS): boolean {
    if (!this.compiled[width].has(pattern)) {
      pattern.test(NATIVE_COMPILE_SUBJECTS[width]);
      this.compiled[width].add(pattern);
    }
    return pattern.test(normalized);
  }

  /** Scores of the intents with at least one matching rule, best first. */
  private score(normalized: string): IntentScore[] {
    const byIntent = new Map<Intent, { positives: number[]; negative: number; signals: string[]; order: number }>();
    const width = TWO_BYTE_CHAR.test(normalized) ? 'twoByte' : 'oneByte';
    for (const rule of this.rules) {
      if (rule.gate !== undefined && !this.test(rule.gate, normalized, width)) continue;
      if (!this.test(rule.pattern, normalized, width)) continue;
      let entry = byIntent.get(rule.intent);
      if (entry === undefined) {
        entry = { positives: [], negative: 0, signals: [], order: rule.order };
        byIntent.set(rule.intent, entry);
      }
      if (rule.weight >= 0) entry.positives.push(rule.weight);
      else entry.negative += rule.weight;
      entry.signals.push(rule.signal);
    }
    const scores: IntentScore[] = [];
    for (const [intent, entry] of byIntent) {
      const positives = entry.positives.sort((a, b) => b - a);
      let score = entry.negative;
      let factor = 1;
      for (const weight of positives) {
        score += weight * factor;
        factor *= CUE_DECAY;
      }
      scores.push({ intent, score, signals: entry.signals, order: entry.order });
    }
    // Ties go to the intent on the higher tier (under-routing costs quality, over-routing only money), then to
    // the table order, so the result is a pure function of the text and the rules.
    return scores.sort(
      (a, b) =>
        b.score - a.score ||
        tierRank(DEFAULT_ROUTING_MAP[b.intent].tier) - tierRank(DEFAULT_ROUTING_MAP[a.intent].tier) ||
        a.order - b.order,
    );
  }

  private unknownConfidence(best: IntentScore | undefined): number {
    if (best === undefined || best.score <= 0) return UNKNOWN_NO_CUE_CONFIDENCE;
    // An off-domain cue makes `unknown` a little more certain; a weak store cue makes it a little less.
    if (best.intent === 'unknown') return round3(Math.min(UNKNOWN_MAX_CONFIDENCE, 0.25 + best.score / 40));
    return round3(Math.max(0.1, UNKNOWN_NO_CUE_CONFIDENCE - best.score / 20));
  }

  private unknownSignals(best: IntentScore | undefined): string[] {
    if (best === undefined || best.score <= 0) return ['fallback:no_match'];
    if (best.intent === 'unknown') return [...best.signals];
    return ['fallback:low_score', `weak:${best.intent}`];
  }
}
