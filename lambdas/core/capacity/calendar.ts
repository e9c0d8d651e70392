import { formatJst, jstMidnight, jstWeekday, parseClockTime, DAY_MS, MINUTE_MS, WEEK_MS, WEEKDAYS, type Weekday } from './jst';

/**
 * The event calendar: traffic events that raise (or lower) expected traffic by a multiplier, with a lead time so
 * capacity is in place before they start. One table and one schema, shared with cost control.
 */
interface EventBase {
  /** Stable id: lowercase letters, digits and hyphens. */
  readonly id: string;
  readonly name: string;
  /** Expected traffic over an ordinary day at that time: 4 means four times as many tokens per second. */
  readonly multiplier: number;
  /** Capacity for the event is planned from this long before its start. */
  readonly leadMs: number;
  /**
   * The budget of each JST day the event touches, over the ordinary day's (3 = three times): the extra is a separate
   * event pool. Absent: the event changes traffic, not the budget.
   */
  readonly budgetMultiplier?: number;
}

export interface OneOffEvent extends EventBase {
  readonly kind: 'once';
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
}

export interface WeeklyEvent extends EventBase {
  readonly kind: 'weekly';
  readonly weekday: Weekday;
  /** `HH:MM` JST. */
  readonly at: string;
  readonly durationMs: number;
}

export type CalendarEvent = OneOffEvent | WeeklyEvent;

/** One concrete occurrence of an event. */
export interface Occurrence {
  readonly event: CalendarEvent;
  readonly start: number;
  readonly end: number;
}

/** The weekly Monday 00:00 JST release (seed 003 scenario 1, after its post-incident fixes: 4x with a 4 h lead). */
export const WEEKLY_RELEASE: WeeklyEvent = {
  id: 'weekly-release',
  name: 'Weekly digital release (Monday 00:00 JST)',
  kind: 'weekly',
  weekday: 'monday',
  at: '00:00',
  durationMs: 3 * 60 * MINUTE_MS,
  multiplier: 4,
  leadMs: 4 * 60 * MINUTE_MS,
};

export const DEFAULT_CALENDAR: readonly CalendarEvent[] = [WEEKLY_RELEASE];

export const MAX_MULTIPLIER = 20;
export const MAX_LEAD_MS = DAY_MS;
export const MAX_EVENT_MS = 31 * DAY_MS;
const EVENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** A calendar change that would leave the calendar wrong: nothing is written. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
}

/** Problems of one event on its own, as readable sentences; empty when it is valid. */
export const eventProblems = (event: CalendarEvent): string[] => {
  const problems: string[] = [];
  if (!EVENT_ID.test(event.id)) problems.push(`id "${event.id}" must be 1-64 lowercase letters, digits or hyphens`);
  if (event.name.trim().length === 0) problems.push('name must not be empty');
  if (!Number.isFinite(event.multiplier) || event.multiplier <= 0 || event.multiplier > MAX_MULTIPLIER) {
    problems.push(`multiplier must be above 0 and at most ${MAX_MULTIPLIER}, got ${event.multiplier}`);
  }
  if (!Number.isFinite(event.leadMs) || event.leadMs < 0 || event.leadMs > MAX_LEAD_MS) problems.push('lead time must be between 0 and 24 h');
  if (event.budgetMultiplier !== undefined && !(Number.isFinite(event.budgetMultiplier) && event.budgetMultiplier >= 1 && event.budgetMultiplier <= MAX_MULTIPLIER)) {
    problems.push(`budget multiplier must be between 1 and ${MAX_MULTIPLIER}, got ${event.budgetMultiplier}`);
  }
  if (event.kind === 'once') {
    if (!Number.isFinite(event.start) || !Number.isFinite(event.end)) problems.push('start and end must be valid instants');
    else if (event.end <= event.start) problems.push(`end (${formatJst(event.end)}) must be after start (${formatJst(event.start)})`);
    else if (event.end - event.start > MAX_EVENT_MS) problems.push('an event may last at most 31 days');
  } else {
    if (!(WEEKDAYS as readonly string[]).includes(event.weekday)) problems.push(`weekday must be one of ${WEEKDAYS.join(', ')}`);
    if (parseClockTime(event.at) === undefined) problems.push(`at must be an HH:MM time, got "${event.at}"`);
    if (!Number.isFinite(event.durationMs) || event.durationMs <= 0 || event.durationMs >= WEEK_MS) problems.push('a weekly event must last more than 0 and less than a week');
  }
  return problems;
};

/** The occurrences of an event that overlap [from, to), in time order. */
export const occurrences = (event: CalendarEvent, from: number, to: number): Occurrence[] => {
  if (event.kind === 'once') return event.start < to && event.end > from ? [{ event, start: event.start, end: event.end }] : [];
  const minute = parseClockTime(event.at) ?? 0;
  const weekday = WEEKDAYS.indexOf(event.weekday);
  // Start a week early so an occurrence that began before `from` and is still running is found.
  const firstDay = jstMidnight(from - WEEK_MS);
  const offsetDays = (weekday - jstWeekday(firstDay) + 7) % 7;
  const found: Occurrence[] = [];
  for (let start = firstDay + offsetDays * DAY_MS + minute * MINUTE_MS; start < to; start += WEEK_MS) {
    const end = start + event.durationMs;
    if (end > from) found.push({ event, start, end });
  }
  return found;
};

/** A horizon long enough to see every way two events can meet: the one-off spans and two full weeks around them. */
const overlapHorizon = (a: CalendarEvent, b: CalendarEvent): [number, number] => {
  const once = [a, b].filter((event): event is OneOffEvent => event.kind === 'once');
  if (once.length === 0) return [0, 3 * WEEK_MS];
  return [Math.min(...once.map((event) => event.start)) - 2 * WEEK_MS, Math.max(...once.map((event) => event.end)) + 2 * WEEK_MS];
};

/** The first time two events run at once, if they ever do (their lead periods may overlap; the events may not). */
export const firstOverlap = (a: CalendarEvent, b: CalendarEvent): { start: number; end: number } | undefined => {
  const [from, to] = overlapHorizon(a, b);
  const ofB = occurrences(b, from, to);
  for (const x of occurrences(a, from, to)) {
    for (const y of ofB) {
      if (x.start < y.end && y.start < x.end) return { start: Math.max(x.start, y.start), end: Math.min(x.end, y.end) };
    }
  }
  return undefined;
};

/**
 * Checks an event before it is added: valid on its own, a new id, and no overlap with an existing event of the same
 * kind (two one-off sales at once, or two weekly slots, are ambiguous: the operator states the combined multiplier as
 * one event). A one-off may cover a recurring one (a three-day sale over the Monday release): while both run, the
 * larger multiplier applies.
 */
export const validateNewEvent = (existing: readonly CalendarEvent[], candidate: CalendarEvent): void => {
  const problems = eventProblems(candidate);
  if (problems.length > 0) throw new CalendarError(`invalid event "${candidate.id}": ${problems.join('; ')}`);
  if (existing.some((event) => event.id === candidate.id)) throw new CalendarError(`an event with id "${candidate.id}" already exists`);
  for (const event of existing) {
    if (event.kind !== candidate.kind) continue;
    const overlap = firstOverlap(event, candidate);
    if (overlap) {
      throw new CalendarError(
        `event "${candidate.id}" overlaps "${event.id}" (${formatJst(overlap.start)} to ${formatJst(overlap.end)}); ` +
          'give the combined multiplier as one event, or move one of them',
      );
    }
  }
};

/** The occurrences whose planning period (lead time included) contains `at`. */
export const activeOccurrences = (events: readonly CalendarEvent[], at: number): Occurrence[] =>
  events.flatMap((event) => occurrences(event, at, at + event.leadMs + 1).filter((o) => o.start - event.leadMs <= at && at < o.end));
