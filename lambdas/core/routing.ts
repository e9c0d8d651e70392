import type { ModelCatalog } from './catalog';
import type { ExperimentTag } from './experiments/route';
import { isTemplateIntent } from './templates';
import {
  DEFAULT_ROUTING_MAP,
  isIntent,
  isTier,
  tierRank,
  type Classification,
  type Intent,
  type ModelTier,
  type RoutingMap,
  type RoutingRule,
  type Tier,
} from './vocabulary';

/** The decision the `route` frame reports and the `invoke` path executes. */
export interface RouteDecision {
  readonly intent: Intent;
  readonly tier: Tier;
  /** The Bedrock model id for model tiers; null for the template tier. */
  readonly model: string | null;
  readonly complexity: number;
  readonly confidence: number;
  readonly reasons: readonly string[];
  /** All the intents of a multi-intent message, the classifier's primary first; absent for a single intent. */
  readonly intents?: readonly Intent[];
  /** The running experiment of the intent and the principal's arm (lambdas/core/experiments/route.ts); absent outside one. */
  readonly experiment?: ExperimentTag;
}

export interface RoutingPolicyOptions {
  /** Below this confidence a template intent goes to the cheap model instead: a wrong canned reply is useless. */
  readonly minTemplateConfidence: number;
  /** At or above this complexity a summarization goes to the strong tier (DESIGN section 4). */
  readonly strongSummaryComplexity: number;
}

export const DEFAULT_ROUTING_POLICY: RoutingPolicyOptions = { minTemplateConfidence: 0.5, strongSummaryComplexity: 7 };

/** One row of the routing table as stored; validated before it can change a route. */
export interface RoutingOverride {
  readonly intent: unknown;
  readonly tier: unknown;
  readonly locked?: unknown;
  /** Required (true) on a row that lowers or unlocks a locked intent, with `reason`: a lock is not moved by accident. */
  readonly unlock?: unknown;
  readonly reason?: unknown;
}

export interface MergedRoutingMap {
  readonly map: RoutingMap;
  /** Rows that were ignored, with why: bad config never changes a route, and is reported. */
  readonly rejected: readonly { readonly row: RoutingOverride; readonly reason: string }[];
}

/** Applies the routing table's rows over the embedded defaults. Invalid rows are rejected, never half-applied. */
export const mergeRoutingOverrides = (
  overrides: readonly RoutingOverride[],
  defaults: RoutingMap = DEFAULT_ROUTING_MAP,
): MergedRoutingMap => {
  const map: Record<Intent, RoutingRule> = { ...defaults };
  const rejected: { row: RoutingOverride; reason: string }[] = [];
  for (const row of overrides) {
    if (!isIntent(row.intent)) {
      rejected.push({ row, reason: `unknown intent ${JSON.stringify(row.intent)}` });
    } else if (!isTier(row.tier)) {
      rejected.push({ row, reason: `unknown tier ${JSON.stringify(row.tier)} for intent ${row.intent}` });
    } else if (row.locked !== undefined && typeof row.locked !== 'boolean') {
      rejected.push({ row, reason: `locked must be a boolean for intent ${row.intent}` });
    } else if (movesLock(defaults[row.intent], row.tier, row.locked) && !(row.unlock === true && isReason(row.reason))) {
      // Seed 000 scenario 1: recommendations moved to the cheap tier "experimentally" by a bare row. A locked
      // intent is lowered or unlocked only by a row that says so and why.
      rejected.push({ row, reason: `intent ${row.intent} is locked: a row that lowers or unlocks it needs "unlock": true and a "reason"` });
    } else {
      map[row.intent] = { tier: row.tier, locked: row.locked ?? defaults[row.intent].locked };
    }
  }
  return { map, rejected };
};

const movesLock = (rule: RoutingRule, tier: Tier, locked: boolean | undefined): boolean =>
  rule.locked && (tierRank(tier) < tierRank(rule.tier) || locked === false);

const isReason = (reason: unknown): boolean => typeof reason === 'string' && reason.trim().length > 0;

/** The tier one intent of a message needs under the policy, with the reasons it moved from its map row. */
const intentTier = (
  intent: Intent,
  classification: Classification,
  map: RoutingMap,
  options: RoutingPolicyOptions,
): { readonly tier: Tier; readonly reasons: readonly string[] } => {
  const { confidence, complexity } = classification;
  const reasons: string[] = [];
  let tier: Tier = map[intent].tier;
  if (tier === 'template' && !isTemplateIntent(intent)) {
    // An operator mapped an intent to the template tier that has no template: the cheap model answers instead.
    tier = 'haiku';
    reasons.push(`no_template:${intent}`);
  } else if (tier === 'template' && confidence < options.minTemplateConfidence) {
    tier = 'haiku';
    reasons.push(`low_confidence_template:${confidence.toFixed(2)}`);
  }
  if (intent === 'summarization' && tier === 'haiku' && complexity >= options.strongSummaryComplexity) {
    tier = 'sonnet';
    reasons.push(`complex_summary:${complexity}`);
  }
  return { tier, reasons };
};

/**
 * The routing policy: a pure function of the classification, the routing map and the model catalog.
 * Replaceable as a whole by a later, smarter policy.
 *
 * A multi-intent message (`classification.intents`) goes to the highest tier any of its intents needs, each judged
 * by the same policy; the template tier only when every intent is answered there, since one template reply cannot
 * answer a second question. The decision's intent is the one that set the tier (the classifier's primary intent on
 * a tie): its routing row (locked or not), token budget and cacheability then govern the answer, so a locked
 * recommendation asked after an order question is never demoted as an order question would be. Reasons:
 * `multi_intent:<a>+<b>` (the classifier's order), and `tier_from:<intent>` when a further intent set the tier.
 */
export const decideRoute = (
  classification: Classification,
  map: RoutingMap,
  catalog: ModelCatalog,
  options: RoutingPolicyOptions = DEFAULT_ROUTING_POLICY,
): RouteDecision => {
  const { confidence, complexity } = classification;
  const intents = [...new Set<Intent>([classification.intent, ...(classification.intents ?? [])])];
  let intent = classification.intent;
  let judged = intentTier(intent, classification, map, options);
  const moved = [...judged.reasons];
  for (const other of intents.slice(1)) {
    const candidate = intentTier(other, classification, map, options);
    moved.push(...candidate.reasons);
    if (tierRank(candidate.tier) > tierRank(judged.tier)) {
      intent = other;
      judged = candidate;
    }
  }
  const rule = map[intent];
  const reasons = [`intent:${intent}`, `map:${rule.tier}${rule.locked ? ':locked' : ''}`, ...classification.signals];
  if (intents.length > 1) {
    reasons.push(`multi_intent:${intents.join('+')}`);
    if (intent !== classification.intent) reasons.push(`tier_from:${intent}`);
  }
  reasons.push(...new Set(moved));
  const tier = judged.tier;
  const decision: RouteDecision = { intent, tier, model: modelFor(tier, catalog), complexity, confidence, reasons };
  return intents.length > 1 ? { ...decision, intents } : decision;
};

export const modelFor = (tier: Tier, catalog: ModelCatalog): string | null =>
  tier === 'template' ? null : catalog[tier].modelId;

/**
 * The tiers to try, in order, when a model call fails before any text reached the client. Falls back to the
 * cheaper model only: never to a more expensive one (a paid fallback is how spend leaks).
 */
export const fallbackChain = (tier: ModelTier): readonly ModelTier[] => {
  switch (tier) {
    case 'sonnet':
      return ['sonnet', 'haiku'];
    case 'haiku':
      return ['haiku'];
  }
};
