import { appendFileSync } from 'node:fs';
import type { Clock, Log, MetricsSink, MetricUnit } from '../lambdas/ports';

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

export interface MetricsFile {
  /** Appended to, one JSON line per datapoint: {"time","name","value","unit","dimensions"} (`cli audit unmapped --metrics-file`). */
  readonly path: string;
  readonly clock: Clock;
}

/** Datapoints the offline stack keeps in memory by default (a few per answer: the last few thousand answers). */
export const DEFAULT_METRICS_WINDOW = 10_000;

/**
 * Keeps the most recent metrics in memory (a window of `window` datapoints, so a long-running `npm start` does not
 * grow with traffic), so the offline stack and the tests can read what CloudWatch would receive; with a file, also
 * appends every datapoint to it, so a command in another process (`audit unmapped`) can read all the traffic.
 * `sum` and `records` see the window only.
 */
export class RecordingMetrics implements MetricsSink {
  readonly records: RecordedMetric[] = [];
  private readonly window: number;

  constructor(
    private readonly file?: MetricsFile,
    window: number = DEFAULT_METRICS_WINDOW,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new Error(`metrics window must be a positive integer, got ${window}`);
    this.window = window;
  }

  record(name: string, value: number, unit: MetricUnit, dimensions: Readonly<Record<string, string>> = {}): void {
    this.records.push({ name, value, unit, dimensions });
    // One out for one in: the window stays exact, and a shift of a few thousand pointers costs microseconds.
    if (this.records.length > this.window) this.records.shift();
    // Synchronous: a local stack's metrics are a few per request, and a line must not be lost on Ctrl-C.
    if (this.file) appendFileSync(this.file.path, `${JSON.stringify({ time: this.file.clock.now(), name, value, unit, dimensions })}\n`);
  }

  sum(name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.records
      .filter((r) => r.name === name && Object.entries(dimensions).every(([k, v]) => r.dimensions[k] === v))
      .reduce((total, r) => total + r.value, 0);
  }
}
