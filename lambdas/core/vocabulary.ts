/**
 * The closed vocabularies of the gateway (DESIGN section 4). Everything that switches on an intent or a tier
 * uses these unions so the compiler checks exhaustiveness.
 */

export const TIERS = ['template', 'haiku', 'sonnet'] as const;
export type Tier = (typeof TIERS)[number];
export type ModelTier = Exclude<Tier, 'template'>;

const TIER_RANK: Record<Tier, number> = { template: 0, haiku: 1, sonnet: 2 };

export const tierRank = (tier: Tier): number => TIER_RANK[tier];
export const isTier = (value: unknown): value is Tier => typeof value === 'string' && (TIERS as readonly string[]).includes(value);
export const isModelTier = (tier: Tier): tier is ModelTier => tier !== 'template';

export const INTENTS = [
  'greeting',
  'order_status',
  'escalation',
  'chitchat',
  'shipping_info',
  'order_change',
  'returns_refunds',
  'payment',
  'account',
  'store_policy',
  'product_search',
  'price_inquiry',
  'manga_review',
  'summarization',
  'unknown',
  'recommendation',
  'comparison',
  'manga_qa',
  'translation',
  'complaint',
  'taste_profile',
] as const;
export type Intent = (typeof INTENTS)[number];

export const isIntent = (value: unknown): value is Intent =>
  typeof value === 'string' && (INTENTS as readonly string[]).includes(value);

export interface RoutingRule {
  readonly tier: Tier;
  /** Locked intents cannot be moved to a cheaper tier by automation (seed 000, scenario 1). */
  readonly locked: boolean;
}

export type RoutingMap = Readonly<Record<Intent, RoutingRule>>;

const rule = (tier: Tier, locked = false): RoutingRule => ({ tier, locked });

/** The embedded default routing map: DESIGN section 4. The routing table in DynamoDB overrides entries. */
export const DEFAULT_ROUTING_MAP: RoutingMap = {
  greeting: rule('template'),
  order_status: rule('template'),
  escalation: rule('template'),
  chitchat: rule('haiku'),
  shipping_info: rule('haiku'),
  order_change: rule('haiku'),
  returns_refunds: rule('haiku'),
  payment: rule('haiku'),
  account: rule('haiku'),
  store_policy: rule('haiku'),
  product_search: rule('haiku'),
  price_inquiry: rule('haiku'),
  manga_review: rule('haiku'),
  summarization: rule('haiku'),
  unknown: rule('haiku'),
  recommendation: rule('sonnet', true),
  comparison: rule('sonnet'),
  manga_qa: rule('sonnet'),
  translation: rule('sonnet'),
  complaint: rule('sonnet'),
  taste_profile: rule('sonnet'),
};

/** What an intent classifier returns. `complexity` is 1-10, `confidence` 0-1. */
export interface Classification {
  readonly intent: Intent;
  readonly confidence: number;
  readonly complexity: number;
  /** Short machine-readable notes on why (matched rules), surfaced in the `route` frame's reasons. */
  readonly signals: readonly string[];
  /**
   * Every intent the message asks with enough evidence, `intent` first, when there is more than one ("where is
   * order 12345 and can you recommend something like Berserk?": order_status, recommendation). Absent for a
   * single-intent message. Routing sends the message to the highest tier any of them needs.
   */
  readonly intents?: readonly Intent[];
}

/** The replaceable classifier seam: a later issue swaps in a better one without touching the handlers. */
export interface IntentClassifier {
  classify(text: string): Classification;
}
