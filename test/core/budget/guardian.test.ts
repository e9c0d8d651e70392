import { MODEL_CATALOGS } from '../../../lambdas/core/catalog';
import { DEFAULT_BUDGET_CONFIG, DEFAULT_HOURLY_SHARE, type BudgetConfig } from '../../../lambdas/core/budget/config';
import {
  applyBudget,
  budgetStatus,
  dayBudget,
  expectedShareElapsed,
  isDay,
  jstDay,
  maxTokensFor,
  projectSpend,
  trimToBudget,
  worstCaseUsd,
  type DayBudget,
} from '../../../lambdas/core/budget/guardian';
import type { CalendarEvent } from '../../../lambdas/core/capacity/calendar';
import { parseInstant } from '../../../lambdas/core/capacity/jst';
import { estimateTokens } from '../../../lambdas/core/language';
import { decideRoute } from '../../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP } from '../../../lambdas/core/vocabulary';

const at = (iso: string): number => parseInstant(iso) ?? Number.NaN;
const config: BudgetConfig = DEFAULT_BUDGET_CONFIG;
const budget = (totalUsd = 2500): DayBudget => ({ day: '2026-12-02', baseUsd: totalUsd, eventPoolUsd: 0, eventIds: [], totalUsd });

/** Spend so far that projects to `ratio` of the budget at `now`. */
const spentFor = (ratio: number, now: number, events: readonly CalendarEvent[] = []) => ratio * 2500 * expectedShareElapsed(config, events, now);

const matsuri: CalendarEvent = {
  id: 'manga-matsuri',
  name: 'Manga Matsuri',
  kind: 'once',
  start: at('2026-12-02'),
  end: at('2026-12-03'),
  multiplier: 3.2,
  leadMs: 0,
  budgetMultiplier: 2.4,
};

describe('the budget day', () => {
  it('is the JST date, so 23:59:59.9 JST is still the same day and midnight JST the next', () => {
    expect(jstDay(at('2026-12-02T23:59:59.900+09:00'))).toBe('2026-12-02');
    expect(jstDay(at('2026-12-03T00:00:00+09:00'))).toBe('2026-12-03');
    expect(jstDay(Date.UTC(2026, 11, 2, 14, 59, 59, 900))).toBe('2026-12-02');
  });

  it('knows real dates from bad ones', () => {
    expect(isDay('2026-12-02')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('tomorrow')).toBe(false);
  });
});

describe('dayBudget', () => {
  it('adds a separate event pool on the days an event with a budget multiplier touches', () => {
    const day = dayBudget(config, [matsuri], '2026-12-02', undefined, at('2026-12-02T10:00:00+09:00'));
    expect(day).toEqual({ day: '2026-12-02', baseUsd: 2500, eventPoolUsd: 3500, eventIds: ['manga-matsuri'], totalUsd: 6000 });
    expect(dayBudget(config, [matsuri], '2026-12-03', undefined, 0).totalUsd).toBe(2500);
  });

  it('lets an unexpired override replace the whole budget, and ignores an expired one', () => {
    const override = { usd: 4000, expiresAt: at('2026-12-03'), setBy: 'operator:test', reason: 'sale' };
    expect(dayBudget(config, [matsuri], '2026-12-02', override, at('2026-12-02T15:00:00+09:00')).totalUsd).toBe(4000);
    expect(dayBudget(config, [], '2026-12-02', override, at('2026-12-03T00:00:01+09:00')).totalUsd).toBe(2500);
  });
});

describe('the projection', () => {
  it('reads the burn rate against the day’s traffic curve', () => {
    const noon = at('2026-12-02T12:00:00+09:00');
    const elapsed = expectedShareElapsed(config, [], noon);
    expect(elapsed).toBeCloseTo(DEFAULT_HOURLY_SHARE.slice(0, 12).reduce((a, b) => a + b, 0), 6);
    expect(projectSpend(config, [], 500, noon)).toBeCloseTo(500 / elapsed, 3);
  });

  it('weighs hours of a traffic event more, so an event evening ahead is expected rather than feared', () => {
    const evening: CalendarEvent = { ...matsuri, start: at('2026-12-02T18:00:00+09:00'), end: at('2026-12-03'), budgetMultiplier: undefined };
    const noon = at('2026-12-02T12:00:00+09:00');
    expect(expectedShareElapsed(config, [evening], noon)).toBeLessThan(expectedShareElapsed(config, [], noon));
  });

  it('does not read a quiet midnight as a runaway day', () => {
    const justAfterMidnight = at('2026-12-02T00:01:00+09:00');
    expect(projectSpend(config, [], 1, justAfterMidnight)).toBe(1 / config.minElapsedShare);
    expect(budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd: 1, reservedUsd: 0, byIntent: {} }, justAfterMidnight).mode).toBe('normal');
  });
});

describe('budgetStatus: a ramp, not a cliff', () => {
  const afternoon = at('2026-12-02T15:00:00+09:00');
  const status = (ratio: number, reservedUsd = 0) =>
    budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd: spentFor(ratio, afternoon), reservedUsd }, afternoon);

  it('is normal while the projection stays under the conserve threshold', () => {
    expect(status(0.85)).toEqual(expect.objectContaining({ mode: 'normal', demoted: [] }));
  });

  it('moves strong-tier intents one by one in the configured order as the projection rises', () => {
    expect(status(0.91).demoted).toEqual(['summarization']);
    expect(status(0.96).demoted).toEqual(['summarization', 'translation']);
    expect(status(1.01).demoted).toEqual(['summarization', 'translation', 'comparison']);
    expect(status(2).demoted).toEqual(['summarization', 'translation', 'comparison', 'manga_qa', 'taste_profile', 'complaint']);
  });

  it('never moves a locked intent in conserve, however high the projection', () => {
    expect(status(1.8).mode).toBe('conserve');
    expect(status(1.8).demoted).not.toContain('recommendation');
  });

  it('moves locked intents last, only in emergency (committed spend at 95% of the budget)', () => {
    const emergency = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd: 2300, reservedUsd: 80 }, afternoon);
    expect(emergency.mode).toBe('emergency');
    expect(emergency.demoted.at(-1)).toBe('recommendation');
    expect(budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd: 2500, reservedUsd: 0 }, afternoon).mode).toBe('exhausted');
  });

  it('follows the routing map’s locks: an intent an operator locked moves only in emergency', () => {
    const map = { ...DEFAULT_ROUTING_MAP, summarization: { tier: 'sonnet' as const, locked: true } };
    expect(budgetStatus(config, map, [], budget(), { spentUsd: spentFor(0.91, afternoon), reservedUsd: 0 }, afternoon).demoted).toEqual(['translation']);
  });

  it('applies a demotion to the decision with its reason, and leaves others alone', () => {
    const model = (tier: string) => (tier === 'haiku' ? 'haiku-model' : null);
    const comparison = decideRoute({ intent: 'comparison', confidence: 0.9, complexity: 5, signals: [] }, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current);
    const demoted = applyBudget(comparison, status(1.01), model);
    expect(demoted).toEqual(expect.objectContaining({ tier: 'haiku', model: 'haiku-model' }));
    expect(demoted.reasons.at(-1)).toBe('budget:conserve:demoted_to_haiku');
    expect(applyBudget(comparison, status(0.5), model)).toBe(comparison);
  });
});

describe('admission and token budgets', () => {
  it('reserves input plus every token maxTokens allows at the model’s prices', () => {
    expect(worstCaseUsd(MODEL_CATALOGS.seed.sonnet, 100, 1000)).toBeCloseTo((100 * 3 + 1000 * 15) / 1e6, 9);
  });

  it('sends the intent’s output budget, never more than the model allows', () => {
    expect(maxTokensFor(MODEL_CATALOGS.current.sonnet, { maxInputTokens: 10, maxOutputTokens: 800 })).toBe(800);
    expect(maxTokensFor(MODEL_CATALOGS.current.sonnet, { maxInputTokens: 10, maxOutputTokens: 5000 })).toBe(1000);
    expect(maxTokensFor(MODEL_CATALOGS.current.sonnet, undefined)).toBe(1000);
  });

  it('trims an oversized message to its input budget, keeping the beginning and the end', () => {
    const history = `My reading history: ${Array.from({ length: 400 }, (_, i) => `Title ${i}`).join(', ')}. What does my taste say about me?`;
    const trimmed = trimToBudget(history, { maxInputTokens: 200, maxOutputTokens: 800 }, estimateTokens);
    expect(trimmed.trimmed).toBe(true);
    expect(estimateTokens(trimmed.text)).toBeLessThanOrEqual(200);
    expect(trimmed.text.startsWith('My reading history: Title 0')).toBe(true);
    expect(trimmed.text.endsWith('What does my taste say about me?')).toBe(true);
    expect(trimToBudget('short', { maxInputTokens: 200, maxOutputTokens: 800 }, estimateTokens)).toEqual({ text: 'short', trimmed: false });
  });

  it('trims Japanese by characters', () => {
    const long = 'この漫画のあらすじを教えてください。'.repeat(100);
    const trimmed = trimToBudget(long, { maxInputTokens: 300, maxOutputTokens: 100 }, estimateTokens);
    expect(estimateTokens(trimmed.text)).toBeLessThanOrEqual(300);
  });
});

describe('the event pool keeps a planned sale from eating the normal budget', () => {
  it('keeps Matsuri afternoon normal with the calendar entry and in conserve without it', () => {
    const afternoon = at('2026-12-02T15:00:00+09:00');
    const spentUsd = 3.2 * 2500 * 0.55 * expectedShareElapsed(config, [], afternoon);
    const withEvent = dayBudget(config, [matsuri], '2026-12-02', undefined, afternoon);
    expect(budgetStatus(config, DEFAULT_ROUTING_MAP, [matsuri], withEvent, { spentUsd, reservedUsd: 0 }, afternoon).mode).toBe('normal');
    expect(budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd, reservedUsd: 0 }, afternoon).mode).toBe('conserve');
  });
});

describe('budgetStatus with the spend by intent: moves what the day needs, no more', () => {
  const afternoon = at('2026-12-02T15:00:00+09:00');
  const elapsed = expectedShareElapsed(config, [], afternoon);
  const context = { catalog: MODEL_CATALOGS.current };
  /** Spend so far that projects to `ratio` of the budget, split over intents by `weights`. */
  const spendOf = (ratio: number, weights: Partial<Record<string, number>>) => {
    const spentUsd = ratio * 2500 * elapsed;
    const sum = Object.values(weights).reduce((a = 0, b = 0) => a + b, 0) ?? 1;
    return { spentUsd, reservedUsd: 0, byIntent: Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, (spentUsd * (w ?? 0)) / sum])) };
  };

  it('moves intents in order until what they save brings the projection under the threshold', () => {
    const status = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), spendOf(1.0, { translation: 2, comparison: 1, recommendation: 2 }), afternoon, context);
    expect(status.mode).toBe('conserve');
    expect(status.demoted).toEqual(['summarization', 'translation']);
    expect(status.partial).toEqual([]);
  });

  it('moves a locked intent only for the share of its requests the day still needs (emergency)', () => {
    const status = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), spendOf(1.3, { comparison: 1, recommendation: 3 }), afternoon, context);
    expect(status.mode).toBe('emergency');
    expect(status.demoted).toEqual(['summarization', 'translation', 'comparison', 'manga_qa', 'taste_profile', 'complaint']);
    const share = status.partial?.[0]?.share ?? 0;
    expect(status.partial?.[0]?.intent).toBe('recommendation');
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
  });

  it('keeps an intent moved until the projection is a ramp step under the threshold (no flapping)', () => {
    const weights = { translation: 2, comparison: 1, recommendation: 2 };
    const first = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), spendOf(1.0, weights), afternoon, context);
    const justUnder = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), spendOf(0.88, weights), afternoon, { ...context, previous: first });
    expect(justUnder.demoted).toEqual(first.demoted);
    const wellUnder = budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), spendOf(0.8, weights), afternoon, { ...context, previous: first });
    expect(wellUnder).toEqual(expect.objectContaining({ mode: 'normal', demoted: [] }));
  });

  it('applies a partial demotion to the share of requests the random draw puts under it', () => {
    const status = { ...budgetStatus(config, DEFAULT_ROUTING_MAP, [], budget(), { spentUsd: 0, reservedUsd: 0 }, afternoon), mode: 'emergency' as const, partial: [{ intent: 'recommendation' as const, share: 0.3 }] };
    const recommendation = decideRoute({ intent: 'recommendation', confidence: 0.9, complexity: 5, signals: [] }, DEFAULT_ROUTING_MAP, MODEL_CATALOGS.current);
    const model = () => 'haiku-model';
    expect(applyBudget(recommendation, status, model, () => 0.29).tier).toBe('haiku');
    expect(applyBudget(recommendation, status, model, () => 0.31).tier).toBe('sonnet');
  });
});
