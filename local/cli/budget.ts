import { parseArgs } from 'node:util';
import { calendarOrDefault } from '../../lambdas/app/capacity/inputs';
import type { BudgetConfig } from '../../lambdas/core/budget/config';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import { budgetStatus, dayBudget, isDay, jstDay, jstDayStart } from '../../lambdas/core/budget/guardian';
import { DAY_MS, formatJst, parseDuration } from '../../lambdas/core/capacity/jst';
import type { RoutingMap } from '../../lambdas/core/vocabulary';
import type { BudgetLedger, CalendarStore, Clock } from '../../lambdas/ports';
import { calendarCommand, CliUsageError } from './capacity';

/**
 * `mangaassist budget ...`: the guardian's state and the operators' levers during an incident. JSON on stdout;
 * problems are one line on stderr with exit code 2, and nothing is written.
 */
/** The commands `runBudget` dispatches (bin/cli.ts answers `budget <command> ... --help` for these). */
export const BUDGET_COMMANDS = ['status', 'override', 'calendar'] as const;

export const BUDGET_USAGE = `usage: mangaassist budget <command>

  status [--date YYYY-MM-DD]          the day's budget (base, event pool, override), spent, reserved, projection,
                                      mode and the intents moved to the cheap tier (default: today, JST)
  override --date YYYY-MM-DD --usd N [--for 24h] [--reason TEXT]
                                      replace that day's budget until the end of the day (or for the duration given)
  override --date YYYY-MM-DD --clear  remove it; the next request uses the computed budget again
  calendar list|add|remove ...        the event calendar shared with capacity (see "capacity --help");
                                      --budget-multiplier N gives an event its own budget pool

Needs REDIS_URL (the gateway's Redis; offline: \`REDIS_URL=redis://127.0.0.1:6379 npm start\`) and, for the calendar,
CALENDAR_TABLE with AWS credentials (or the endpoints \`npm start\` prints). DAILY_BUDGET_USD and BUDGET_CONFIG as
the deployed functions have them.`;

export interface BudgetCliDeps {
  readonly config: BudgetConfig;
  /** Prices the cheap tier against the strong one: what moving an intent saves. */
  readonly catalog?: ModelCatalog;
  readonly map: RoutingMap;
  readonly clock: Clock;
  readonly ledger: () => Promise<BudgetLedger>;
  /** The calendar table when configured; the embedded defaults otherwise (status only). */
  readonly calendar: () => Promise<CalendarStore | undefined>;
  readonly write: (line: string) => void;
  readonly operator: string;
}

const MAX_OVERRIDE_USD = 1_000_000;
const MAX_OVERRIDE_MS = 7 * DAY_MS;

const parse = (args: readonly string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) => {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
    return parsed.values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
};

const dayFlag = (value: string | boolean | undefined, fallback?: string): string => {
  const day = typeof value === 'string' ? value : fallback;
  if (day === undefined) throw new CliUsageError('--date is required');
  if (!isDay(day)) throw new CliUsageError(`--date "${day}" is not a date (YYYY-MM-DD)`);
  return day;
};

const status = async (deps: BudgetCliDeps, args: readonly string[]): Promise<void> => {
  const values = parse(args, { date: { type: 'string' } });
  const now = deps.clock.now();
  const day = dayFlag(values['date'], jstDay(now));
  const ledger = await deps.ledger();
  const calendar = await deps.calendar();
  const [spend, override, stored] = await Promise.all([ledger.daySpend(day, now), ledger.getOverride(day), calendar ? calendar.list() : Promise.resolve([])]);
  const events = calendarOrDefault(stored);
  const budget = dayBudget(deps.config, events, day, override, now);
  // Another day is read as of its end (past) or its start (future): its projection is its spend.
  const at = day === jstDay(now) ? now : Math.min(Math.max(now, jstDayStart(day)), jstDayStart(day) + DAY_MS - 1);
  const reading = budgetStatus(deps.config, deps.map, events, budget, spend, at, deps.catalog ? { catalog: deps.catalog } : {});
  const { override: active, ...budgetFields } = reading.budget;
  deps.write(
    `${JSON.stringify({
      day,
      mode: reading.mode,
      budget: { ...budgetFields, override: active ? { ...active, expiresAt: formatJst(active.expiresAt) } : null },
      spentUsd: reading.spentUsd,
      reservedUsd: reading.reservedUsd,
      utilisation: Math.round(reading.utilisation * 10_000) / 10_000,
      projectedUsd: reading.projectedUsd,
      demoted: reading.demoted,
      partial: reading.partial ?? [],
      byTier: spend.byTier,
      byIntent: spend.byIntent,
    })}\n`,
  );
};

const override = async (deps: BudgetCliDeps, args: readonly string[]): Promise<void> => {
  const values = parse(args, { date: { type: 'string' }, usd: { type: 'string' }, for: { type: 'string' }, reason: { type: 'string' }, clear: { type: 'boolean' } });
  const day = dayFlag(values['date']);
  const now = deps.clock.now();
  if (values['clear'] === true) {
    if (values['usd'] !== undefined || values['for'] !== undefined) throw new CliUsageError('--clear takes no --usd or --for');
    const ledger = await deps.ledger();
    const removed = await ledger.clearOverride(day);
    deps.write(`${JSON.stringify({ day, override: null, removed })}\n`);
    return;
  }
  const usdText = values['usd'];
  if (typeof usdText !== 'string') throw new CliUsageError('--usd is required (or --clear)');
  const usd = Number(usdText);
  if (!/^\d+(\.\d{1,6})?$/.test(usdText) || !(usd > 0) || usd > MAX_OVERRIDE_USD) {
    throw new CliUsageError(`--usd "${usdText}" must be an amount above 0 and at most ${MAX_OVERRIDE_USD} (e.g. 6000 or 6000.50)`);
  }
  const dayEnd = jstDayStart(day) + DAY_MS;
  if (dayEnd <= now) throw new CliUsageError(`${day} is over (JST); an override can only change today or a later day`);
  let expiresAt = dayEnd;
  if (values['for'] !== undefined) {
    const forMs = typeof values['for'] === 'string' ? parseDuration(values['for']) : undefined;
    if (forMs === undefined) throw new CliUsageError(`--for "${String(values['for'])}" is not a duration such as 30m, 2h or 1d`);
    if (forMs > MAX_OVERRIDE_MS) throw new CliUsageError('an override lasts at most 7d');
    expiresAt = Math.min(now + forMs, dayEnd);
  }
  const reason = typeof values['reason'] === 'string' ? values['reason'] : 'operator';
  const ledger = await deps.ledger();
  await ledger.setOverride(day, { usd, expiresAt, setBy: `operator:${deps.operator}`, reason });
  deps.write(`${JSON.stringify({ day, override: { usd, expiresAt: formatJst(expiresAt), setBy: `operator:${deps.operator}`, reason } })}\n`);
};

/** Runs one `budget` command; usage problems are thrown as CliUsageError. */
export const runBudget = async (argv: readonly string[], deps: BudgetCliDeps): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command ?? '') {
    case 'status':
      await status(deps, rest);
      return 0;
    case 'override':
      await override(deps, rest);
      return 0;
    case 'calendar':
      await calendarCommand(
        {
          calendar: async () => {
            const store = await deps.calendar();
            if (!store) throw new CliUsageError('set CALENDAR_TABLE (and AWS credentials); offline, `npm start` prints the variables to export');
            return store;
          },
          write: deps.write,
        },
        rest,
      );
      return 0;
    default:
      throw new CliUsageError(command === undefined || command === '' ? 'missing budget command' : `unknown budget command "${command}"`);
  }
};
