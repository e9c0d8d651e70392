import { templateAnswer } from '../../lambdas/app/answer/template';
import { FaqSource } from '../../lambdas/app/faq-source';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { applyFaq, DEFAULT_FAQ, matchFaq, type FaqEntry, type FaqStore, type FaqTableListing } from '../../lambdas/core/faq';
import { decideRoute, type RouteDecision } from '../../lambdas/core/routing';
import { renderTemplateReply } from '../../lambdas/core/templates';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import type { Clock, Log, OrderStore } from '../../lambdas/ports';

const GIFT_CARDS: FaqEntry = {
  id: 'gift-cards',
  intent: 'store_policy',
  patterns: ['Do you sell gift cards?', 'ギフトカードはありますか'],
  answer: { en: 'Yes: gift cards from ¥1,000.', ja: 'はい、1,000円からのギフトカードがございます。' },
};

const PAYMENT = DEFAULT_FAQ.find((entry) => entry.id === 'payment-methods') as FaqEntry;

class TestClock implements Clock {
  current = 0;
  now(): number {
    return this.current;
  }
}

class TestLog implements Log {
  readonly entries: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(extra && { extra }) });
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(extra && { extra }) });
  }
}

/** A FAQ table whose listing the test sets, counting reads; `fail` makes the next reads throw. */
class TestFaqStore implements FaqStore {
  reads = 0;
  fail = false;
  constructor(public listing: FaqTableListing = { entries: [], disabled: [], rejected: [] }) {}
  async listWithProblems(): Promise<FaqTableListing> {
    this.reads += 1;
    await Promise.resolve();
    if (this.fail) throw new Error('table unreadable');
    return this.listing;
  }
}

const noOrders: OrderStore = { getOrderFor: async () => undefined };
const request = (message: string) => ({ connectionId: 'c1', requestId: 'r1', message, receivedAt: 0 });
const routed = (message: string, entries: readonly FaqEntry[] = DEFAULT_FAQ): RouteDecision => {
  const classified = decideRoute({ intent: 'payment', confidence: 0.8, complexity: 2, signals: [] }, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current);
  return applyFaq(classified, matchFaq(message, entries));
};

describe('renderTemplateReply for a FAQ answer', () => {
  it('renders the entry answer in English and in Japanese', () => {
    expect(renderTemplateReply({ kind: 'faq', language: 'en', entry: PAYMENT })).toBe(PAYMENT.answer.en);
    expect(renderTemplateReply({ kind: 'faq', language: 'ja', entry: PAYMENT })).toBe(PAYMENT.answer.ja);
    expect(PAYMENT.answer.ja).toMatch(/クレジットカード/u);
  });

  it('says it cannot show the answer, in the message language, when the entry is gone', () => {
    expect(renderTemplateReply({ kind: 'faq', language: 'en' })).toMatch(/cannot show that answer/u);
    expect(renderTemplateReply({ kind: 'faq', language: 'ja' })).toMatch(/ご案内できません/u);
  });
});

describe('templateAnswer for a FAQ decision', () => {
  it('answers a routed FAQ question from the embedded FAQ in its language, at no cost', async () => {
    const en = await templateAnswer({ orders: noOrders }, request('What payment methods do you accept?'), routed('What payment methods do you accept?'), 'en');
    const ja = await templateAnswer({ orders: noOrders }, request('お支払い方法を教えてください'), routed('お支払い方法を教えてください'), 'ja');

    expect(en).toEqual({ chunk: PAYMENT.answer.en, tier: 'template', model: null, target: null, cacheHit: false, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(ja.chunk).toBe(PAYMENT.answer.ja);
  });

  it('answers from the FAQ in force when given one (a table entry)', async () => {
    const entries = [...DEFAULT_FAQ, GIFT_CARDS];
    const decision = applyFaq(
      decideRoute({ intent: 'store_policy', confidence: 0.8, complexity: 2, signals: [] }, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current),
      matchFaq('do you sell gift cards', entries),
    );

    const answer = await templateAnswer({ orders: noOrders, faq: { get: async () => entries } }, request('do you sell gift cards'), decision, 'en');

    expect(answer.chunk).toBe(GIFT_CARDS.answer.en);
  });

  it('falls back to what the message matches when the entry id is gone, and to an apology when nothing does', async () => {
    const decision = routed('What payment methods do you accept?');
    const renamed = DEFAULT_FAQ.map((entry) => (entry.id === 'payment-methods' ? { ...entry, id: 'ways-to-pay' } : entry));
    const removed = DEFAULT_FAQ.filter((entry) => entry.id !== 'payment-methods');

    const found = await templateAnswer({ orders: noOrders, faq: { get: async () => renamed } }, request('What payment methods do you accept?'), decision, 'en');
    const gone = await templateAnswer({ orders: noOrders, faq: { get: async () => removed } }, request('What payment methods do you accept?'), decision, 'en');

    expect(found.chunk).toBe(PAYMENT.answer.en);
    expect(gone.chunk).toMatch(/cannot show that answer/u);
  });

  it('still answers greetings and order lookups as before', async () => {
    const greeting = decideRoute({ intent: 'greeting', confidence: 0.9, complexity: 1, signals: [] }, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current);

    const answer = await templateAnswer({ orders: noOrders }, request('hello'), greeting, 'en');

    expect(answer.chunk).toMatch(/^Hello!/u);
  });
});

describe('FaqSource', () => {
  it('serves the embedded FAQ extended by the table, and logs the rows it skipped', async () => {
    const store = new TestFaqStore({ entries: [GIFT_CARDS], disabled: ['points'], rejected: [{ id: 'broken', problems: ['intent must be one of ...'] }] });
    const log = new TestLog();
    const source = new FaqSource(store, new TestClock(), log);

    const entries = await source.get();

    expect(entries.map((entry) => entry.id)).toContain('gift-cards');
    expect(entries.map((entry) => entry.id)).not.toContain('points');
    expect((await source.match('ギフトカードはありますか'))?.entry.id).toBe('gift-cards');
    expect(log.entries).toEqual([{ level: 'warn', message: 'FAQ table row ignored', extra: { id: 'broken', problems: ['intent must be one of ...'] } }]);
  });

  it('re-reads the table only after the TTL, sharing one read between concurrent requests', async () => {
    const store = new TestFaqStore();
    const clock = new TestClock();
    const source = new FaqSource(store, clock, new TestLog(), { ttlMs: 30_000 });

    const [first, second] = await Promise.all([source.get(), source.get()]);
    clock.current = 29_999;
    const cached = await source.get();
    store.listing = { entries: [GIFT_CARDS], disabled: [], rejected: [] };
    clock.current = 30_000;
    const reloaded = await source.get();

    expect(store.reads).toBe(2);
    expect(second).toBe(first);
    expect(cached).toBe(first);
    expect(reloaded.map((entry) => entry.id)).toContain('gift-cards');
  });

  it('keeps the last good FAQ when the table cannot be read, and the embedded one before any read', async () => {
    const store = new TestFaqStore({ entries: [GIFT_CARDS], disabled: [], rejected: [] });
    const clock = new TestClock();
    const log = new TestLog();
    const source = new FaqSource(store, clock, log, { ttlMs: 1000 });
    const good = await source.get();
    store.fail = true;
    clock.current = 5000;

    const afterFailure = await source.get();
    const neverRead = new FaqSource(store, clock, new TestLog());

    expect(afterFailure).toBe(good);
    expect(log.entries.map((entry) => entry.message)).toEqual(['FAQ table unreadable; keeping the previous FAQ']);
    expect(await neverRead.get()).toBe(DEFAULT_FAQ);
  });
});
