import { costUsd, MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { detectLanguage, estimateTokens } from '../../lambdas/core/language';
import { budgetDay, isCacheable, isCacheableDecision, normalizeForCache } from '../../lambdas/core/spend';
import { renderTemplateReply } from '../../lambdas/core/templates';

describe('renderTemplateReply', () => {
  const order = { orderId: '12345', customerId: 'cust-1', status: 'shipped', items: ['ONE PIECE 107'], carrier: 'Yamato', trackingNumber: 'T-1', eta: '2026-11-25' };

  it('states the status, carrier and tracking number of a found order in English', () => {
    const text = renderTemplateReply({ kind: 'order_status', language: 'en', orderId: '12345', order });

    expect(text).toContain('Order 12345');
    expect(text).toContain('shipped');
    expect(text).toContain('T-1');
  });

  it('states the status in Japanese for a Japanese question', () => {
    const text = renderTemplateReply({ kind: 'order_status', language: 'ja', orderId: '12345', order });

    expect(text).toContain('発送済み');
  });

  it('asks for the order number when there is none', () => {
    expect(renderTemplateReply({ kind: 'order_status', language: 'en' })).toContain('order number');
  });

  it('says when an order number is not found', () => {
    expect(renderTemplateReply({ kind: 'order_status', language: 'en', orderId: '404' })).toContain('could not find an order with number 404');
  });
});

describe('cost and accounting helpers', () => {
  it('prices a seed-profile Sonnet call at $3 / $15 per million tokens', () => {
    expect(costUsd(MODEL_CATALOGS.seed.sonnet, { inputTokens: 600, outputTokens: 400 })).toBeCloseTo(0.0078, 6);
  });

  it('prices a seed-profile Haiku call at $0.25 / $1.25 per million tokens', () => {
    expect(costUsd(MODEL_CATALOGS.seed.haiku, { inputTokens: 300, outputTokens: 150 })).toBeCloseTo(0.0002625, 7);
  });

  it('starts the budget day at midnight in Japan', () => {
    expect(budgetDay(Date.UTC(2026, 10, 22, 14, 59))).toBe('2026-11-22');
    expect(budgetDay(Date.UTC(2026, 10, 22, 15, 0))).toBe('2026-11-23');
  });

  it('caches policy answers but never recommendations', () => {
    expect(isCacheable('shipping_info')).toBe(true);
    expect(isCacheable('recommendation')).toBe(false);
  });

  it('normalizes width, case and trailing punctuation for cache keys', () => {
    expect(normalizeForCache('Ｗhat   is the RETURN policy？')).toBe(normalizeForCache('what is the return policy'));
  });

  it('detects Japanese and counts Japanese characters as about one token each', () => {
    expect(detectLanguage('注文番号12345はどこ')).toBe('ja');
    expect(detectLanguage('where is my order')).toBe('en');
    expect(estimateTokens('あいうえお')).toBe(5);
    expect(estimateTokens('abcdefgh')).toBe(2);
  });
});

describe('isCacheableDecision', () => {
  it('caches a message only if every one of its intents may be cached', () => {
    expect(isCacheableDecision({ intent: 'shipping_info' })).toBe(true);
    expect(isCacheableDecision({ intent: 'shipping_info', intents: ['shipping_info', 'payment'] })).toBe(true);
    expect(isCacheableDecision({ intent: 'shipping_info', intents: ['shipping_info', 'recommendation'] })).toBe(false);
    expect(isCacheableDecision({ intent: 'recommendation' })).toBe(false);
  });
});
