import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { decideRoute, fallbackChain, mergeRoutingOverrides } from '../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, type Classification, type Intent } from '../../lambdas/core/vocabulary';

const catalog = MODEL_CATALOGS.current;
const classified = (intent: Intent, overrides: Partial<Classification> = {}): Classification => ({
  intent,
  confidence: 0.9,
  complexity: 3,
  signals: [],
  ...overrides,
});

describe('decideRoute', () => {
  it('sends a confident order status question to the template tier with no model', () => {
    const decision = decideRoute(classified('order_status'), DEFAULT_ROUTING_MAP, catalog);

    expect(decision).toMatchObject({ intent: 'order_status', tier: 'template', model: null });
  });

  it('sends recommendations to the strong model from the catalog', () => {
    const decision = decideRoute(classified('recommendation'), DEFAULT_ROUTING_MAP, catalog);

    expect(decision.tier).toBe('sonnet');
    expect(decision.model).toBe(catalog.sonnet.modelId);
    expect(decision.reasons).toContain('map:sonnet:locked');
  });

  it('moves a low-confidence template intent up to the cheap model', () => {
    const decision = decideRoute(classified('greeting', { confidence: 0.2 }), DEFAULT_ROUTING_MAP, catalog);

    expect(decision.tier).toBe('haiku');
    expect(decision.reasons).toContain('low_confidence_template:0.20');
  });

  it('sends a complex summarization to the strong tier and a simple one to the cheap tier', () => {
    expect(decideRoute(classified('summarization', { complexity: 8 }), DEFAULT_ROUTING_MAP, catalog).tier).toBe('sonnet');
    expect(decideRoute(classified('summarization', { complexity: 3 }), DEFAULT_ROUTING_MAP, catalog).tier).toBe('haiku');
  });

  it('answers an intent mapped to the template tier without a template from the cheap model', () => {
    const { map } = mergeRoutingOverrides([{ intent: 'shipping_info', tier: 'template' }]);

    const decision = decideRoute(classified('shipping_info'), map, catalog);

    expect(decision.tier).toBe('haiku');
    expect(decision.reasons).toContain('no_template:shipping_info');
  });

  it('uses the seed profile model ids when given the seed catalog', () => {
    const decision = decideRoute(classified('comparison'), DEFAULT_ROUTING_MAP, MODEL_CATALOGS.seed);

    expect(decision.model).toBe('anthropic.claude-3-sonnet-20240229-v1:0');
  });
});

describe('mergeRoutingOverrides', () => {
  it('applies valid rows over the defaults', () => {
    const { map, rejected } = mergeRoutingOverrides([{ intent: 'manga_qa', tier: 'haiku' }]);

    expect(map.manga_qa).toEqual({ tier: 'haiku', locked: false });
    expect(rejected).toHaveLength(0);
  });

  it('rejects unknown intents, unknown tiers and bad lock flags and keeps the defaults for them', () => {
    const { map, rejected } = mergeRoutingOverrides([
      { intent: 'weather', tier: 'haiku' },
      { intent: 'greeting', tier: 'opus' },
      { intent: 'comparison', tier: 'haiku', locked: 'yes' },
    ]);

    expect(rejected.map((r) => r.reason)).toEqual([
      'unknown intent "weather"',
      'unknown tier "opus" for intent greeting',
      'locked must be a boolean for intent comparison',
    ]);
    expect(map.greeting).toEqual(DEFAULT_ROUTING_MAP.greeting);
    expect(map.comparison).toEqual(DEFAULT_ROUTING_MAP.comparison);
  });

  it('refuses a bare row that lowers or unlocks a locked intent (seed 000 scenario 1)', () => {
    expect(DEFAULT_ROUTING_MAP.recommendation).toEqual({ tier: 'sonnet', locked: true });
    const { map, rejected } = mergeRoutingOverrides([
      { intent: 'recommendation', tier: 'haiku' },
      { intent: 'recommendation', tier: 'sonnet', locked: false },
      { intent: 'recommendation', tier: 'haiku', unlock: true },
      { intent: 'recommendation', tier: 'haiku', unlock: true, reason: '   ' },
    ]);

    expect(rejected).toHaveLength(4);
    expect(rejected.every((r) => r.reason.startsWith('intent recommendation is locked'))).toBe(true);
    expect(map.recommendation).toEqual({ tier: 'sonnet', locked: true });
  });

  it('applies a row that lowers a locked intent when it says unlock and why, and a row that keeps the lock', () => {
    const unlocked = mergeRoutingOverrides([{ intent: 'recommendation', tier: 'haiku', unlock: true, reason: 'INC-42: Sonnet outage' }]);
    expect(unlocked.rejected).toHaveLength(0);
    expect(unlocked.map.recommendation).toEqual({ tier: 'haiku', locked: true });

    const kept = mergeRoutingOverrides([{ intent: 'recommendation', tier: 'sonnet', locked: true }]);
    expect(kept.rejected).toHaveLength(0);
    expect(kept.map.recommendation).toEqual({ tier: 'sonnet', locked: true });
  });
});

describe('fallbackChain', () => {
  it('falls back from the strong tier to the cheap tier and never upwards', () => {
    expect(fallbackChain('sonnet')).toEqual(['sonnet', 'haiku']);
    expect(fallbackChain('haiku')).toEqual(['haiku']);
  });
});
