import type { Log, MetricsSink, MetricUnit } from '../lambdas/ports';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

export const isLogLevel = (value: string): value is LogLevel => (LEVELS as readonly string[]).includes(value);

const describe = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message } : value;

/** The offline stack's Log: one JSON line per entry on stderr, from `level` up. */
export const consoleLog = (level: LogLevel): Log => {
  const threshold = LEVELS.indexOf(level);
  const write = (entryLevel: LogLevel) => (message: string, extra?: Record<string, unknown>) => {
    if (LEVELS.indexOf(entryLevel) < threshold) return;
    const fields = Object.fromEntries(Object.entries(extra ?? {}).map(([key, value]) => [key, describe(value)]));
    process.stderr.write(`${JSON.stringify({ level: entryLevel, message, ...fields })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
};

export interface RecordedMetric {
  readonly name: string;
  readonly value: number;
  readonly unit: MetricUnit;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Keeps metrics in memory, so the offline stack and the tests can read what CloudWatch would receive. */
export class RecordingMetrics implements MetricsSink {
  readonly records: RecordedMetric[] = [];

  record(name: string, value: number, unit: MetricUnit, dimensions: Readonly<Record<string, string>> = {}): void {
    this.records.push({ name, value, unit, dimensions });
  }

  sum(name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.records
      .filter((r) => r.name === name && Object.entries(dimensions).every(([k, v]) => r.dimensions[k] === v))
      .reduce((total, r) => total + r.value, 0);
  }
}
