import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics';
import type { Log, MetricsSink, MetricUnit } from '../ports';

/**
 * Logger and Metrics, set up once per container. Service name and namespace come from the
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE variables the stack sets.
 */
export const logger = new Logger({ serviceName: 'mangaassist-gateway' });
export const metrics = new Metrics({ namespace: 'MangaAssist', serviceName: 'mangaassist-gateway' });

/** The core's Log port over the Powertools logger (structured JSON with the Lambda context). */
export const log: Log = {
  debug: (message, extra) => (extra ? logger.debug(message, extra) : logger.debug(message)),
  info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
  warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
  error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
};

const UNITS: Readonly<Record<MetricUnit, (typeof PowertoolsUnit)[keyof typeof PowertoolsUnit]>> = {
  Count: PowertoolsUnit.Count,
  Milliseconds: PowertoolsUnit.Milliseconds,
  None: PowertoolsUnit.NoUnit,
};

/**
 * Each record is its own EMF document so every metric keeps its own dimensions (Intent, Tier) — the runbook
 * alarms read them per intent and per tier.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  record(name: string, value: number, unit: MetricUnit, dimensions: Readonly<Record<string, string>> = {}): void {
    const single = metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, UNITS[unit], value);
  }
}
