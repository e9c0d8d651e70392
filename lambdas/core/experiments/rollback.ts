import type { Intent } from '../vocabulary';
import type { RollbackConfig } from './config';
import { proportionTest } from './stats';

const MINUTE_MS = 60_000;

/** Thumbs of one intent over a time range: the per-intent satisfaction counters summed. */
export interface SatisfactionCounts {
  readonly up: number;
  readonly down: number;
}

/** A change of one intent's routing: a routing version that moved it (by a person or a promotion). */
export interface RoutingChange {
  readonly intent: Intent;
  readonly version: number;
  /** The version before it: what a rollback restores for the intent. */
  readonly previousVersion: number;
  readonly at: number;
}

export interface TimeRange {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
}

/** The start of the counter bucket `at` falls in. */
export const bucketStart = (at: number, config: Pick<RollbackConfig, 'bucketMinutes'>): number => {
  const width = config.bucketMinutes * MINUTE_MS;
  return Math.floor(at / width) * width;
};

/**
 * The ranges the rule compares: the baseline hours before the change, and the window after it, from the first whole
 * bucket after the change (the bucket it falls in mixes before and after) to the window's end.
 */
export const rollbackRanges = (change: RoutingChange, config: RollbackConfig): { readonly baseline: TimeRange; readonly after: TimeRange } => {
  const width = config.bucketMinutes * MINUTE_MS;
  const first = bucketStart(change.at, config);
  const afterFrom = first === change.at ? first : first + width;
  return {
    baseline: { from: first - config.baselineHours * 60 * MINUTE_MS, to: first },
    after: { from: afterFrom, to: change.at + config.windowMinutes * MINUTE_MS },
  };
};

export interface RollbackFigures {
  readonly baselineRate: number | null;
  readonly afterRate: number | null;
  readonly relativeDrop: number | null;
  /** The pooled two-proportion z of after vs baseline, for reading (negative: worse). */
  readonly z: number | null;
  readonly baselineRatings: number;
  readonly afterRatings: number;
  readonly threshold: number;
}

export type RollbackVerdict =
  | { readonly kind: 'rollback'; readonly reason: string; readonly figures: RollbackFigures }
  /** Inside the window, no verdict yet (too few ratings, or no drop beyond the threshold so far). */
  | { readonly kind: 'watch'; readonly reason: string; readonly figures: RollbackFigures }
  /** The window (and the evaluator's one period of grace to read its last ratings) is over. */
  | { readonly kind: 'expired' }
  /** A drop beyond the threshold on a locked intent: automation does not move it, the alarm calls a person. */
  | { readonly kind: 'blocked'; readonly reason: string; readonly figures: RollbackFigures };

/**
 * Automatic rollback (seed 000 scenario 4): an intent whose thumbs-up rate since a change is more than `drop` below
 * its rate in the `baselineHours` before it, within `windowMinutes` of the change, is reverted to the previous
 * version. Never on fewer than `minFeedback` ratings on either side. `evaluatorPeriodMinutes` of grace lets the first
 * run after the window still judge it whole.
 */
export const decideRollback = (
  change: RoutingChange,
  baseline: SatisfactionCounts,
  after: SatisfactionCounts,
  context: { readonly now: number; readonly config: RollbackConfig; readonly locked: boolean; readonly evaluatorPeriodMinutes: number },
): RollbackVerdict => {
  const { config } = context;
  if (context.now > change.at + (config.windowMinutes + context.evaluatorPeriodMinutes) * MINUTE_MS) return { kind: 'expired' };
  const nb = baseline.up + baseline.down;
  const na = after.up + after.down;
  const empty: RollbackFigures = { baselineRate: null, afterRate: null, relativeDrop: null, z: null, baselineRatings: nb, afterRatings: na, threshold: config.drop };
  if (nb < config.minFeedback || na < config.minFeedback) return { kind: 'watch', reason: `min_feedback:${Math.min(nb, na)}<${config.minFeedback}`, figures: empty };
  const test = proportionTest({ x: baseline.up, n: nb }, { x: after.up, n: na }, 0);
  const figures: RollbackFigures = {
    ...empty,
    baselineRate: round(test.controlRate),
    afterRate: round(test.treatmentRate),
    relativeDrop: round(test.relativeDrop),
    z: round(test.zDifference),
  };
  if (test.relativeDrop <= config.drop) return { kind: 'watch', reason: `drop=${figures.relativeDrop}<=${config.drop}`, figures };
  const reason = `satisfaction_drop=${figures.relativeDrop}>${config.drop}:v${change.version}->v${change.previousVersion}`;
  return context.locked ? { kind: 'blocked', reason: `intent_locked:${reason}`, figures } : { kind: 'rollback', reason, figures };
};

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
