import { AuditInputError, auditUnmapped, trafficFromDatapoints, type TrafficWindow } from '../../../lambdas/core/audit/unmapped';
import { DEFAULT_ROUTING_MAP } from '../../../lambdas/core/vocabulary';

const MAPPED = Object.keys(DEFAULT_ROUTING_MAP);

/** Seed 000 scenario 5 in miniature: manga_review unmapped on sonnet, some unknown on haiku, mapped traffic around it. */
const week = (): TrafficWindow => ({
  answers: [
    { label: 'order_status', tier: 'template', requests: 5000 },
    { label: 'shipping_info', tier: 'haiku', requests: 3000 },
    { label: 'recommendation', tier: 'sonnet', requests: 1000 },
    { label: 'manga_review_v2', tier: 'sonnet', requests: 800 },
    { label: 'unknown', tier: 'haiku', requests: 200 },
  ],
  tierCostUsd: { haiku: 32, sonnet: 180 },
});

describe('auditUnmapped', () => {
  it('lists a label the routing map does not name, with its volume, share and cost, costliest first', () => {
    // Act
    const audit = auditUnmapped(week(), MAPPED);

    // Assess
    expect(audit.unmapped.map((label) => label.label)).toEqual(['manga_review_v2', 'unknown']);
    expect(audit.unmapped[0]).toEqual({
      label: 'manga_review_v2',
      reason: 'not_in_map',
      requests: 800,
      share: 800 / 10_000,
      // sonnet: $180 over 1,800 answers = $0.10 each
      costUsd: 80,
      requestsByTier: { sonnet: 800 },
    });
  });

  it('counts the catch-all label as unmapped although the map has its row', () => {
    // Act
    const audit = auditUnmapped(week(), MAPPED);

    // Assess
    // haiku: $32 over 3,200 answers = $0.01 each
    expect(audit.unmapped[1]).toMatchObject({ label: 'unknown', reason: 'catch_all', requests: 200, costUsd: 2 });
    expect(audit).toMatchObject({ totalRequests: 10_000, totalCostUsd: 212, unmappedRequests: 1000, unmappedCostUsd: 82 });
  });

  it('reports nothing when every label is mapped and no message fell to the catch-all', () => {
    // Prepare
    const traffic: TrafficWindow = { answers: [{ label: 'greeting', tier: 'template', requests: 10 }], tierCostUsd: {} };

    // Act
    const audit = auditUnmapped(traffic, MAPPED);

    // Assess
    expect(audit).toEqual({ totalRequests: 10, totalCostUsd: 0, unmapped: [], unmappedRequests: 0, unmappedCostUsd: 0 });
  });

  it('adds up a label seen on several tiers and in several rows, and prices each tier at its own rate', () => {
    // Prepare
    const traffic: TrafficWindow = {
      answers: [
        { label: 'fan_fiction', tier: 'sonnet', requests: 10 },
        { label: 'fan_fiction', tier: 'haiku', requests: 30 },
        { label: 'fan_fiction', tier: 'sonnet', requests: 10 },
        { label: 'comparison', tier: 'sonnet', requests: 80 },
      ],
      tierCostUsd: { sonnet: 10, haiku: 0.3 },
    };

    // Act
    const [label] = auditUnmapped(traffic, MAPPED).unmapped;

    // Assess
    expect(label).toMatchObject({ label: 'fan_fiction', requests: 50, requestsByTier: { haiku: 30, sonnet: 20 }, costUsd: 2.3 });
  });

  it('orders equal costs by volume, then by name', () => {
    // Prepare
    const traffic: TrafficWindow = {
      answers: [
        { label: 'b_label', tier: 'template', requests: 5 },
        { label: 'a_label', tier: 'template', requests: 5 },
        { label: 'c_label', tier: 'template', requests: 9 },
      ],
      tierCostUsd: {},
    };

    // Act
    const labels = auditUnmapped(traffic, MAPPED).unmapped.map((label) => label.label);

    // Assess
    expect(labels).toEqual(['c_label', 'a_label', 'b_label']);
  });

  it('leaves out a label with no answers in the window', () => {
    // Act
    const audit = auditUnmapped({ answers: [{ label: 'ghost', tier: 'haiku', requests: 0 }], tierCostUsd: {} }, MAPPED);

    // Assess
    expect(audit.unmapped).toEqual([]);
  });

  it.each([
    [{ answers: [{ label: 'x', tier: 'opus', requests: 1 }], tierCostUsd: {} }, /unknown tier "opus"/],
    [{ answers: [{ label: 'x', tier: 'haiku', requests: -1 }], tierCostUsd: {} }, /requests of x on haiku must be a finite number >= 0/],
    [{ answers: [{ label: 'x', tier: 'haiku', requests: Number.NaN }], tierCostUsd: {} }, /must be a finite number/],
    [{ answers: [], tierCostUsd: { sonnet: Number.POSITIVE_INFINITY } }, /the cost of the sonnet tier/],
    [{ answers: [{ label: '', tier: 'haiku', requests: 1 }], tierCostUsd: {} }, /label must not be empty/],
  ])('refuses input it cannot count (%#) with a clear AuditInputError', (traffic, message) => {
    // Assess
    expect(() => auditUnmapped(traffic as TrafficWindow, MAPPED)).toThrow(AuditInputError);
    expect(() => auditUnmapped(traffic as TrafficWindow, MAPPED)).toThrow(message);
  });
});

describe('trafficFromDatapoints', () => {
  it('sums Requests per label and tier and ModelCostMicroUsd per tier in USD, ignoring other metrics', () => {
    // Act
    const traffic = trafficFromDatapoints([
      { name: 'Requests', value: 1, dimensions: { Intent: 'unknown', Tier: 'haiku' } },
      { name: 'Requests', value: 1, dimensions: { Intent: 'unknown', Tier: 'haiku' } },
      { name: 'Requests', value: 1, dimensions: { Intent: 'greeting', Tier: 'template' } },
      { name: 'ModelCostMicroUsd', value: 1500, dimensions: { Tier: 'haiku' } },
      { name: 'ModelCostMicroUsd', value: 500, dimensions: { Tier: 'haiku' } },
      { name: 'RequestLatency', value: 900, dimensions: { Tier: 'haiku' } },
      { name: 'Requests', value: 1, dimensions: { Tier: 'haiku' } },
    ]);

    // Assess
    expect(traffic).toEqual({
      answers: [
        { label: 'unknown', tier: 'haiku', requests: 2 },
        { label: 'greeting', tier: 'template', requests: 1 },
      ],
      tierCostUsd: { haiku: 0.002 },
    });
  });
});
