import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_HOURLY_SHARE } from '../../lambdas/core/budget';
import { loadScenario, parseScenario, ScenarioError, tokensFor } from '../../local/simulate/scenario';

const REPO_ROOT = resolve(__dirname, '..', '..');
const SCENARIO_FILES = ['normal-day', 'manga-matsuri-no-calendar', 'manga-matsuri-with-calendar'].map((name) => resolve(REPO_ROOT, 'scenarios', `${name}.json`));

/** A small valid scenario; each test breaks one thing. */
const valid = (): Record<string, unknown> => ({
  name: 'tiny',
  date: '2026-03-31',
  messages: 1000,
  catalogProfile: 'seed',
  budget: { dailyUsd: 10 },
  mix: [
    { category: 'faq', share: 0.6, tokens: { input: 200, output: 100 }, utterances: ['hello', 'What payment methods do you accept?'] },
    { category: 'recommendation', share: 0.4, tokens: { input: 600, output: 400 }, utterances: ['Recommend manga like Berserk'] },
  ],
});

/** The problems a broken scenario is refused with (fails the test if it is accepted). */
const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseScenario(raw, 'test.json');
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('the scenario was accepted');
};

describe('scenario loader', () => {
  it.each(SCENARIO_FILES)('loads the shipped scenario %s', (file) => {
    const scenario = loadScenario(file);
    expect(scenario.catalogProfile).toBe('seed');
    expect(scenario.budget.dailyUsd).toBe(2500);
    expect(scenario.mix.map((c) => [c.category, c.share])).toEqual([
      ['faq_greeting', 0.35],
      ['product_lookup', 0.25],
      ['recommendation', 0.2],
      ['comparison', 0.1],
      ['discussion', 0.07],
      ['escalation', 0.03],
    ]);
  });

  it('fills the defaults: the guardian hourly curve, multiplier 1, no cache, seed 1, no calendar', () => {
    const scenario = parseScenario(valid(), 'test.json');
    expect(scenario.hourlyShare).toEqual(DEFAULT_HOURLY_SHARE);
    expect(scenario).toMatchObject({ trafficMultiplier: 1, cacheHitRate: 0, seed: 1, calendar: [], guardian: {} });
  });

  it('reads tokens per tier: a tier of its own, else the category figures', () => {
    const raw = valid();
    (raw['mix'] as Record<string, unknown>[])[1]!['tokens'] = { input: 400, output: 200, sonnet: { input: 600, output: 400 } };
    const category = parseScenario(raw, 'test.json').mix[1]!;
    expect(tokensFor(category, 'haiku')).toEqual({ input: 400, output: 200 });
    expect(tokensFor(category, 'sonnet')).toEqual({ input: 600, output: 400 });
  });

  it('turns a calendar entry into a one-off event with its budget multiplier', () => {
    const scenario = parseScenario(
      { ...valid(), calendar: [{ id: 'matsuri', name: 'Matsuri', start: '2026-03-31', end: '2026-04-01T00:00+09:00', multiplier: 3.2, budgetMultiplier: 2.4, lead: '4h' }] },
      'test.json',
    );
    expect(scenario.calendar).toEqual([
      { kind: 'once', id: 'matsuri', name: 'Matsuri', start: Date.parse('2026-03-30T15:00:00Z'), end: Date.parse('2026-03-31T15:00:00Z'), multiplier: 3.2, leadMs: 4 * 3_600_000, budgetMultiplier: 2.4 },
    ]);
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => loadScenario(resolve(REPO_ROOT, 'scenarios', 'no-such-day.json'))).toThrow(/scenario .*no-such-day\.json: file not found/);
    expect(() => loadScenario('broken.json', () => '{"name": ')).toThrow(/^scenario broken\.json: not valid JSON/);
  });

  it.each([
    ['a date that does not exist', { date: '2026-02-30' }, 'date: must be a YYYY-MM-DD calendar date'],
    ['a missing field', { messages: undefined }, 'messages: '],
    ['a message count that is not whole', { messages: 10.5 }, 'messages: '],
    ['an unknown catalog profile', { catalogProfile: 'cheap' }, 'catalogProfile: '],
    ['a zero budget', { budget: { dailyUsd: 0 } }, 'budget.dailyUsd: '],
    ['a misspelt field', { budgetUsd: 2500 }, 'budgetUsd'],
    ['23 hourly shares', { hourlyShare: DEFAULT_HOURLY_SHARE.slice(1) }, 'hourlyShare: must have 24 numbers, one per JST hour'],
    ['hourly shares that do not sum to 1', { hourlyShare: DEFAULT_HOURLY_SHARE.map(() => 0.05) }, 'hourlyShare: must sum to 1'],
    ['a cache hit rate above 1', { cacheHitRate: 1.5 }, 'cacheHitRate: '],
    ['a traffic multiplier of 0', { trafficMultiplier: 0 }, 'trafficMultiplier: '],
    ['an unknown intent in the ramp order', { guardian: { rampOrder: ['comparison', 'gossip'] } }, 'guardian.rampOrder[1]: '],
  ])('refuses %s, naming the field', (_what, patch, expected) => {
    expect(problemsOf({ ...valid(), ...patch }).join('\n')).toContain(expected);
  });

  it.each([
    ['shares that do not sum to 1', (mix: Record<string, unknown>[]) => (mix[1]!['share'] = 0.5), 'mix: shares must sum to 1, got 1.1'],
    ['a negative share', (mix: Record<string, unknown>[]) => (mix[1]!['share'] = -0.4), 'mix[1].share: '],
    ['a category without utterances', (mix: Record<string, unknown>[]) => (mix[0]!['utterances'] = []), 'mix[0].utterances: must list at least one utterance'],
    ['a blank utterance', (mix: Record<string, unknown>[]) => (mix[0]!['utterances'] = ['hello', '  ']), 'mix[0].utterances[1]: must not be empty'],
    ['tokens without output', (mix: Record<string, unknown>[]) => (mix[0]!['tokens'] = { input: 200 }), 'mix[0].tokens.output: '],
    ['an unknown tier in tokens', (mix: Record<string, unknown>[]) => (mix[0]!['tokens'] = { input: 1, output: 1, opus: { input: 1, output: 1 } }), 'mix[0].tokens: '],
    ['a duplicate category', (mix: Record<string, unknown>[]) => (mix[1]!['category'] = 'faq'), 'mix[1].category: duplicate category "faq"'],
  ])('refuses a mix with %s, naming the field', (_what, breakMix, expected) => {
    const raw = valid();
    breakMix(raw['mix'] as Record<string, unknown>[]);
    expect(problemsOf(raw).join('\n')).toContain(expected);
  });

  it('refuses a calendar entry with a bad time or multiplier, naming the entry', () => {
    const problems = problemsOf({
      ...valid(),
      calendar: [
        { id: 'ok', name: 'fine', start: '2026-03-31', end: '2026-04-01', multiplier: 2 },
        { id: 'bad', name: 'broken', start: 'tomorrow', end: '2026-04-01', multiplier: 2 },
        { id: 'cheap', name: 'less budget', start: '2026-03-31', end: '2026-04-01', multiplier: 2, budgetMultiplier: 0.5 },
      ],
    });
    expect(problems).toEqual([
      'calendar[1].start: "tomorrow" is not a date (2026-03-31) or an ISO time with an offset',
      'calendar[2]: budget multiplier must be between 1 and 20, got 0.5',
    ]);
  });

  it('lists every problem at once, in one message that names the file', () => {
    let caught: unknown;
    try {
      loadScenario('day.json', () => JSON.stringify({ ...valid(), date: 'soon', messages: -1 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect((caught as ScenarioError).problems).toHaveLength(2);
    expect((caught as ScenarioError).message).toMatch(/^scenario day\.json: date: .*; messages: /);
  });

  it('keeps the shipped scenarios consistent with one another (same mix, same day for the sale)', () => {
    const [normal, noCalendar, withCalendar] = SCENARIO_FILES.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    expect(noCalendar!['mix']).toEqual(normal!['mix']);
    expect(withCalendar!['mix']).toEqual(normal!['mix']);
    expect(withCalendar!['date']).toBe(noCalendar!['date']);
    expect(noCalendar!['trafficMultiplier']).toBe(3.2);
  });
});
