import type { ModelCatalog } from '../catalog';
import { TIERS, isModelTier, type ModelTier } from '../vocabulary';
import { activeOccurrences, occurrences, type CalendarEvent } from './calendar';
import type { CapacityConfig, ScheduleWindow, TierCapacity } from './config';
import { DAY_MS, MINUTE_MS, formatClockTime, jstMidnight, jstMinuteOfDay, parseClockTime } from './jst';

export const MODEL_TIERS: readonly ModelTier[] = TIERS.filter(isModelTier);

/** A temporary addition of units from a scale-up request (pressure on provisioned throughput). */
export interface ScaleUp {
  readonly tier: ModelTier;
  readonly extraUnits: number;
  /** Epoch ms after which it no longer applies. */
  readonly until: number;
}

/** The plan for one tier at one instant, with every rule that shaped it. */
export interface PlannedUnits {
  readonly tier: ModelTier;
  readonly units: number;
  readonly expectedTps: number;
  readonly reasons: readonly string[];
  /** When this plan took effect (the latest breakpoint at or before the instant planned for). */
  readonly since: number;
}

/** One change of desired units, as `capacity plan` prints it. */
export interface PlannedChange {
  readonly at: number;
  readonly tier: ModelTier;
  readonly units: number;
  readonly reasons: readonly string[];
}

export interface PlanInputs {
  readonly config: CapacityConfig;
  /** On-demand prices come from the model catalog: provisioned must beat them to be worth buying. */
  readonly catalog: ModelCatalog;
  readonly events: readonly CalendarEvent[];
  readonly scaleUps?: readonly ScaleUp[];
}

/** Configuration problems the planner cannot work with, as sentences; empty when the schedule is usable. */
export const scheduleProblems = (config: CapacityConfig): string[] => {
  const problems: string[] = [];
  const covered = new Array<string | undefined>(24 * 60).fill(undefined);
  for (const window of config.windows) {
    const from = parseClockTime(window.from);
    const to = parseClockTime(window.to);
    if (from === undefined || to === undefined) {
      problems.push(`window "${window.name}": from and to must be HH:MM times`);
      continue;
    }
    const overlapping = new Set<string>();
    // from === to is a whole day.
    for (let minute = from, first = true; first || minute !== to; minute = (minute + 1) % covered.length, first = false) {
      const other = covered[minute];
      if (other === undefined) covered[minute] = window.name;
      else if (other !== window.name) overlapping.add(other);
    }
    for (const other of overlapping) problems.push(`windows "${other}" and "${window.name}" overlap`);
    for (const tier of MODEL_TIERS) {
      if (!(window.expectedTps[tier] >= 0)) problems.push(`window "${window.name}": expectedTps.${tier} must be a number >= 0`);
    }
  }
  const day = covered.length;
  const gapStart = covered.findIndex((name, minute) => name === undefined && covered[(minute + day - 1) % day] !== undefined);
  if (covered.every((name) => name === undefined)) problems.push('no window covers any time of the day');
  else if (gapStart >= 0) {
    let gapEnd = gapStart;
    while (covered[gapEnd % day] === undefined) gapEnd += 1;
    problems.push(`no window covers ${formatClockTime(gapStart)}-${formatClockTime(gapEnd % day)} JST`);
  }
  for (const tier of MODEL_TIERS) {
    const t = config.tiers[tier];
    if (!(t.unitTokensPerSecond > 0)) problems.push(`${tier}.unitTokensPerSecond must be > 0`);
    if (!(t.unitHourlyUsd >= 0)) problems.push(`${tier}.unitHourlyUsd must be >= 0`);
    if (!(t.targetUtilization > 0 && t.targetUtilization <= 1)) problems.push(`${tier}.targetUtilization must be in (0, 1]`);
    if (!(t.inputTokenShare >= 0 && t.inputTokenShare <= 1)) problems.push(`${tier}.inputTokenShare must be in [0, 1]`);
    if (!(Number.isInteger(t.committedUnits) && t.committedUnits >= 0)) problems.push(`${tier}.committedUnits must be an integer >= 0`);
    if (!(Number.isInteger(t.maxUnits) && t.maxUnits >= t.committedUnits)) problems.push(`${tier}.maxUnits must be an integer >= committedUnits`);
  }
  return problems;
};

/** The window containing an instant (the schedule is validated to cover the day). */
export const windowAt = (windows: readonly ScheduleWindow[], at: number): ScheduleWindow => {
  const minute = jstMinuteOfDay(at);
  const found = windows.find((window) => {
    const from = parseClockTime(window.from) ?? 0;
    const to = parseClockTime(window.to) ?? 0;
    return from < to ? minute >= from && minute < to : minute >= from || minute < to;
  });
  if (!found) throw new Error(`no schedule window covers minute ${minute} of the JST day`);
  return found;
};

/** On-demand USD per token for a tier, blended from the catalog's input and output prices. */
export const onDemandUsdPerToken = (catalog: ModelCatalog, tier: ModelTier, capacity: TierCapacity): number => {
  const spec = catalog[tier];
  return (capacity.inputTokenShare * spec.inputUsdPerMTok + (1 - capacity.inputTokenShare) * spec.outputUsdPerMTok) / 1e6;
};

/** Units that carry `tps` at the target utilisation. */
export const unitsFor = (tps: number, capacity: TierCapacity): number =>
  tps <= 0 ? 0 : Math.ceil(tps / (capacity.unitTokensPerSecond * capacity.targetUtilization) - 1e-9);

const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * Desired model units for one tier at one instant: expected traffic of the time-of-day window times the calendar's
 * multiplier, sized at the target utilisation; zero when on-demand would be cheaper for that traffic (break-even);
 * then the committed floor, any scale-up, and the cap.
 */
export const desiredUnitsAt = (inputs: PlanInputs, tier: ModelTier, at: number): PlannedUnits => {
  const { config, catalog, events } = inputs;
  const capacity = config.tiers[tier];
  const window = windowAt(config.windows, at);
  const reasons = [`window:${window.name}`];
  const active = activeOccurrences(events, at);
  let multiplier = 1;
  for (const occurrence of active) {
    multiplier = Math.max(multiplier, occurrence.event.multiplier);
    const phase = at < occurrence.start ? 'lead' : 'live';
    reasons.push(`event:${occurrence.event.id}:x${occurrence.event.multiplier}:${phase}`);
  }
  // A quiet-day event (multiplier below 1) lowers traffic only when it is the only one.
  if (active.length > 0 && active.every((o) => o.event.multiplier < 1)) multiplier = Math.min(...active.map((o) => o.event.multiplier));
  const expectedTps = round(window.expectedTps[tier] * multiplier);
  reasons.push(`expected_tps:${expectedTps}`);

  let units = unitsFor(expectedTps, capacity);
  if (units > 0) {
    const provisionedHourly = units * capacity.unitHourlyUsd;
    const onDemandHourly = expectedTps * 3600 * onDemandUsdPerToken(catalog, tier, capacity);
    if (provisionedHourly > onDemandHourly) {
      reasons.push(`break_even:on_demand_cheaper:${round(onDemandHourly)}<${round(provisionedHourly)}usd_per_h`);
      units = 0;
    } else {
      reasons.push(`break_even:provisioned_cheaper:${round(provisionedHourly)}<=${round(onDemandHourly)}usd_per_h`);
    }
  }
  if (units < capacity.committedUnits) {
    units = capacity.committedUnits;
    reasons.push(`floor:committed:${capacity.committedUnits}`);
  }
  const extra = (inputs.scaleUps ?? []).filter((s) => s.tier === tier && at < s.until).reduce((sum, s) => sum + s.extraUnits, 0);
  if (extra > 0) {
    units += extra;
    reasons.push(`scale_up:+${extra}`);
  }
  if (units > capacity.maxUnits) {
    units = capacity.maxUnits;
    reasons.push(`cap:${capacity.maxUnits}`);
  }
  return { tier, units, expectedTps, reasons, since: segmentStart(inputs, at) };
};

/** The latest instant at or before `at` where the plan could have changed. */
export const segmentStart = (inputs: PlanInputs, at: number): number => {
  const points = planBreakpoints(inputs, at - 8 * DAY_MS, at + 1);
  return points[points.length - 1] ?? at;
};

/**
 * What the reconciler aims at now: the larger of the plan now and the plan one provisioning lead ahead, so new
 * throughput is in service when a busier period starts, while a quieter period only takes effect when it begins.
 */
export const reconcileGoal = (inputs: PlanInputs, tier: ModelTier, now: number): PlannedUnits => {
  const current = desiredUnitsAt(inputs, tier, now);
  const ahead = desiredUnitsAt(inputs, tier, now + inputs.config.provisioningLeadMs);
  if (ahead.units <= current.units) return current;
  return { ...ahead, reasons: [`ahead:${Math.round(inputs.config.provisioningLeadMs / MINUTE_MS)}m`, ...ahead.reasons] };
};

/** Every instant in [from, to) at which the plan can change: window boundaries, event lead starts and ends, scale-up expiries. */
export const planBreakpoints = (inputs: PlanInputs, from: number, to: number): number[] => {
  const points = new Set<number>([from]);
  for (let day = jstMidnight(from); day < to; day += DAY_MS) {
    for (const window of inputs.config.windows) {
      const minute = parseClockTime(window.from);
      if (minute !== undefined) points.add(day + minute * MINUTE_MS);
    }
  }
  for (const event of inputs.events) {
    for (const occurrence of occurrences(event, from, to + event.leadMs)) {
      points.add(occurrence.start - event.leadMs);
      points.add(occurrence.start);
      points.add(occurrence.end);
    }
  }
  for (const scaleUp of inputs.scaleUps ?? []) points.add(scaleUp.until);
  return [...points].filter((point) => point >= from && point < to).sort((a, b) => a - b);
};

/**
 * The changes of desired units per tier over [from, to), in time order (ties by tier): the first line per tier is
 * the plan at `from`, then one line per change.
 */
export const planChanges = (inputs: PlanInputs, from: number, to: number): PlannedChange[] => {
  const changes: PlannedChange[] = [];
  const last = new Map<ModelTier, number>();
  for (const at of planBreakpoints(inputs, from, to)) {
    for (const tier of MODEL_TIERS) {
      const planned = desiredUnitsAt(inputs, tier, at);
      if (last.get(tier) === planned.units) continue;
      last.set(tier, planned.units);
      changes.push({ at, tier, units: planned.units, reasons: planned.reasons });
    }
  }
  return changes;
};
