import { DEFAULT_CALENDAR, type CalendarEvent } from '../core/capacity/calendar';
import type { CalendarStore, Clock, Log } from '../ports';
import { calendarOrDefault } from './capacity/inputs';

/**
 * The event calendar in force for the budget guardian (budget multipliers, traffic multipliers of the projection):
 * the table's events plus the embedded weekly release unless the table overrides it, as the capacity planner sees
 * them. Re-read at most every `ttlMs` (5 minutes: events are planned days ahead, and the invoke path must not scan a
 * table per message). If the table cannot be read, the last good calendar (or the embedded defaults) stays in force:
 * a calendar outage must not stop the chat; at worst an event's budget pool applies a few minutes late.
 */
export class CalendarSource {
  private current: readonly CalendarEvent[] = DEFAULT_CALENDAR;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<readonly CalendarEvent[]> | undefined;

  constructor(
    private readonly store: CalendarStore,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async get(): Promise<readonly CalendarEvent[]> {
    if (this.clock.now() - this.loadedAt < this.ttlMs) return this.current;
    // Concurrent requests on a warm container share one read instead of stampeding the table.
    this.inflight ??= this.reload().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async reload(): Promise<readonly CalendarEvent[]> {
    try {
      const listing = await this.store.listWithProblems();
      for (const row of listing.rejected) this.log.warn('calendar row skipped', { id: row.id, problems: row.problems });
      this.current = calendarOrDefault(listing.events);
    } catch (error) {
      this.log.error('event calendar unreadable; keeping the previous calendar for the budget', { error });
    }
    this.loadedAt = this.clock.now();
    return this.current;
  }
}
