import type { Intent } from '../vocabulary';
import { thresholdFor, type CascadeConfig } from './config';
import type { ConfidenceEstimate } from './confidence';

/**
 * What to do with a judged cheap answer: keep it (`accept`), try the strong tier once (`escalate`), or keep it
 * although it is below the threshold because there is no time left to escalate (`keep`).
 */
export type CascadeStep =
  | { readonly kind: 'accept'; readonly reason: string }
  | { readonly kind: 'escalate'; readonly reason: string }
  | { readonly kind: 'keep'; readonly reason: string };

export const formatScore = (score: number): string => score.toFixed(2);

export const decideCascade = (
  config: CascadeConfig,
  intent: Intent,
  estimate: ConfidenceEstimate,
  /** What is left of the answer's deadline after the cheap call (ms). */
  timeLeftMs: number,
): CascadeStep => {
  const score = formatScore(estimate.score);
  if (estimate.score >= thresholdFor(config, intent)) return { kind: 'accept', reason: `cascade:accepted:${score}` };
  if (timeLeftMs < config.minTimeLeftMs) return { kind: 'keep', reason: `cascade:kept:${score}:deadline` };
  return { kind: 'escalate', reason: `cascade:escalated:${score}` };
};

/** The reason when the escalation could not run (the budget refused the strong tier, or it failed before any text). */
export const keptReason = (estimate: ConfidenceEstimate, why: 'budget' | 'strong_failed'): string => `cascade:kept:${formatScore(estimate.score)}:${why}`;
