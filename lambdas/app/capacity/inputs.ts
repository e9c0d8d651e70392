import type { ModelCatalog } from '../../core/catalog';
import { DEFAULT_CALENDAR, type CalendarEvent } from '../../core/capacity/calendar';
import type { CapacityConfig } from '../../core/capacity/config';
import type { PlanInputs } from '../../core/capacity/planner';
import type { CalendarStore, CapacityStateStore, Clock, Log } from '../../ports';

export interface PlanSources {
  readonly calendar: CalendarStore;
  readonly state: CapacityStateStore;
  readonly catalog: ModelCatalog;
  readonly config: CapacityConfig;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * Everything the planner needs, read once per run: the calendar (the table's events plus the embedded defaults it
 * does not override) and the scale-ups in force.
 */
export const loadPlanInputs = async (sources: PlanSources): Promise<PlanInputs> => {
  const [listing, scaleUps] = await Promise.all([sources.calendar.listWithProblems(), sources.state.listScaleUps(sources.clock.now())]);
  // An operator's broken row must not stop the plan, nor go unnoticed.
  for (const row of listing.rejected) sources.log.warn('calendar row skipped', { id: row.id, problems: row.problems });
  return { config: sources.config, catalog: sources.catalog, events: calendarOrDefault(listing.events), scaleUps };
};

/**
 * The calendar in force: the table's events, plus each embedded default (the weekly release) whose id the table does
 * not use. A fresh deployment so never forgets the weekly release; an operator changes it by adding an event with its
 * id (`weekly-release`), and silences it with multiplier 1.
 */
export const calendarOrDefault = (stored: readonly CalendarEvent[]): readonly CalendarEvent[] => [
  ...stored,
  ...DEFAULT_CALENDAR.filter((event) => !stored.some((s) => s.id === event.id)),
];
