import { parseArgs } from 'node:util';
import { AUDIT_WINDOW_DAYS, runUnmappedAudit } from '../../lambdas/app/audit-unmapped';
import { AuditInputError, trafficFromDatapoints, type MetricDatapoint } from '../../lambdas/core/audit/unmapped';
import { AUDIT_MAX_DAYS } from '../../lambdas/handlers/audit-unmapped';
import type { Clock, Log, MetricsSink } from '../../lambdas/ports';
import type { TimeWindow, TrafficSource } from '../../lambdas/ports/audit';
import { CliUsageError } from './capacity';

export const AUDIT_COMMANDS = ['unmapped'] as const;

export const AUDIT_USAGE = `usage: mangaassist audit <command>

  unmapped [--days N] [--metrics-file FILE]
      the intents or classifier labels seen in traffic that the routing map does not name, and the catch-all
      "unknown", with volume and cost, costliest first: one JSON line per label
      {"label","reason","requests","share","costUsd","requestsByTier"}, then one summary line
      {"from","to","source","totalRequests","totalCostUsd","unmappedRequests","unmappedCostUsd"}.
      costUsd is estimated: the label's answers per tier x the tier's average model cost per answer.

  --days N              the window, 1-${AUDIT_MAX_DAYS} days back from now (default ${AUDIT_WINDOW_DAYS}, the weekly audit's)
  --metrics-file FILE   offline: the metrics the local stack wrote (\`LOCAL_METRICS_FILE=FILE npm start\`), one JSON
                        line {"name","value","dimensions","time"?} each; lines without "time" count whatever --days is.
                        Without it: CloudWatch metric data (namespace MangaAssist; AWS credentials and AWS_REGION),
                        what the weekly audit function reads.`;

export interface AuditCliDeps {
  readonly clock: Clock;
  readonly readFile: (path: string) => string;
  /** CloudWatch, built only when asked for (no credentials needed for --metrics-file). */
  readonly cloudWatch: () => TrafficSource;
  readonly write: (line: string) => void;
}

const quiet: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noMetrics: MetricsSink = { record: () => undefined };

/** A metrics file as a TrafficSource: its lines within the window (or without a time). Bad lines are usage errors, by number. */
export const fileTrafficSource = (text: string, file: string): TrafficSource => ({
  read: async (window: TimeWindow) => {
    const datapoints: MetricDatapoint[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new CliUsageError(`${file} line ${index + 1}: not JSON`);
      }
      const record = parsed as Partial<MetricDatapoint> & { time?: unknown };
      const dimensions = record.dimensions ?? {};
      if (
        typeof record.name !== 'string' ||
        typeof record.value !== 'number' ||
        typeof dimensions !== 'object' ||
        Object.values(dimensions).some((value) => typeof value !== 'string')
      ) {
        throw new CliUsageError(`${file} line ${index + 1}: needs {"name": string, "value": number, "dimensions"?: {string: string}}`);
      }
      if (typeof record.time === 'number' && (record.time < window.from || record.time >= window.to)) continue;
      datapoints.push({ name: record.name, value: record.value, dimensions });
    }
    return trafficFromDatapoints(datapoints);
  },
});

const unmapped = async (deps: AuditCliDeps, args: readonly string[]): Promise<number> => {
  let values: { days?: string; 'metrics-file'?: string };
  try {
    ({ values } = parseArgs({ args: [...args], options: { days: { type: 'string' }, 'metrics-file': { type: 'string' } }, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const days = values.days === undefined ? AUDIT_WINDOW_DAYS : Number(values.days);
  if (!Number.isFinite(days) || days <= 0 || days > AUDIT_MAX_DAYS) throw new CliUsageError(`--days must be a number of days from 1 to ${AUDIT_MAX_DAYS}, got "${values.days}"`);
  const file = values['metrics-file'];
  let traffic: TrafficSource;
  if (file === undefined) {
    traffic = deps.cloudWatch();
  } else {
    let text: string;
    try {
      text = deps.readFile(file);
    } catch (error) {
      throw new CliUsageError(`cannot read --metrics-file ${file}: ${(error as Error).message}`);
    }
    traffic = fileTrafficSource(text, file);
  }
  let report;
  try {
    report = await runUnmappedAudit({ traffic, clock: deps.clock, log: quiet, metrics: noMetrics }, days);
  } catch (error) {
    if (error instanceof AuditInputError) throw new CliUsageError(error.message);
    throw error;
  }
  const { unmapped: labels, ...summary } = report;
  for (const label of labels) deps.write(`${JSON.stringify(label)}\n`);
  deps.write(`${JSON.stringify({ ...summary, source: file === undefined ? 'cloudwatch' : file })}\n`);
  return 0;
};

/** Runs one `audit` command; returns the exit code. Usage problems are thrown as CliUsageError. */
export const runAudit = async (argv: readonly string[], deps: AuditCliDeps): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command ?? '') {
    case 'unmapped':
      return unmapped(deps, rest);
    default:
      throw new CliUsageError(command === undefined || command === '' ? 'missing audit command' : `unknown audit command "${command}"`);
  }
};
