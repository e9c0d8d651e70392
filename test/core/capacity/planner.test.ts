import { MODEL_CATALOGS } from '../../../lambdas/core/catalog';
import { WEEKLY_RELEASE, type CalendarEvent } from '../../../lambdas/core/capacity/calendar';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../../../lambdas/core/capacity/config';
import { formatJst, parseInstant } from '../../../lambdas/core/capacity/jst';
import { desiredUnitsAt, planChanges, reconcileGoal, scheduleProblems, type PlanInputs } from '../../../lambdas/core/capacity/planner';

const at = (iso: string): number => {
  const ms = parseInstant(iso);
  if (ms === undefined) throw new Error(`bad instant ${iso}`);
  return ms;
};

const inputs = (overrides: Partial<PlanInputs> = {}, config: Partial<CapacityConfig> = {}): PlanInputs => ({
  config: { ...DEFAULT_CAPACITY_CONFIG, ...config },
  catalog: MODEL_CATALOGS.current,
  events: [],
  ...overrides,
});

// 2026-12-02 is a Wednesday: an ordinary day, no release.
describe('desired units on an ordinary day (seed 003 scenario 2 schedule)', () => {
  it.each([
    ['2026-12-02T03:00:00+09:00', 0, 0],
    ['2026-12-02T08:00:00+09:00', 3, 5],
    ['2026-12-02T14:00:00+09:00', 3, 8],
    ['2026-12-02T20:00:00+09:00', 5, 15],
    ['2026-12-03T01:30:00+09:00', 5, 15],
  ])('at %s plans haiku %i and sonnet %i units', (instant, haiku, sonnet) => {
    expect(desiredUnitsAt(inputs(), 'haiku', at(instant)).units).toBe(haiku);
    expect(desiredUnitsAt(inputs(), 'sonnet', at(instant)).units).toBe(sonnet);
  });

  it('provisions nothing overnight because on-demand is cheaper for that traffic, and says so', () => {
    const planned = desiredUnitsAt(inputs(), 'sonnet', at('2026-12-02T03:00:00+09:00'));
    expect(planned.units).toBe(0);
    expect(planned.reasons).toEqual(expect.arrayContaining(['window:overnight', expect.stringMatching(/^break_even:on_demand_cheaper:/)]));
  });

  it('keeps a committed floor even where on-demand would be cheaper', () => {
    const config = { tiers: { ...DEFAULT_CAPACITY_CONFIG.tiers, sonnet: { ...DEFAULT_CAPACITY_CONFIG.tiers.sonnet, committedUnits: 2 } } };
    const planned = desiredUnitsAt(inputs({}, config), 'sonnet', at('2026-12-02T03:00:00+09:00'));
    expect(planned.units).toBe(2);
    expect(planned.reasons).toContain('floor:committed:2');
  });
});

describe('the event calendar', () => {
  it('raises units from the lead time before the Monday release and caps them at the maximum', () => {
    const withRelease = inputs({ events: [WEEKLY_RELEASE] });
    const beforeLead = desiredUnitsAt(withRelease, 'sonnet', at('2026-12-06T19:59:00+09:00'));
    const inLead = desiredUnitsAt(withRelease, 'sonnet', at('2026-12-06T20:00:00+09:00'));
    expect(beforeLead.units).toBe(15);
    expect(inLead.units).toBe(30);
    expect(inLead.reasons).toEqual(expect.arrayContaining(['event:weekly-release:x4:lead', 'cap:30']));
    expect(desiredUnitsAt(withRelease, 'sonnet', at('2026-12-07T00:30:00+09:00')).reasons).toContain('event:weekly-release:x4:live');
  });

  it('returns to the schedule when the event ends', () => {
    const withRelease = inputs({ events: [WEEKLY_RELEASE] });
    expect(desiredUnitsAt(withRelease, 'sonnet', at('2026-12-07T03:00:00+09:00')).units).toBe(0);
  });

  it('a 5x one-off event plans more than the schedule alone', () => {
    const finale: CalendarEvent = { id: 'final-chapter', name: 'Final chapter', kind: 'once', start: at('2026-12-04T21:00:00+09:00'), end: at('2026-12-05T01:00:00+09:00'), multiplier: 5, leadMs: 2 * 3600_000 };
    const planned = desiredUnitsAt(inputs({ events: [finale] }), 'haiku', at('2026-12-04T22:00:00+09:00'));
    expect(planned.expectedTps).toBe(40000);
    expect(planned.units).toBe(10);
  });
});

describe('scale-ups', () => {
  it('add units until they expire, within the cap', () => {
    const now = at('2026-12-02T20:00:00+09:00');
    const scaled = inputs({ scaleUps: [{ tier: 'sonnet', extraUnits: 4, until: now + 3600_000 }] });
    expect(desiredUnitsAt(scaled, 'sonnet', now).units).toBe(19);
    expect(desiredUnitsAt(scaled, 'sonnet', now).reasons).toContain('scale_up:+4');
    expect(desiredUnitsAt(scaled, 'sonnet', now + 3600_000).units).toBe(15);
    expect(desiredUnitsAt(scaled, 'haiku', now).units).toBe(5);
  });
});

describe('reconcile goal', () => {
  it('looks one provisioning lead ahead for increases only', () => {
    const beforeEvening = at('2026-12-02T16:40:00+09:00');
    const goal = reconcileGoal(inputs(), 'sonnet', beforeEvening);
    expect(goal.units).toBe(15);
    expect(goal.reasons[0]).toBe('ahead:30m');
    const beforeOvernight = at('2026-12-03T01:40:00+09:00');
    expect(reconcileGoal(inputs(), 'sonnet', beforeOvernight).units).toBe(15);
  });
});

describe('plan changes over time', () => {
  it('lists one line per change in time order, the first at the start of the range', () => {
    const changes = planChanges(inputs({ events: [WEEKLY_RELEASE] }), at('2026-12-06'), at('2026-12-08'));
    const sonnet = changes.filter((c) => c.tier === 'sonnet').map((c) => `${formatJst(c.at)} ${c.units}`);
    expect(sonnet).toEqual([
      '2026-12-06T00:00:00+09:00 15',
      '2026-12-06T02:00:00+09:00 0',
      '2026-12-06T06:00:00+09:00 5',
      '2026-12-06T12:00:00+09:00 8',
      '2026-12-06T17:00:00+09:00 15',
      '2026-12-06T20:00:00+09:00 30',
      '2026-12-07T02:00:00+09:00 5',
      '2026-12-07T03:00:00+09:00 0',
      '2026-12-07T06:00:00+09:00 5',
      '2026-12-07T12:00:00+09:00 8',
      '2026-12-07T17:00:00+09:00 15',
    ]);
    const times = changes.map((c) => c.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('schedule validation', () => {
  it('reports gaps and overlaps of the windows', () => {
    const windows = [
      { name: 'day', from: '06:00', to: '18:00', expectedTps: { haiku: 1, sonnet: 1 } },
      { name: 'evening', from: '17:00', to: '23:00', expectedTps: { haiku: 1, sonnet: 1 } },
    ];
    const problems = scheduleProblems({ ...DEFAULT_CAPACITY_CONFIG, windows });
    expect(problems).toEqual(expect.arrayContaining(['windows "day" and "evening" overlap', 'no window covers 23:00-06:00 JST']));
  });

  it('accepts the default schedule', () => {
    expect(scheduleProblems(DEFAULT_CAPACITY_CONFIG)).toEqual([]);
  });
});
