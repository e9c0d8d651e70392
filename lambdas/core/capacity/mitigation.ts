import type { RoutingMap, Tier } from '../vocabulary';
import type { RouteDecision } from '../routing';
import type { MitigationConfig } from './config';

/**
 * Throttle mitigation (seed 003 scenario 1, steps 4-5): for a limited time the answer cache keeps answers longer
 * and FAQ-like intents leave the strong tier, so fewer and cheaper calls reach a throttled model. It ends by itself
 * at `until`; an operator can end it sooner.
 */
export interface MitigationState {
  /** Epoch ms; mitigation is on while now < until. */
  readonly until: number;
  readonly reason: string;
  /** `operator:<name>` or `auto:throttle-rate`. */
  readonly setBy: string;
  readonly startedAt: number;
}

export const isMitigationActive = (state: MitigationState | undefined, now: number): state is MitigationState =>
  state !== undefined && now < state.until;

/**
 * The decision with mitigation applied: a demotable intent on the strong tier moves to the cheap one, with a reason.
 * Locked intents are never moved by automation (seed 000 scenario 1).
 */
export const applyMitigation = (
  decision: RouteDecision,
  map: RoutingMap,
  config: MitigationConfig,
  model: (tier: Tier) => string | null,
): RouteDecision => {
  if (decision.tier !== 'sonnet' || map[decision.intent].locked || !config.demoteIntents.includes(decision.intent)) return decision;
  const tier: Tier = 'haiku';
  return { ...decision, tier, model: model(tier), reasons: [...decision.reasons, 'mitigation:demoted_to_haiku'] };
};

/** The answer cache TTL: longer while mitigation is on, never shorter than normal. */
export const cacheTtlSeconds = (normalSeconds: number, mitigation: MitigationState | undefined, config: MitigationConfig, now: number): number =>
  isMitigationActive(mitigation, now) ? Math.max(normalSeconds, config.cacheTtlSeconds) : normalSeconds;

/**
 * Counts model calls and throttles over a sliding window (one per warm container) and says when the throttled share
 * crosses the threshold. Pure state: the clock's readings are passed in.
 */
export class ThrottleWatch {
  private readonly calls: { at: number; throttled: boolean }[] = [];

  constructor(private readonly config: Pick<MitigationConfig, 'throttleRateThreshold' | 'minCallsInWindow' | 'windowMs'>) {}

  record(at: number, throttled: boolean): void {
    this.calls.push({ at, throttled });
    this.prune(at);
  }

  /** The throttled share over the window, or undefined while too few calls were seen to judge. */
  rate(now: number): number | undefined {
    this.prune(now);
    if (this.calls.length < this.config.minCallsInWindow) return undefined;
    return this.calls.filter((call) => call.throttled).length / this.calls.length;
  }

  shouldMitigate(now: number): boolean {
    const rate = this.rate(now);
    return rate !== undefined && rate >= this.config.throttleRateThreshold;
  }

  private prune(now: number): void {
    while (this.calls.length > 0 && (this.calls[0]?.at ?? now) <= now - this.config.windowMs) this.calls.shift();
  }
}
