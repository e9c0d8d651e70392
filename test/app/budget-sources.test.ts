import { CalendarSource } from '../../lambdas/app/budget-calendar';
import { BudgetStatusPublisher } from '../../lambdas/app/budget-publisher';
import { BudgetSource } from '../../lambdas/app/budget-source';
import { ServingStateSource } from '../../lambdas/app/serving-state-source';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import type { BudgetStatus } from '../../lambdas/core/budget/guardian';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { WEEKLY_RELEASE, type CalendarEvent } from '../../lambdas/core/capacity/calendar';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import { MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { FlakyLedger, ManualClock, RecordingLog } from '../support/fakes';

const DAY = '2026-11-22';
const sale: CalendarEvent = { id: 'sale', name: 'Sale', kind: 'once', start: Date.UTC(2026, 10, 21, 15), end: Date.UTC(2026, 10, 22, 15), multiplier: 2, leadMs: 0, budgetMultiplier: 2 };

class CountingCalendar extends MemoryCalendar {
  lists = 0;
  failing = false;
  override async listWithProblems() {
    this.lists += 1;
    if (this.failing) throw new Error('calendar table unreadable');
    return super.listWithProblems();
  }
}

describe('CalendarSource', () => {
  it('adds the embedded weekly release, reads the table at most every 5 minutes, and keeps the last good calendar', async () => {
    const clock = new ManualClock();
    const calendar = new CountingCalendar([sale]);
    const log = new RecordingLog();
    const source = new CalendarSource(calendar, clock, log);

    const first = await source.get();
    clock.advance(4 * 60_000);
    await source.get();
    calendar.failing = true;
    clock.advance(60_001);
    const afterFailure = await source.get();

    expect(first.map((e) => e.id)).toEqual(['sale', WEEKLY_RELEASE.id]);
    expect(calendar.lists).toBe(2);
    expect(afterFailure).toEqual(first);
    expect(log.messages('error')).toEqual(['event calendar unreadable; keeping the previous calendar for the budget']);
  });
});

describe('BudgetSource', () => {
  const source = (ledger: FlakyLedger, clock: ManualClock, events: CalendarEvent[] = []) =>
    new BudgetSource({ ledger, calendar: new CalendarSource(new MemoryCalendar(events), clock, new RecordingLog()), config: DEFAULT_BUDGET_CONFIG, catalog: MODEL_CATALOGS.current, clock, log: new RecordingLog() });

  it('reads today\'s budget from the config, the calendar\'s event pool and the ledger\'s override and spend', async () => {
    const clock = new ManualClock();
    const ledger = new FlakyLedger();
    await ledger.inner.settle({ day: DAY, id: 'a', usd: 10, tier: 'sonnet', intent: 'comparison' });
    await ledger.setOverride('2026-11-23', { usd: 9000, expiresAt: clock.now() + 2 * 86_400_000, setBy: 'oncall', reason: 'sale' });

    const today = await source(ledger, clock, [sale]).read(DAY, DEFAULT_ROUTING_MAP, clock.now());
    const overridden = await source(ledger, clock).read('2026-11-23', DEFAULT_ROUTING_MAP, clock.now());

    expect(today).toMatchObject({ kind: 'known', status: { spentUsd: 10, budget: { baseUsd: 2500, eventPoolUsd: 2500, eventIds: ['sale'], totalUsd: 5000 } } });
    expect(overridden).toMatchObject({ kind: 'known', status: { budget: { totalUsd: 9000, override: { setBy: 'oncall' } } } });
  });

  it('shares one ledger read between concurrent requests', async () => {
    const clock = new ManualClock();
    const ledger = new FlakyLedger();
    const budget = source(ledger, clock);

    await Promise.all([1, 2, 3].map(() => budget.read(DAY, DEFAULT_ROUTING_MAP, clock.now())));

    expect(ledger.reads).toBe(1);
  });

  it('reports the ledger unavailable when it throws', async () => {
    const clock = new ManualClock();
    const ledger = new FlakyLedger();
    ledger.failing.add('getOverride');

    const reading = await source(ledger, clock).read(DAY, DEFAULT_ROUTING_MAP, clock.now());

    expect(reading).toMatchObject({ kind: 'unavailable', error: expect.any(Error) });
  });
});

describe('BudgetStatusPublisher', () => {
  const status = (mode: BudgetStatus['mode'], demoted: BudgetStatus['demoted'], day = DAY): BudgetStatus => ({
    mode,
    demoted,
    budget: { day, baseUsd: 2500, eventPoolUsd: 0, eventIds: [], totalUsd: 2500 },
    spentUsd: 0,
    reservedUsd: 0,
    utilisation: 0,
    projectedUsd: 0,
  });

  const publisher = async (state = new MemoryCapacityState()) => {
    const clock = new ManualClock();
    const log = new RecordingLog();
    const serving = new ServingStateSource(state, clock, log);
    await serving.get();
    return { state, clock, log, publisher: new BudgetStatusPublisher({ store: state, serving, clock, log }) };
  };

  it('writes when the mode or the demoted intents change, and only then', async () => {
    const { state, publisher: p } = await publisher();

    await p.publish(status('conserve', ['summarization']));
    await p.publish(status('conserve', ['summarization']));
    await p.publish(status('conserve', ['summarization', 'translation']));
    await p.publish(status('conserve', ['summarization', 'translation']));
    await p.publish(status('normal', []));

    expect(state.budgetWrites).toBe(3);
    expect(state.budget).toMatchObject({ mode: 'normal', demoted: [] });
  });

  it('writes a partly demoted intent, and again only when its share moved by 0.05 or more', async () => {
    const { state, publisher: p } = await publisher();
    const partly = (share: number): BudgetStatus => ({ ...status('emergency', ['comparison']), partial: [{ intent: 'recommendation', share }] });

    await p.publish(partly(0.3));
    await p.publish(partly(0.34));
    await p.publish(partly(0.36));

    expect(state.budgetWrites).toBe(2);
    expect(state.budget?.partial).toEqual([{ intent: 'recommendation', share: 0.36 }]);
  });

  it('does not write what the table already says (another container published it)', async () => {
    const table = new MemoryCapacityState();
    table.budget = { day: DAY, mode: 'emergency', demoted: ['comparison'], partial: [], updatedAt: 1 };
    const { state, publisher: p } = await publisher(table);

    await p.publish(status('emergency', ['comparison']));
    await p.publish(status('emergency', ['comparison'], '2026-11-23'));

    expect(state.budgetWrites).toBe(1);
    expect(state.budget?.day).toBe('2026-11-23');
  });

  it('logs a failed write, never throws, and waits 30 s before trying again', async () => {
    const { state, clock, log, publisher: p } = await publisher();
    const write = jest.spyOn(state, 'publishBudgetStatus').mockRejectedValueOnce(new Error('throttled'));

    await p.publish(status('conserve', ['summarization']));
    await p.publish(status('conserve', ['summarization']));
    clock.advance(30_001);
    await p.publish(status('conserve', ['summarization']));

    expect(write).toHaveBeenCalledTimes(2);
    expect(log.messages('warn')).toEqual(['budget status not published; the route frame keeps the previous one']);
    expect(state.budget).toMatchObject({ mode: 'conserve' });
  });
});
