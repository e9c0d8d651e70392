import type { ModelCatalog } from './catalog';
import { isTemplateIntent } from './templates';
import {
  DEFAULT_ROUTING_MAP,
  isIntent,
  isTier,
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
    } else {
      map[row.intent] = { tier: row.tier, locked: row.locked ?? defaults[row.intent].locked };
    }
  }
  return { map, rejected };
};

/**
 * The routing policy: a pure function of the classification, the routing map and the model catalog.
 * Replaceable as a whole by a later, smarter policy.
 */
export const decideRoute = (
  classification: Classification,
  map: RoutingMap,
  catalog: ModelCatalog,
  options: RoutingPolicyOptions = DEFAULT_ROUTING_POLICY,
): RouteDecision => {
  const { intent, confidence, complexity } = classification;
  const rule = map[intent];
  const reasons = [`intent:${intent}`, `map:${rule.tier}${rule.locked ? ':locked' : ''}`, ...classification.signals];
  let tier: Tier = rule.tier;
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
  return { intent, tier, model: modelFor(tier, catalog), complexity, confidence, reasons };
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
