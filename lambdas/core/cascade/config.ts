import { DEFAULT_ROUTING_MAP, type Intent, type RoutingMap } from '../vocabulary';

/**
 * The confidence cascade's configuration (issue 8, item 4): which strong-tier intents try the cheap model first,
 * the score each must reach to keep the cheap answer, and how much of the answer's deadline must be left to
 * escalate.
 */
export interface CascadeConfig {
  /** The cascade-eligible intents; a locked intent (in the routing map in force) never cascades, listed or not. */
  readonly intents: readonly Intent[];
  /** The confidence a cheap answer needs to be kept, unless `thresholds` names the intent. */
  readonly defaultThreshold: number;
  readonly thresholds: Readonly<Partial<Record<Intent, number>>>;
  /** Escalate only if at least this much of the answer's deadline is left after the cheap call (ms). */
  readonly minTimeLeftMs: number;
}

/**
 * The intents the cascade suits once enabled: strong-tier by default, not locked, and with many questions a cheap
 * model answers well (a comparison of two editions, a plot question with a known answer, a short translation, a
 * summary routed up by complexity), where a hedging or truncated cheap answer is easy to detect. Not complaint or
 * taste_profile (an unhappy customer or a personal analysis should not be a cheap experiment), never recommendation
 * (locked, seed 000 scenario 1).
 */
export const RECOMMENDED_CASCADE_INTENTS: readonly Intent[] = ['comparison', 'manga_qa', 'translation', 'summarization'];

/**
 * The embedded default: the cascade is off (no eligible intent) until configuration lists intents, so the strong
 * tier answers what routing sends it, as before. `RECOMMENDED_CASCADE_INTENTS` is the list to start with.
 */
export const DEFAULT_CASCADE_CONFIG: CascadeConfig = {
  intents: [],
  defaultThreshold: 0.8,
  thresholds: {},
  minTimeLeftMs: 8_000,
};

/** The configuration with `intents` enabled (the recommended ones by default). */
export const cascadeFor = (intents: readonly Intent[] = RECOMMENDED_CASCADE_INTENTS, base: CascadeConfig = DEFAULT_CASCADE_CONFIG): CascadeConfig => ({
  ...base,
  intents,
});

export const thresholdFor = (config: CascadeConfig, intent: Intent): number => config.thresholds[intent] ?? config.defaultThreshold;

/** Problems of a configuration: a locked intent listed, thresholds outside [0, 1], a negative time. Empty when valid. */
export const cascadeConfigProblems = (config: CascadeConfig, map: RoutingMap = DEFAULT_ROUTING_MAP): string[] => {
  const problems: string[] = [];
  for (const intent of config.intents) {
    if (map[intent].locked) problems.push(`intents: ${intent} is locked and can never cascade`);
  }
  const inRange = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 1;
  if (!inRange(config.defaultThreshold)) problems.push('defaultThreshold must be within [0, 1]');
  for (const [intent, value] of Object.entries(config.thresholds)) {
    if (value !== undefined && !inRange(value)) problems.push(`thresholds.${intent} must be within [0, 1]`);
  }
  if (!Number.isFinite(config.minTimeLeftMs) || config.minTimeLeftMs < 0) problems.push('minTimeLeftMs must be a non-negative number');
  return problems;
};

/** What the cascade decision needs of a routing decision. */
export interface CascadeCandidate {
  readonly intent: Intent;
  readonly intents?: readonly Intent[];
  /** The tier routing (after mitigation and the budget) sends the message to. */
  readonly tier: string;
}

/**
 * Whether a message tries the cheap tier first: routed to the strong tier, its intent listed, no intent of the
 * message locked in the routing map in force (a locked recommendation asked with a comparison keeps the strong
 * tier), and no conversation history (a conversation routing kept on the strong tier stays there, and a cheap
 * model's hedge on a follow-up is more often a missing context than a hard question).
 */
export const isCascadeEligible = (config: CascadeConfig, decision: CascadeCandidate, map: RoutingMap, hasHistory: boolean): boolean => {
  if (decision.tier !== 'sonnet' || hasHistory) return false;
  if (!config.intents.includes(decision.intent)) return false;
  const intents = [decision.intent, ...(decision.intents ?? [])];
  return intents.every((intent) => !map[intent].locked && !DEFAULT_ROUTING_MAP[intent].locked);
};
