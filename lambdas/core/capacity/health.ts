import type { ModelTier } from '../vocabulary';
import type { TierCapacity } from './config';

/**
 * The capacity health check's arithmetic: actual against expected units once the lead time has passed, and how much
 * of what is provisioned is used.
 */
export interface TierHealth {
  readonly tier: ModelTier;
  readonly expectedUnits: number;
  readonly actualUnits: number;
  /** expected - actual: positive is missing capacity, negative is surplus. */
  readonly mismatchUnits: number;
  /** Tokens per second the serving units sustain. */
  readonly provisionedTps: number;
}

export const tierHealth = (tier: ModelTier, expectedUnits: number, actualUnits: number, capacity: TierCapacity): TierHealth => ({
  tier,
  expectedUnits,
  actualUnits,
  mismatchUnits: expectedUnits - actualUnits,
  provisionedTps: actualUnits * capacity.unitTokensPerSecond,
});

/** used / provisioned, or undefined when nothing is provisioned (no ratio to speak of). */
export const utilization = (usedTps: number, provisionedTps: number): number | undefined =>
  provisionedTps > 0 ? Math.min(1, Math.max(0, usedTps / provisionedTps)) : undefined;

/** 1 - used / provisioned (seed 003 scenario 2), or undefined when nothing is provisioned. */
export const wasteRatio = (usedTps: number, provisionedTps: number): number | undefined => {
  const used = utilization(usedTps, provisionedTps);
  return used === undefined ? undefined : 1 - used;
};
