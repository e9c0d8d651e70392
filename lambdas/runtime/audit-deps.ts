import { cloudWatchReader, CloudWatchTrafficSource } from '../adapters/cloudwatch-traffic';
import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import type { UnmappedAuditDeps } from '../app/audit-unmapped';
import { createCloudWatchClient } from './clients/cloudwatch';
import { ConfigError, loadConfig } from './config';
import { systemClock } from './system';

/**
 * The audit function's dependencies, once per cold start. It reads the series the gateway's functions publish:
 * the same namespace and `service` dimension, which the house construct sets on every function
 * (POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME; lib/handler-specs.ts RUNTIME_ENVIRONMENT).
 */
export const auditDepsFromEnvironment = (environment: Readonly<Record<string, string | undefined>>): UnmappedAuditDeps => {
  const { AWS_REGION: region } = loadConfig(environment, ['AWS_REGION']);
  const namespace = environment['POWERTOOLS_METRICS_NAMESPACE'];
  const service = environment['POWERTOOLS_SERVICE_NAME'];
  if (!namespace || !service) throw new ConfigError('invalid Lambda environment: POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME are required');
  return {
    traffic: new CloudWatchTrafficSource(cloudWatchReader(createCloudWatchClient({ region })), namespace, service),
    clock: systemClock,
    log,
    metrics: new PowertoolsMetricsSink(),
  };
};
