import type { Intent } from '../vocabulary';

/**
 * Budget guardian configuration (seed 000 scenario 3). The daily budget is the deploy parameter; everything else
 * here has a default that reproduces the seeds' thresholds.
 */
export interface TokenBudget {
  /** The message is trimmed to this many (estimated) tokens before the call. */
  readonly maxInputTokens: number;
  /** Sent as `maxTokens` (never above the catalog's limit for the model). */
  readonly maxOutputTokens: number;
}

export interface BudgetConfig {
  /** The budget of an ordinary JST day, USD, for all model calls. */
  readonly dailyUsd: number;
  /**
   * Share of an ordinary day's traffic in each JST hour (24 numbers summing to 1): the burn rate so far is read
   * against it, so a busy evening ahead is expected, not feared.
   */
  readonly hourlyTrafficShare: readonly number[];
  /**
   * Strong-tier intents the guardian moves to the cheap tier as the projection rises, in this order: the cheapest
   * to lose first. Locked intents (the routing map's) are moved only in emergency, after every other.
   */
  readonly rampOrder: readonly Intent[];
  /** Projected end-of-day spend over the budget at which conserve starts moving the first intent (1 = on budget). */
  readonly conserveAt: number;
  /** Each further step of projected overrun moves one more intent. */
  readonly rampStep: number;
  /** Committed spend (spent + reserved) over the budget at which emergency moves every intent, locked ones too. */
  readonly emergencyAt: number;
  /** Before this share of the day's expected traffic, the projection leans on the plan more than on the burn rate. */
  readonly minElapsedShare: number;
  /** A reservation not settled within this long (a crashed or abandoned request) stops counting. */
  readonly reservationTtlMs: number;
  readonly tokenBudgets: Readonly<Partial<Record<Intent, TokenBudget>>>;
}

const MINUTE = 60_000;

/**
 * A Japanese e-commerce chat day: quiet at night, a lunch bump, the peak 19:00-23:00 JST (seed 001's traffic curve
 * in shape). Index = JST hour.
 */
export const DEFAULT_HOURLY_SHARE: readonly number[] = (() => {
  const weights = [3.0, 2.0, 1.2, 0.8, 0.6, 0.6, 1.0, 2.0, 3.2, 3.8, 4.0, 4.4, 5.2, 5.0, 4.4, 4.2, 4.4, 4.8, 5.6, 6.6, 7.4, 7.6, 6.8, 5.2];
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
})();

export const DEFAULT_BUDGET_CONFIG: BudgetConfig = {
  dailyUsd: 2500,
  hourlyTrafficShare: DEFAULT_HOURLY_SHARE,
  rampOrder: ['summarization', 'translation', 'comparison', 'manga_qa', 'taste_profile', 'complaint', 'recommendation'],
  conserveAt: 0.9,
  rampStep: 0.05,
  emergencyAt: 0.95,
  minElapsedShare: 0.05,
  reservationTtlMs: 2 * MINUTE,
  tokenBudgets: {
    taste_profile: { maxInputTokens: 1200, maxOutputTokens: 800 },
    recommendation: { maxInputTokens: 1000, maxOutputTokens: 800 },
    summarization: { maxInputTokens: 1500, maxOutputTokens: 700 },
    translation: { maxInputTokens: 1500, maxOutputTokens: 1000 },
  },
};
