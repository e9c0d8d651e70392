import { CalendarError, WEEKLY_RELEASE, activeOccurrences, firstOverlap, occurrences, validateNewEvent, type OneOffEvent } from '../../../lambdas/core/capacity/calendar';
import { formatJst, parseDuration, parseInstant } from '../../../lambdas/core/capacity/jst';

const at = (iso: string): number => parseInstant(iso) ?? Number.NaN;
const oneOff = (overrides: Partial<OneOffEvent> = {}): OneOffEvent => ({
  id: 'final-chapter',
  name: 'Final chapter night',
  kind: 'once',
  start: at('2026-12-04T21:00:00+09:00'),
  end: at('2026-12-05T01:00:00+09:00'),
  multiplier: 5,
  leadMs: 4 * 3600_000,
  ...overrides,
});

describe('occurrences', () => {
  it('expands the weekly release to Mondays 00:00 JST', () => {
    const found = occurrences(WEEKLY_RELEASE, at('2026-12-01'), at('2026-12-22'));
    expect(found.map((o) => formatJst(o.start))).toEqual(['2026-12-07T00:00:00+09:00', '2026-12-14T00:00:00+09:00', '2026-12-21T00:00:00+09:00']);
  });

  it('finds an occurrence that started before the range and is still running', () => {
    expect(occurrences(WEEKLY_RELEASE, at('2026-12-07T01:00:00+09:00'), at('2026-12-07T02:00:00+09:00'))).toHaveLength(1);
  });

  it('counts the lead period as active', () => {
    expect(activeOccurrences([WEEKLY_RELEASE], at('2026-12-06T20:00:00+09:00'))).toHaveLength(1);
    expect(activeOccurrences([WEEKLY_RELEASE], at('2026-12-06T19:59:59+09:00'))).toHaveLength(0);
  });
});

describe('adding events', () => {
  it('accepts a one-off event that does not overlap the weekly release', () => {
    expect(() => validateNewEvent([WEEKLY_RELEASE], oneOff())).not.toThrow();
  });

  it('refuses a one-off event overlapping another one-off and names both and when', () => {
    const later = oneOff({ id: 'encore', start: at('2026-12-05T00:00:00+09:00'), end: at('2026-12-05T03:00:00+09:00') });
    expect(() => validateNewEvent([oneOff()], later)).toThrow(/overlaps "final-chapter" \(2026-12-05T00:00:00\+09:00 to 2026-12-05T01:00:00\+09:00\)/);
  });

  it('lets a one-off event cover the weekly release (a sale over a Monday), which the planner resolves by the larger multiplier', () => {
    const sundayNight = oneOff({ start: at('2026-12-06T23:00:00+09:00'), end: at('2026-12-07T02:00:00+09:00') });
    expect(firstOverlap(WEEKLY_RELEASE, sundayNight)).toBeDefined();
    expect(() => validateNewEvent([WEEKLY_RELEASE], sundayNight)).not.toThrow();
  });

  it('refuses a second weekly event in the same slot', () => {
    expect(() => validateNewEvent([WEEKLY_RELEASE], { ...WEEKLY_RELEASE, id: 'monday-bonus', at: '01:00' })).toThrow(/overlaps "weekly-release"/);
  });

  it('refuses a duplicate id, a bad multiplier and an end before the start, with every problem listed', () => {
    expect(() => validateNewEvent([oneOff()], oneOff({ start: at('2027-01-01'), end: at('2027-01-02') }))).toThrow(/already exists/);
    const bad = oneOff({ multiplier: 0, end: at('2026-12-04T20:00:00+09:00') });
    expect(() => validateNewEvent([], bad)).toThrow(CalendarError);
    expect(() => validateNewEvent([], bad)).toThrow(/multiplier must be above 0.*; end \(/);
  });
});

describe('instants and durations', () => {
  it('reads a bare date as JST midnight and keeps explicit offsets', () => {
    expect(parseInstant('2026-12-07')).toBe(Date.UTC(2026, 11, 6, 15, 0));
    expect(parseInstant('2026-12-07T00:00:00Z')).toBe(Date.UTC(2026, 11, 7));
  });

  it.each(['2026-02-30', '2026-13-01T00:00Z', 'tomorrow', '2026-12-07T25:00:00+09:00', '2026-12-07T10:00'])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('reads operator durations', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });
});
