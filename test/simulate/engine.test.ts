import { resolve } from 'node:path';
import { DEFAULT_ROUTING_MAP, type Intent } from '../../lambdas/core/vocabulary';
import { simulateDay as simulate, type SimulateOptions, type SimulationResult } from '../../local/simulate/engine';
import { loadScenario, parseScenario, type Scenario } from '../../local/simulate/scenario';

const scenario = (name: string): Scenario => loadScenario(resolve(__dirname, '..', '..', 'scenarios', `${name}.json`));
const normalDay = scenario('normal-day');
const matsuri = scenario('manga-matsuri-no-calendar');
const matsuriPlanned = scenario('manga-matsuri-with-calendar');

/** Each day is simulated once per set of options (a 3.2M-message day takes a moment on a shared runner). */
const days = new Map<string, SimulationResult>();
const simulateDay = (day: Scenario, options: SimulateOptions = {}): SimulationResult => {
  const key = JSON.stringify([day, options]);
  let result = days.get(key);
  if (!result) days.set(key, (result = simulate(day, options)));
  return result;
};

/** Minutes after JST midnight of a `...T15:21:00+09:00` time. */
const minuteOf = (iso: string | null): number => (iso === null ? Number.POSITIVE_INFINITY : Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16)));

/** The intents the day's traffic sent to the strong tier, split into movable ones and locked ones. */
const strongIntents = (result: SimulationResult) => {
  const strong = (Object.keys(result.perIntent) as Intent[]).filter((intent) => DEFAULT_ROUTING_MAP[intent].tier === 'sonnet');
  return { movable: strong.filter((intent) => !DEFAULT_ROUTING_MAP[intent].locked), locked: strong.filter((intent) => DEFAULT_ROUTING_MAP[intent].locked) };
};

describe('simulateDay', () => {
  it('is deterministic: the same scenario gives the same day, to the last field', () => {
    expect(JSON.stringify(simulate(matsuri))).toBe(JSON.stringify(simulate(matsuri)));
  });

  it('replays the whole day: every message once, in the hourly shape, every minute in a mode', () => {
    const result = simulateDay(matsuri);
    expect(result.messages).toBe(3_200_000);
    expect(result.hourly.reduce((sum, h) => sum + h.messages, 0)).toBe(3_200_000);
    const answered = result.messagesByTier.template + result.messagesByTier.haiku + result.messagesByTier.sonnet;
    expect(answered + result.refusedMessages).toBe(3_200_000);
    expect(Object.values(result.minutesInMode).reduce((sum, m) => sum + m, 0)).toBe(1440);
    // The evening peak (21:00) is busier than the small hours (04:00), as the curve says.
    expect(result.hourly[21]!.messages).toBeGreaterThan(10 * result.hourly[4]!.messages);
    expect(result.totalCostUsd).toBeCloseTo(result.costByTier.haiku + result.costByTier.sonnet, 1);
  });

  it('simulates a 3.2M-message day in well under 5 seconds', () => {
    const started = performance.now();
    simulate(matsuri);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('prices messages with the catalog: all-Sonnet at 500 in / 350 out per message is the seed\'s $6,750 a day', () => {
    const flat = parseScenario(
      {
        name: 'flat',
        date: '2026-03-24',
        messages: 1_000_000,
        catalogProfile: 'seed',
        budget: { dailyUsd: 1 },
        mix: [{ category: 'any', share: 1, tokens: { input: 500, output: 350 }, utterances: ['Recommend manga like Berserk but less dark'] }],
      },
      'flat.json',
    );
    expect(simulateDay(flat, { routing: 'all-sonnet', unlimitedBudget: true }).totalCostUsd).toBe(6750);
    expect(simulateDay(flat, { routing: 'all-haiku', unlimitedBudget: true }).totalCostUsd).toBe(562.5);
  });

  it('never spends more than the budget under the ramp (admission reserves the worst case first)', () => {
    for (const day of [normalDay, matsuri, matsuriPlanned]) {
      const result = simulateDay(day);
      expect(result.totalCostUsd).toBeLessThanOrEqual(result.budget!.totalUsd);
    }
  });

  describe('Manga Matsuri without a calendar entry (3.2x traffic, $2,500), under the ramp', () => {
    const ramp = simulateDay(matsuri, { policy: 'ramp' });
    const cliff = simulateDay(matsuri, { policy: 'cliff' });

    it('has no cliff: the strong tier keeps a share of traffic every hour of the day, and nothing is refused', () => {
      // The budget cannot carry a 3.2x day, so the guardian moves early and spreads the loss over the whole day.
      for (const hour of ramp.hourly) expect(hour.strongShare).toBeGreaterThan(0);
      expect(ramp.refusedMessages).toBe(0);
      expect(ramp.budgetExhaustedAt).toBeNull();
      // The seed's old guardian spends freely until its cliff, then the strong tier is gone for the rest of the day.
      const cliffHour = cliff.hourly.findIndex((hour) => hour.mode !== 'normal');
      expect(cliffHour).toBeGreaterThan(0);
      expect(cliffHour).toBeLessThan(17);
      for (const hour of cliff.hourly.slice(cliffHour + 1)) expect(hour.strongShare).toBe(0);
    });

    it('keeps recommendation (locked) on its tier longest: it moves last and only in part', () => {
      const { movable, locked } = strongIntents(ramp);
      expect(locked).toEqual(['recommendation']);
      expect(movable.length).toBeGreaterThanOrEqual(2);
      const recommendation = ramp.perIntent.recommendation!;
      for (const intent of movable) {
        const figures = ramp.perIntent[intent]!;
        expect(minuteOf(recommendation.firstBelowDefaultAt)).toBeGreaterThanOrEqual(minuteOf(figures.firstBelowDefaultAt));
        expect(recommendation.shareBelowDefaultTier).toBeLessThan(figures.shareBelowDefaultTier);
      }
      expect(recommendation.shareBelowDefaultTier).toBeLessThan(1);
    });

    it('answers every message all day: the cheap-tier floor of the day fits in the budget', () => {
      const floor = simulateDay(matsuri, { routing: 'gateway-cheap', unlimitedBudget: true });
      expect(floor.totalCostUsd).toBeLessThan(matsuri.budget.dailyUsd);
      expect(ramp.refusedMessages).toBe(0);
    });
  });

  it('with the calendar entry (budget multiplier 2.4: $6,000), the budget lasts the day', () => {
    const result = simulateDay(matsuriPlanned);
    expect(result.budget).toEqual({
      day: '2026-03-31',
      baseUsd: 2500,
      eventPoolUsd: 3500,
      eventIds: ['manga-matsuri-2026'],
      overrideUsd: null,
      totalUsd: 6000,
    });
    expect(result.budgetExhaustedAt).toBeNull();
    expect(result.refusedMessages).toBe(0);
    expect(result.minutesInMode.exhausted).toBe(0);
  });

  it('an operator override replaces the computed budget for the day', () => {
    const result = simulateDay({ ...matsuri, budget: { dailyUsd: 2500, overrideUsd: 6000 } });
    expect(result.budget).toMatchObject({ overrideUsd: 6000, totalUsd: 6000 });
    expect(result.budgetExhaustedAt).toBeNull();
  });

  it('the cliff policy (seed 000\'s old guardian) runs out before 17:00 JST on the sale day, and overspends', () => {
    const result = simulateDay(matsuri, { policy: 'cliff' });
    expect(result.budgetExhaustedAt).not.toBeNull();
    expect(minuteOf(result.budgetExhaustedAt)).toBeLessThan(17 * 60);
    expect(result.totalCostUsd).toBeGreaterThan(2500);
    expect(result.hourly[20]!.strongShare).toBe(0);
    expect(result.minutesInMode.conserve).toBe(0);
  });

  it('serves cacheable intents from the answer cache at no cost', () => {
    const plain = simulateDay(normalDay, { unlimitedBudget: true });
    const cached = simulateDay(normalDay, { unlimitedBudget: true, cacheHitRate: 0.2 });
    expect(cached.cacheHits).toBeGreaterThan(0);
    expect(cached.totalCostUsd).toBeLessThan(plain.totalCostUsd);
    expect(cached.messagesByTier).toEqual(plain.messagesByTier);
  });

  it('classifies with the real classifier: each category lands on the intents its utterances say', () => {
    const result = simulateDay(normalDay, { unlimitedBudget: true });
    expect(result.perIntent.greeting!.messages).toBeGreaterThan(0);
    expect(result.perIntent.product_search!.messages).toBeGreaterThan(0);
    expect(result.perIntent.recommendation!.defaultTier).toBe('sonnet');
    // With no budget nothing is served below its tier.
    expect(Object.values(result.perIntent).every((figures) => figures!.shareBelowDefaultTier === 0)).toBe(true);
  });
});
