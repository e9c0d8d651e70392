import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkCapacityHealth } from '../../lambdas/app/capacity/check-capacity-health';
import { calendarOrDefault } from '../../lambdas/app/capacity/inputs';
import { reconcileCapacity } from '../../lambdas/app/capacity/reconcile-capacity';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import { CalendarError, validateNewEvent, type CalendarEvent } from '../../lambdas/core/capacity/calendar';
import type { CapacityConfig } from '../../lambdas/core/capacity/config';
import { formatJst, parseDuration, parseInstant, WEEKDAYS, type Weekday } from '../../lambdas/core/capacity/jst';
import { isMitigationActive } from '../../lambdas/core/capacity/mitigation';
import { MODEL_TIERS, planChanges, reconcileGoal } from '../../lambdas/core/capacity/planner';
import { servingUnits } from '../../lambdas/core/capacity/reconcile';
import type { CalendarStore, CapacityControl, CapacityStateStore, Clock, Log, MetricsSink } from '../../lambdas/ports';

/**
 * `mangaassist capacity ...`: the operators' commands. Output is JSON lines on stdout (one object per line), so it
 * pipes into jq; problems are one line on stderr and exit code 2, with nothing changed.
 */
/** The commands `runCapacity` dispatches (bin/cli.ts answers `capacity <command> ... --help` for these). */
export const CAPACITY_COMMANDS = ['plan', 'status', 'reconcile', 'health', 'calendar', 'mitigate'] as const;

export const CAPACITY_USAGE = `usage: mangaassist capacity <command>

  plan --from ISO --to ISO [--tier T] one JSON line per change of desired units: {"at","tier","units","reasons"}
                                     (ISO: 2026-12-07, or 2026-12-07T00:00+09:00; a bare date is JST midnight)
  status                             per tier: desired, serving units and targets, pending change; and mitigation
  reconcile [--dry-run]              run the reconciler once; --dry-run prints the actions it would take
                                     (a real run needs CAPACITY_CONFIG: the deployed schedule and name prefix)
  health                             run the health check once: expected and serving units per tier
  calendar list                      the event calendar, one event per line
  calendar add --id ID --name TEXT --multiplier N [--lead 4h] [--budget-multiplier N]
               (--start ISO --end ISO | --weekly DAY --at HH:MM --duration 3h)
  calendar remove ID
  mitigate --for 30m [--reason TEXT] | --off
                                     throttle mitigation: longer answer cache, FAQ-like intents off the strong tier

plan works offline on the embedded schedule and calendar (the calendar table when CALENDAR_TABLE is set); the other
commands need CAPACITY_TABLE and CALENDAR_TABLE (and AWS credentials, or the offline stack's endpoints that
\`npm start\` prints). CAPACITY_CONFIG and MODEL_CATALOG, as the deployed functions have them, make the plan theirs.`;

/** A command the CLI cannot run as given: printed with exit code 2, nothing changed. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface CapacityStores {
  readonly calendar: CalendarStore;
  readonly state: CapacityStateStore;
  readonly control: CapacityControl;
}

export interface CapacityCliDeps {
  readonly config: CapacityConfig;
  readonly catalog: ModelCatalog;
  readonly clock: Clock;
  /** The calendar for `plan`, when a table is configured; otherwise the embedded default calendar. */
  readonly planCalendar?: () => Promise<CalendarStore | undefined>;
  /** The stores for every other command; throws CliUsageError when they are not configured. */
  readonly stores: () => Promise<CapacityStores>;
  readonly log: Log;
  readonly metrics: MetricsSink;
  readonly write: (line: string) => void;
  /** Who is asking, recorded with a mitigation (`operator:<user>`). */
  readonly operator: string;
  /**
   * Whether the capacity configuration was given (CAPACITY_CONFIG) rather than defaulted: a reconcile that changes
   * throughput must plan with the deployed schedule and name prefix, or it would buy throughput nobody manages.
   */
  readonly configIsExplicit?: boolean;
}

const json = (deps: Pick<CapacityCliDeps, 'write'>, value: unknown): void => deps.write(`${JSON.stringify(value)}\n`);

const instant = (value: string | undefined, flag: string): number => {
  if (value === undefined) throw new CliUsageError(`${flag} is required`);
  const parsed = parseInstant(value);
  if (parsed === undefined) throw new CliUsageError(`${flag} "${value}" is not a date (2026-12-07) or an ISO time with an offset (2026-12-07T00:00+09:00)`);
  return parsed;
};

const duration = (value: string | undefined, flag: string): number => {
  if (value === undefined) throw new CliUsageError(`${flag} is required`);
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new CliUsageError(`${flag} "${value}" is not a duration such as 30m, 2h or 1d`);
  return parsed;
};

const parse = (args: readonly string[], options: ParseArgsConfig['options'], positionals = 0) => {
  try {
    const parsed = parseArgs({ args: [...args], options: options ?? {}, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new CliUsageError(`unexpected argument "${parsed.positionals[positionals] ?? ''}"`);
    return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError((error as Error).message);
  }
};

const str = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

const MAX_PLAN_RANGE_MS = 62 * 24 * 3600_000;

const plan = async (deps: CapacityCliDeps, args: readonly string[]): Promise<void> => {
  const { values } = parse(args, { from: { type: 'string' }, to: { type: 'string' }, tier: { type: 'string' } });
  const tier = str(values['tier']);
  if (tier !== undefined && !(MODEL_TIERS as readonly string[]).includes(tier)) throw new CliUsageError(`unknown tier "${tier}": use ${MODEL_TIERS.join(' or ')}`);
  const from = instant(str(values['from']), '--from');
  const to = instant(str(values['to']), '--to');
  if (to <= from) throw new CliUsageError('--to must be after --from');
  if (to - from > MAX_PLAN_RANGE_MS) throw new CliUsageError('a plan covers at most 62 days');
  const store = await deps.planCalendar?.();
  const events = calendarOrDefault(store ? await store.list() : []);
  for (const change of planChanges({ config: deps.config, catalog: deps.catalog, events }, from, to)) {
    if (tier !== undefined && change.tier !== tier) continue;
    json(deps, { at: formatJst(change.at), tier: change.tier, units: change.units, reasons: change.reasons });
  }
};

const status = async (deps: CapacityCliDeps): Promise<void> => {
  const { calendar, state, control } = await deps.stores();
  const now = deps.clock.now();
  const [events, scaleUps, serving, throughputs] = await Promise.all([calendar.list(), state.listScaleUps(now), state.readServingState(), control.list()]);
  const inputs = { config: deps.config, catalog: deps.catalog, events: calendarOrDefault(events), scaleUps };
  for (const tier of MODEL_TIERS) {
    const goal = reconcileGoal(inputs, tier, now);
    const target = serving.targets[tier];
    json(deps, {
      tier,
      desiredUnits: goal.units,
      reasons: goal.reasons,
      servingUnits: servingUnits(target),
      target: target.provisioned.length === 0 ? 'on_demand' : target.provisioned,
      targetVersion: target.version,
      switchedAt: target.switchedAt > 0 ? formatJst(target.switchedAt) : null,
      pending: target.pending ? { ...target.pending, requestedAt: formatJst(target.pending.requestedAt) } : null,
      throughputs: throughputs
        .filter((t) => t.name.startsWith(`${deps.config.namePrefix}-${tier}-`) || (t.committed && t.modelArn.endsWith(`/${deps.catalog[tier].foundationModelId}`)))
        .map(({ arn, name, units, status: s, committed }) => ({ arn, name, units, status: s, committed })),
    });
  }
  const m = serving.mitigation;
  json(deps, { mitigation: isMitigationActive(m, now) ? { active: true, until: formatJst(m.until), reason: m.reason, setBy: m.setBy } : { active: false } });
};

const reconcile = async (deps: CapacityCliDeps, args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { 'dry-run': { type: 'boolean' } });
  const dryRun = values['dry-run'] === true;
  if (!dryRun && deps.configIsExplicit === false) {
    throw new CliUsageError(
      "set CAPACITY_CONFIG to the deployed functions' value ('{}' for the embedded defaults) before a reconcile that changes throughput: " +
        'its schedule and name prefix decide what is bought and deleted',
    );
  }
  const stores = await deps.stores();
  const report = await reconcileCapacity({ ...deps, ...stores }, { kind: 'scheduled', trigger: 'cli' }, { dryRun });
  for (const tier of report.tiers) {
    for (const { action, outcome } of tier.results) json(deps, { ...action, outcome });
  }
  for (const error of report.errors) json(deps, { error });
  return report.errors.length > 0 ? 1 : 0;
};

const eventFromFlags = (values: Record<string, string | boolean | undefined>): CalendarEvent => {
  const id = str(values['id']);
  const name = str(values['name']);
  const multiplierText = str(values['multiplier']);
  if (!id || !name || !multiplierText) throw new CliUsageError('calendar add needs --id, --name and --multiplier');
  const multiplier = Number(multiplierText);
  if (!Number.isFinite(multiplier)) throw new CliUsageError(`--multiplier "${multiplierText}" is not a number`);
  const leadMs = values['lead'] === undefined ? 0 : duration(str(values['lead']), '--lead');
  const budgetText = str(values['budget-multiplier']);
  const budgetMultiplier = budgetText === undefined ? undefined : Number(budgetText);
  if (budgetMultiplier !== undefined && !Number.isFinite(budgetMultiplier)) throw new CliUsageError(`--budget-multiplier "${budgetText ?? ''}" is not a number`);
  const budget = budgetMultiplier === undefined ? {} : { budgetMultiplier };
  const weekly = str(values['weekly']);
  if (weekly !== undefined) {
    if (values['start'] !== undefined || values['end'] !== undefined) throw new CliUsageError('give either --start/--end or --weekly/--at/--duration, not both');
    if (!(WEEKDAYS as readonly string[]).includes(weekly)) throw new CliUsageError(`--weekly must be one of ${WEEKDAYS.join(', ')}`);
    const at = str(values['at']) ?? '';
    return { id, name, kind: 'weekly', weekday: weekly as Weekday, at, durationMs: duration(str(values['duration']), '--duration'), multiplier, leadMs, ...budget };
  }
  return { id, name, kind: 'once', start: instant(str(values['start']), '--start'), end: instant(str(values['end']), '--end'), multiplier, leadMs, ...budget };
};

/** `calendar list|add|remove`: the one event calendar, shared by `capacity calendar` and `budget calendar`. */
export interface CalendarCliDeps {
  readonly calendar: () => Promise<CalendarStore>;
  readonly write: (line: string) => void;
}

export const calendarCommand = async (deps: CalendarCliDeps, args: readonly string[]): Promise<void> => {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    parse(rest, {});
    const calendar = await deps.calendar();
    const { events: stored, rejected } = await calendar.listWithProblems();
    for (const event of calendarOrDefault(stored)) json(deps, { ...describeEvent(event), source: stored.includes(event) ? 'table' : 'default' });
    for (const row of rejected) json(deps, { id: row.id, source: 'table', skipped: row.problems });
    return;
  }
  if (sub === 'add') {
    const { values } = parse(rest, {
      id: { type: 'string' },
      name: { type: 'string' },
      multiplier: { type: 'string' },
      lead: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      weekly: { type: 'string' },
      at: { type: 'string' },
      duration: { type: 'string' },
      'budget-multiplier': { type: 'string' },
    });
    const event = eventFromFlags(values);
    const calendar = await deps.calendar();
    // An event may take the id of an embedded default (the weekly release) to replace it.
    const stored = await calendar.list();
    validateNewEvent(calendarOrDefault(stored).filter((e) => e.id !== event.id || stored.includes(e)), event);
    await calendar.add(event);
    json(deps, { added: describeEvent(event) });
    return;
  }
  if (sub === 'remove') {
    const { positionals } = parse(rest, {}, 1);
    const id = positionals[0];
    if (!id) throw new CliUsageError('calendar remove needs the event id');
    const calendar = await deps.calendar();
    if (!(await calendar.remove(id))) throw new CliUsageError(`no event with id "${id}"`);
    json(deps, { removed: id });
    return;
  }
  throw new CliUsageError(`unknown calendar command "${sub ?? ''}": use list, add or remove`);
};

const describeEvent = (event: CalendarEvent): Record<string, unknown> => ({
  ...describeTiming(event),
  ...(event.budgetMultiplier !== undefined && { budgetMultiplier: event.budgetMultiplier }),
});

const describeTiming = (event: CalendarEvent): Record<string, unknown> =>
  event.kind === 'once'
    ? { id: event.id, name: event.name, kind: event.kind, start: formatJst(event.start), end: formatJst(event.end), multiplier: event.multiplier, leadMinutes: event.leadMs / 60_000 }
    : { id: event.id, name: event.name, kind: event.kind, weekday: event.weekday, at: event.at, durationMinutes: event.durationMs / 60_000, multiplier: event.multiplier, leadMinutes: event.leadMs / 60_000 };

const MAX_MITIGATION_MS = 24 * 3600_000;

const mitigate = async (deps: CapacityCliDeps, args: readonly string[]): Promise<void> => {
  const { values } = parse(args, { for: { type: 'string' }, off: { type: 'boolean' }, reason: { type: 'string' } });
  if (values['off'] === true) {
    if (values['for'] !== undefined) throw new CliUsageError('give either --for or --off');
    const { state } = await deps.stores();
    await state.clearMitigation();
    json(deps, { mitigation: { active: false } });
    return;
  }
  const forMs = duration(str(values['for']), '--for');
  if (forMs > MAX_MITIGATION_MS) throw new CliUsageError('mitigation lasts at most 24h; set it again if it must go on');
  const now = deps.clock.now();
  const { state } = await deps.stores();
  const mitigation = { until: now + forMs, reason: str(values['reason']) ?? 'operator', setBy: `operator:${deps.operator}`, startedAt: now };
  await state.setMitigation(mitigation);
  json(deps, { mitigation: { active: true, until: formatJst(mitigation.until), reason: mitigation.reason, setBy: mitigation.setBy } });
};

/** Runs one `capacity` command; returns the exit code. Usage problems are thrown as CliUsageError. */
export const runCapacity = async (argv: readonly string[], deps: CapacityCliDeps): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command ?? '') {
    case 'plan':
      await plan(deps, rest);
      return 0;
    case 'status':
      parse(rest, {});
      await status(deps);
      return 0;
    case 'reconcile':
      return reconcile(deps, rest);
    case 'health': {
      parse(rest, {});
      const report = await checkCapacityHealth({ ...deps, ...(await deps.stores()) });
      json(deps, { ...report, at: formatJst(report.at) });
      return report.errors.length > 0 ? 1 : 0;
    }
    case 'calendar':
      await calendarCommand({ calendar: async () => (await deps.stores()).calendar, write: deps.write }, rest);
      return 0;
    case 'mitigate':
      await mitigate(deps, rest);
      return 0;
    default:
      throw new CliUsageError(command === undefined || command === '' ? 'missing capacity command' : `unknown capacity command "${command}"`);
  }
};

export { CalendarError };
