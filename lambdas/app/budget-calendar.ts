import { DEFAULT_CALENDAR, type CalendarEvent } from '../core/capacity/calendar';
import type { CalendarStore, Clock, Log } from '../ports';
import { calendarOrDefault } from './capacity/inputs';
import { RefreshingValue } from './refreshing-value';

/**
 * The event calendar in force for the budget guardian (budget multipliers, traffic multipliers of the projection):
 * the table's events plus the embedded weekly release unless the table overrides it, as the capacity planner sees
 * them. Re-read at most every `ttlMs` (5 minutes: events are planned days ahead, and the invoke path must not scan a
 * table per message). If the table cannot be read, the last good calendar (or the embedded defaults) stays in force:
 * a calendar outage must not stop the chat; at worst an event's budget pool applies a few minutes late.
 */
export class CalendarSource {
  private readonly calendar: RefreshingValue<readonly CalendarEvent[]>;

  constructor(store: CalendarStore, clock: Clock, log: Log, ttlMs = 5 * 60_000) {
    this.calendar = new RefreshingValue(
      async () => {
        const listing = await store.listWithProblems();
        for (const row of listing.rejected) log.warn('calendar row skipped', { id: row.id, problems: row.problems });
        return calendarOrDefault(listing.events);
      },
      DEFAULT_CALENDAR,
      clock,
      ttlMs,
      (error) => log.error('event calendar unreadable; keeping the previous calendar for the budget', { error }),
    );
  }

  get(): Promise<readonly CalendarEvent[]> {
    return this.calendar.get();
  }
}
