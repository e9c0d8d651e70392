import type { ModelCatalog } from '../../core/catalog';
import { DEFAULT_CALENDAR, type CalendarEvent } from '../../core/capacity/calendar';
import type { CapacityConfig } from '../../core/capacity/config';
import type { PlanInputs } from '../../core/capacity/planner';
import type { CalendarStore, CapacityStateStore, Clock } from '../../ports';

export interface PlanSources {
  readonly calendar: CalendarStore;
  readonly state: CapacityStateStore;
  readonly catalog: ModelCatalog;
  readonly config: CapacityConfig;
  readonly clock: Clock;
}

/**
 * Everything the planner needs, read once per run: the calendar table (an empty table means the embedded default
 * calendar: the weekly release is never forgotten by a fresh deployment) and the scale-ups in force.
 */
export const loadPlanInputs = async (sources: PlanSources): Promise<PlanInputs> => {
  const [stored, scaleUps] = await Promise.all([sources.calendar.list(), sources.state.listScaleUps(sources.clock.now())]);
  return { config: sources.config, catalog: sources.catalog, events: calendarOrDefault(stored), scaleUps };
};

export const calendarOrDefault = (stored: readonly CalendarEvent[]): readonly CalendarEvent[] => (stored.length > 0 ? stored : DEFAULT_CALENDAR);
