import { costUsd, type ModelSpec, type TokenUsage } from '../catalog';
import type { Intent, ModelTier } from '../vocabulary';

/** What happened to one sample on one tier: the answer call, then the judge's verdict on that answer. */
export interface TierSampleResult {
  /** The answer's token usage; absent when the answer call failed (`answerError`). */
  readonly usage?: TokenUsage;
  readonly answerError?: string;
  /** The validated score; absent when the answer was not judged or the verdict did not count (`judgeFailure`). */
  readonly score?: number;
  /** A validation failure code (validate.ts) or `judge_call_failed: ...`; absent when judged or never sent. */
  readonly judgeFailure?: string;
  /** The judge call's usage (what judging cost); absent when the call failed. */
  readonly judgeUsage?: TokenUsage;
}

export interface TierSummary {
  readonly tier: ModelTier;
  readonly modelId: string;
  readonly samples: number;
  /** Samples whose answer call succeeded. */
  readonly answered: number;
  readonly answerFailures: number;
  /** Answers with a valid verdict. */
  readonly judged: number;
  /** Answers whose verdict was invalid or whose judge call failed. */
  readonly judgeFailures: number;
  /** Judge failures by code (`score_out_of_range`, `judge_call_failed`, ...). */
  readonly judgeFailuresByCode: Readonly<Record<string, number>>;
  /** Mean score of the judged answers, 1-10; null when none was judged. */
  readonly meanQuality: number | null;
  /** 10th percentile of the scores (nearest rank): how bad the worst answers are; null when none was judged. */
  readonly p10Quality: number | null;
  /** Mean cost of an answer (USD) from its token usage at the catalog's prices; null when none was answered. */
  readonly costPerRequestUsd: number | null;
  readonly meanInputTokens: number | null;
  readonly meanOutputTokens: number | null;
  /** What the eval spent on this tier: its answers plus the judge calls on them (the judge at its own prices). */
  readonly evalCostUsd: number;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length);

/** Nearest-rank percentile (`p` in (0, 1]) of a non-empty list: a score that was actually given, never interpolated. */
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
};

const failureCode = (failure: string): string => failure.split(':')[0] ?? failure;

/** The figures of one tier's results; `judge` prices the judge calls. */
export const summarizeTier = (tier: ModelTier, spec: ModelSpec, judge: ModelSpec, results: readonly TierSampleResult[]): TierSummary => {
  const answered = results.filter((r): r is TierSampleResult & { usage: TokenUsage } => r.usage !== undefined);
  const scores = results.flatMap((r) => (r.score === undefined ? [] : [r.score]));
  const failures: Record<string, number> = {};
  for (const r of results) if (r.judgeFailure !== undefined) failures[failureCode(r.judgeFailure)] = (failures[failureCode(r.judgeFailure)] ?? 0) + 1;
  const answerCosts = answered.map((r) => costUsd(spec, r.usage));
  const judgeCosts = results.flatMap((r) => (r.judgeUsage === undefined ? [] : [costUsd(judge, r.judgeUsage)]));
  return {
    tier,
    modelId: spec.modelId,
    samples: results.length,
    answered: answered.length,
    answerFailures: results.length - answered.length,
    judged: scores.length,
    judgeFailures: Object.values(failures).reduce((sum, v) => sum + v, 0),
    judgeFailuresByCode: failures,
    meanQuality: mean(scores),
    p10Quality: percentile(scores, 0.1),
    costPerRequestUsd: mean(answerCosts),
    meanInputTokens: mean(answered.map((r) => r.usage.inputTokens)),
    meanOutputTokens: mean(answered.map((r) => r.usage.outputTokens)),
    evalCostUsd: [...answerCosts, ...judgeCosts].reduce((sum, v) => sum + v, 0),
  };
};

/**
 * The gate an offline evaluation is read against: seed 000's quality gate (a drop of less than 10% passes), plus
 * what makes the figures worth reading at all. Configuration, not constants: the same gate the experiments read.
 */
export interface EvalGate {
  /** The largest relative quality drop that still passes (0.1: the proposed tier must keep > 90% of the quality). */
  readonly maxQualityDrop: number;
  /** Fewer judged answers than this on either tier: no verdict (a mean of a handful of scores says little). */
  readonly minJudgedPerTier: number;
  /** A tier with more judge failures than this share of its answers: no verdict (the failures may not be random). */
  readonly maxJudgeFailureShare: number;
}

export const DEFAULT_EVAL_GATE: EvalGate = { maxQualityDrop: 0.1, minJudgedPerTier: 10, maxJudgeFailureShare: 0.2 };

export type EvalVerdict = 'within_gate' | 'fails_gate' | 'no_verdict';

export interface RouteEvaluation {
  readonly intent: Intent;
  readonly current: TierSummary;
  readonly proposed: TierSummary;
  /** Proposed minus current mean quality (negative: the proposed tier scores lower); null without both means. */
  readonly gap: number | null;
  /** (current - proposed) / current: the relative drop the gate reads; negative when the proposed tier is better. */
  readonly qualityDrop: number | null;
  /** Current minus proposed cost per request (USD): positive when the proposed tier is cheaper. */
  readonly savingsPerRequestUsd: number | null;
  /** Messages of this intent per day the savings are projected at. */
  readonly messagesPerDay: number;
  /** savingsPerRequestUsd x messagesPerDay; negative when the proposed tier costs more. */
  readonly savingsPerDayUsd: number | null;
  readonly verdict: EvalVerdict;
  /** Why, in one line: the figure against the threshold, or what is missing. */
  readonly verdictReason: string;
}

/** Floating-point slack: 8.0 -> 7.2 is a drop of exactly 10% (which fails), not 9.9999...% (which would pass). */
const DROP_TOLERANCE = 1e-9;

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** Why a tier's figures cannot carry a verdict, or undefined when they can. */
const unusable = (summary: TierSummary, gate: EvalGate): string | undefined => {
  if (summary.judged < gate.minJudgedPerTier) return `${summary.tier}: ${summary.judged} judged answers, fewer than the ${gate.minJudgedPerTier} a verdict needs`;
  const share = summary.answered === 0 ? 1 : summary.judgeFailures / summary.answered;
  if (share > gate.maxJudgeFailureShare) return `${summary.tier}: judge failures on ${pct(share)} of its answers, above ${pct(gate.maxJudgeFailureShare)}`;
  return undefined;
};

/** Compares the proposed tier with the current one and reads the result against the gate. */
export const evaluateRoute = (intent: Intent, current: TierSummary, proposed: TierSummary, messagesPerDay: number, gate: EvalGate = DEFAULT_EVAL_GATE): RouteEvaluation => {
  const gap = current.meanQuality !== null && proposed.meanQuality !== null ? proposed.meanQuality - current.meanQuality : null;
  const qualityDrop = gap !== null && current.meanQuality !== null && current.meanQuality > 0 ? -gap / current.meanQuality : null;
  const savingsPerRequestUsd = current.costPerRequestUsd !== null && proposed.costPerRequestUsd !== null ? current.costPerRequestUsd - proposed.costPerRequestUsd : null;
  const savingsPerDayUsd = savingsPerRequestUsd === null ? null : savingsPerRequestUsd * messagesPerDay;
  const missing = unusable(current, gate) ?? unusable(proposed, gate);
  let verdict: EvalVerdict;
  let verdictReason: string;
  if (missing !== undefined || qualityDrop === null) {
    verdict = 'no_verdict';
    verdictReason = missing ?? 'no quality figure for one of the tiers';
  } else if (qualityDrop < gate.maxQualityDrop - DROP_TOLERANCE) {
    verdict = 'within_gate';
    verdictReason = qualityDrop <= 0 ? `no quality drop (the proposed tier scores ${pct(-qualityDrop)} higher)` : `quality drop ${pct(qualityDrop)} < ${pct(gate.maxQualityDrop)}`;
  } else {
    verdict = 'fails_gate';
    verdictReason = `quality drop ${pct(qualityDrop)} >= ${pct(gate.maxQualityDrop)}`;
  }
  return { intent, current, proposed, gap, qualityDrop, savingsPerRequestUsd, messagesPerDay, savingsPerDayUsd, verdict, verdictReason };
};
