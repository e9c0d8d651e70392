import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import { runBudget, type BudgetCliDeps } from '../../local/cli/budget';
import { MemoryCalendar } from '../support/capacity-fakes';
import { ManualClock } from '../support/fakes';

const setup = (iso = '2026-12-02T15:00:00+09:00') => {
  const clock = new ManualClock(parseInstant(iso));
  const ledger = new MemoryBudgetLedger(clock);
  const calendar = new MemoryCalendar();
  const output: string[] = [];
  const deps: BudgetCliDeps = {
    config: DEFAULT_BUDGET_CONFIG,
    map: DEFAULT_ROUTING_MAP,
    clock,
    ledger: async () => ledger,
    calendar: async () => calendar,
    write: (line) => output.push(line),
    operator: 'tester',
  };
  const lines = () => output.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { deps, ledger, calendar, clock, lines };
};

describe('budget status', () => {
  it('reports the day’s budget, spend, projection, mode and demotions', async () => {
    const { deps, ledger, lines } = setup();
    await ledger.settle({ day: '2026-12-02', id: 'a', usd: 1900, tier: 'sonnet', intent: 'recommendation' });
    await runBudget(['status'], deps);
    const [status] = lines();
    expect(status).toEqual(
      expect.objectContaining({
        day: '2026-12-02',
        spentUsd: 1900,
        budget: { day: '2026-12-02', baseUsd: 2500, eventPoolUsd: 0, eventIds: [], totalUsd: 2500, override: null },
        byTier: { sonnet: 1900 },
      }),
    );
    // $1,900 spent by 15:00 projects far over $2,500, and recommendation alone spent it: it gives up a share.
    expect(status?.['mode']).toBe('emergency');
    expect((status?.['demoted'] as string[]).length).toBeGreaterThan(0);
  });

  it('includes an event pool from the calendar', async () => {
    const { deps, calendar, lines } = setup();
    calendar.events = [{ id: 'manga-matsuri', name: 'Matsuri', kind: 'once', start: parseInstant('2026-12-02') ?? 0, end: parseInstant('2026-12-03') ?? 0, multiplier: 3.2, leadMs: 0, budgetMultiplier: 2.4 }];
    await runBudget(['status', '--date', '2026-12-02'], deps);
    expect(lines()[0]?.['budget']).toEqual(expect.objectContaining({ eventPoolUsd: 3500, totalUsd: 6000, eventIds: ['manga-matsuri'] }));
  });
});

describe('budget override', () => {
  it('replaces the day’s budget until the end of the day, and is cleared again', async () => {
    const { deps, ledger, lines } = setup();
    await runBudget(['override', '--date', '2026-12-02', '--usd', '6000', '--reason', 'Manga Matsuri'], deps);
    expect(await ledger.getOverride('2026-12-02')).toEqual({ usd: 6000, expiresAt: parseInstant('2026-12-03'), setBy: 'operator:tester', reason: 'Manga Matsuri' });
    await runBudget(['status'], deps);
    expect(lines()[1]?.['budget']).toEqual(expect.objectContaining({ totalUsd: 6000 }));
    await runBudget(['override', '--date', '2026-12-02', '--clear'], deps);
    expect(await ledger.getOverride('2026-12-02')).toBeUndefined();
  });

  it.each([
    [['override', '--date', '2026-02-30', '--usd', '10'], /--date "2026-02-30" is not a date/],
    [['override', '--date', '2026-12-02', '--usd=-5'], /must be an amount above 0/],
    [['override', '--date', '2026-12-02', '--usd', '1e9'], /must be an amount above 0/],
    [['override', '--date', '2026-12-02'], /--usd is required/],
    [['override', '--date', '2026-12-01', '--usd', '10'], /2026-12-01 is over/],
    [['override', '--date', '2026-12-02', '--usd', '10', '--for', 'forever'], /not a duration/],
    [['override', '--date', '2026-12-02', '--clear', '--usd', '10'], /--clear takes no --usd/],
    [['status', '--day', 'today'], /Unknown option '--day'/],
    [['spend'], /unknown budget command "spend"/],
  ])('refuses %j with a clear error and writes nothing', async (argv, message) => {
    const { deps, ledger } = setup();
    await expect(runBudget(argv, deps)).rejects.toThrow(message);
    expect(await ledger.getOverride('2026-12-02')).toBeUndefined();
  });
});

describe('budget calendar', () => {
  it('adds an event with a budget pool to the shared calendar', async () => {
    const { deps, calendar } = setup();
    await runBudget(['calendar', 'add', '--id', 'manga-matsuri', '--name', 'Manga Matsuri', '--multiplier', '3.2', '--budget-multiplier', '2.4', '--start', '2026-12-05', '--end', '2026-12-08'], deps);
    expect(calendar.events).toEqual([expect.objectContaining({ id: 'manga-matsuri', budgetMultiplier: 2.4, multiplier: 3.2 })]);
    await expect(runBudget(['calendar', 'add', '--id', 'x', '--name', 'x', '--multiplier', '2', '--budget-multiplier', '0.5', '--start', '2026-12-10', '--end', '2026-12-11'], deps)).rejects.toThrow(
      /budget multiplier must be between 1 and 20/,
    );
  });
});
