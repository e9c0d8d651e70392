import type { Intent, ModelTier } from '../vocabulary';

/**
 * Capacity configuration: what the planner and the reconciler work from. All of it is configuration, not code:
 * what one model unit delivers and costs is not published by AWS, and the schedule is the store's traffic shape.
 */

/** A time-of-day window in JST. Windows cover the whole day; `to` may be past midnight (`17:00`-`02:00`). */
export interface ScheduleWindow {
  readonly name: string;
  /** `HH:MM` JST, inclusive. */
  readonly from: string;
  /** `HH:MM` JST, exclusive. */
  readonly to: string;
  /** Expected model tokens per second (input + output) in this window on an ordinary day. */
  readonly expectedTps: Readonly<Record<ModelTier, number>>;
}

export interface TierCapacity {
  /** Tokens per second one model unit sustains (configuration: AWS does not publish it). */
  readonly unitTokensPerSecond: number;
  /** What one no-commitment model unit costs per hour. */
  readonly unitHourlyUsd: number;
  /** Units are sized so expected traffic uses this share of them; the rest is headroom for bursts. */
  readonly targetUtilization: number;
  /** Share of tokens that are input tokens: blends the catalog's input and output prices into one on-demand price. */
  readonly inputTokenShare: number;
  /** Committed model units: a floor that is always provisioned and never deleted. */
  readonly committedUnits: number;
  /** Never plan more units than this (the account's granted model units). */
  readonly maxUnits: number;
}

export interface MitigationConfig {
  /** The answer cache's TTL while mitigation is on (the normal TTL is an hour). */
  readonly cacheTtlSeconds: number;
  /** Intents moved from the strong tier to the cheap one while mitigation is on (greeting-like, FAQ-like). */
  readonly demoteIntents: readonly Intent[];
  /** Throttled share of model calls over `windowMs` that switches mitigation on by itself. */
  readonly throttleRateThreshold: number;
  /** ...counted only once at least this many calls were made in the window (a few throttles are noise). */
  readonly minCallsInWindow: number;
  readonly windowMs: number;
  /** How long automatic mitigation lasts; it reverts by itself at its expiry. */
  readonly autoDurationMs: number;
}

export interface ScaleUpConfig {
  /** Extra units one scale-up request adds: this share of the current plan, at least one unit. */
  readonly stepShare: number;
  /** How long a scale-up lasts before the schedule alone decides again. */
  readonly durationMs: number;
}

export interface CapacityConfig {
  readonly windows: readonly ScheduleWindow[];
  readonly tiers: Readonly<Record<ModelTier, TierCapacity>>;
  /**
   * How long before a change of plan the reconciler starts it: creating provisioned throughput takes minutes
   * (the seeds saw 10-15), so capacity for 17:00 is requested at 17:00 minus this.
   */
  readonly provisioningLeadMs: number;
  /** After a switch, the old throughput keeps serving in-flight calls this long before it is deleted. */
  readonly drainMs: number;
  /** Names of the provisioned throughputs this deployment manages start with it (`<prefix>-<tier>-...`). */
  readonly namePrefix: string;
  readonly mitigation: MitigationConfig;
  readonly scaleUp: ScaleUpConfig;
  /**
   * Planned tokens (input + output) per request by intent (seed 003 scenario 5: a feature planned at 800 used
   * 3,200). A request above its intent's plan is counted, so a planning miss shows the day it ships.
   */
  readonly tokenPlan: Readonly<Partial<Record<Intent, number>>>;
}

const MINUTE = 60_000;

/**
 * Seed 003 scenario 2's schedule. Expected TPS per window is chosen so the sizing rule reproduces the seed's
 * table (sonnet 5 / 8 / 15 units, haiku 3 / 3 / 5, 1,000 TPS per sonnet unit and 2,000 per haiku unit at 80%
 * utilisation) and its overnight traffic (about 1,500 TPS in all) falls below break-even: zero units.
 */
export const DEFAULT_SCHEDULE: readonly ScheduleWindow[] = [
  { name: 'overnight', from: '02:00', to: '06:00', expectedTps: { haiku: 500, sonnet: 1000 } },
  { name: 'morning', from: '06:00', to: '12:00', expectedTps: { haiku: 4800, sonnet: 4000 } },
  { name: 'afternoon', from: '12:00', to: '17:00', expectedTps: { haiku: 4800, sonnet: 6400 } },
  { name: 'evening', from: '17:00', to: '02:00', expectedTps: { haiku: 8000, sonnet: 12000 } },
];

export const DEFAULT_CAPACITY_CONFIG: CapacityConfig = {
  windows: DEFAULT_SCHEDULE,
  tiers: {
    // Prices are placeholders chosen to make the seed's schedule come out: replace them with the account's quote.
    haiku: { unitTokensPerSecond: 2000, unitHourlyUsd: 8, targetUtilization: 0.8, inputTokenShare: 0.8, committedUnits: 0, maxUnits: 10 },
    sonnet: { unitTokensPerSecond: 1000, unitHourlyUsd: 14, targetUtilization: 0.8, inputTokenShare: 0.8, committedUnits: 0, maxUnits: 30 },
  },
  provisioningLeadMs: 30 * MINUTE,
  drainMs: 5 * MINUTE,
  namePrefix: 'mangaassist',
  mitigation: {
    cacheTtlSeconds: 4 * 3600,
    demoteIntents: ['greeting', 'chitchat', 'shipping_info', 'store_policy', 'returns_refunds', 'payment', 'account', 'order_change', 'price_inquiry', 'product_search', 'unknown'],
    throttleRateThreshold: 0.05,
    minCallsInWindow: 20,
    windowMs: MINUTE,
    autoDurationMs: 30 * MINUTE,
  },
  scaleUp: { stepShare: 0.25, durationMs: 60 * MINUTE },
  tokenPlan: { taste_profile: 800, recommendation: 1200, manga_qa: 1400, comparison: 1400, translation: 1400, complaint: 1200, summarization: 1400 },
};

/** Whether a request's tokens exceed its intent's plan; intents without a plan never do. */
export const exceedsTokenPlan = (config: Pick<CapacityConfig, 'tokenPlan'>, intent: Intent, tokens: number): boolean => {
  const plan = config.tokenPlan[intent];
  return plan !== undefined && tokens > plan;
};
