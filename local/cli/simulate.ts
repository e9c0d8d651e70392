import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SIMULATION_POLICIES, simulateDay, type SimulationPolicy } from '../simulate/engine';
import { renderPlotSvg } from '../simulate/plot';
import { loadScenario, ScenarioError } from '../simulate/scenario';
import { CliUsageError } from './capacity';

/**
 * `mangaassist simulate --scenario FILE`: one JST day of traffic through the real classifier, routing policy and
 * budget guardian core, with a simulated clock and the catalog's prices; no network, no credentials. One JSON object
 * on stdout; a bad option or scenario file is one line on stderr and exit code 2, with nothing written.
 */
export const SIMULATE_USAGE = `usage: mangaassist simulate --scenario FILE [--policy ramp|cliff] [--plot FILE.svg]

  Replays one JST day of the scenario's traffic through the keyword classifier, the routing policy and the budget
  guardian (simulated clock, in-memory spend, the catalog's prices, worst-case admission; no network) and prints
  one JSON object: scenario, date, policy, routing, catalogProfile, messages, budget, totalCostUsd, costByTier,
  messagesByTier, cacheHits, refusedMessages, budgetExhaustedAt (JST, or null), minutesInMode, hourly
  [{hour, messages, spendUsd, cumulativeUsd, mode, strongShare, refused}], perIntent {intent: {messages,
  defaultTier, shareBelowDefaultTier, firstBelowDefaultAt, budgetMoves}} and timeline (every change of mode).

  --scenario FILE   the scenario (JSON; see scenarios/*.json and local/simulate/scenario.ts for the format)
  --policy P        ramp: this gateway's guardian (default); cliff: seed 000's old guardian, which sends everything
                    to the cheap tier once 95% of the budget is spent and never refuses (for comparison)
  --plot FILE.svg   also draw the day: hourly spend, cumulative spend, the budget line and the mode band`;

export interface SimulateCliDeps {
  readonly readFile: (path: string) => string;
  readonly writeFile: (path: string, content: string) => void;
  /** stdout. */
  readonly write: (text: string) => void;
}

const isPolicy = (value: string): value is SimulationPolicy => (SIMULATION_POLICIES as readonly string[]).includes(value);

/** Runs the command; throws CliUsageError or ScenarioError for what the operator must fix. */
export const runSimulate = (args: readonly string[], deps: SimulateCliDeps): number => {
  let values: { scenario?: string; policy?: string; plot?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { scenario: { type: 'string' }, policy: { type: 'string' }, plot: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.scenario === undefined || values.scenario.trim() === '') throw new CliUsageError('--scenario FILE is required');
  const policy = values.policy ?? 'ramp';
  if (!isPolicy(policy)) throw new CliUsageError(`--policy must be one of ${SIMULATION_POLICIES.join(', ')}, got "${policy}"`);
  const plot = values.plot;
  if (plot !== undefined) {
    if (/\.png$/i.test(plot)) throw new CliUsageError(`--plot "${plot}": only SVG is drawn; name the file *.svg`);
    if (!/\.svg$/i.test(plot)) throw new CliUsageError(`--plot "${plot}" must name an .svg file`);
  }
  const scenario = loadScenario(values.scenario, deps.readFile);
  const result = simulateDay(scenario, { policy });
  if (plot !== undefined) {
    try {
      deps.writeFile(plot, renderPlotSvg(result));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliUsageError(`cannot write the plot to "${plot}" (${code ?? (error as Error).message})`);
    }
  }
  deps.write(`${JSON.stringify(result)}\n`);
  return 0;
};

export interface SimulateCommandIo extends SimulateCliDeps {
  /** stderr. */
  readonly error: (text: string) => void;
}

export const processSimulateIo = (): SimulateCommandIo => ({
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, content) => writeFileSync(path, content, 'utf8'),
  write: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
});

/** `bin/cli.ts simulate ...`: help, the run, and exit code 2 with one line on stderr for an operator's mistake. */
export const simulateCommand = (args: readonly string[], io: SimulateCommandIo = processSimulateIo()): number => {
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
    io.error(`${SIMULATE_USAGE}\n`);
    return args.length === 0 ? 2 : 0;
  }
  try {
    return runSimulate(args, io);
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof ScenarioError) {
      io.error(`mangaassist simulate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
};
