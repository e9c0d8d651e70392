import { BedrockError, validationError } from './errors';
import type { ControlFaultInjector } from './control-faults';
import { FaultConfigError, type FaultInjector } from './faults';
import type { HttpExchange } from './http-exchange';
import type { ProvisionedStore } from './provisioned-state';
import { QuotaConfigError, type ThroughputMeter } from './quotas';
import type { StatsRecorder } from './stats';

/**
 * The emulator's own routes, for tests and operators (never part of Bedrock):
 *   GET|DELETE /_local/stats           counters, quota windows, tokens served per model; DELETE zeroes the counters
 *   GET|POST   /_local/faults          runtime fault configuration (POST: a partial patch)
 *   GET|POST   /_local/control-faults  control-plane fault configuration (POST: a partial patch)
 *   GET        /_local/provisioned     every Provisioned Throughput with its current status
 *   GET|POST   /_local/quotas          on-demand tokens-per-minute quotas (POST: the whole map, `{}` = unlimited)
 */
export interface LocalRoutesContext {
  readonly stats: StatsRecorder;
  readonly faults: FaultInjector;
  readonly controlFaults: ControlFaultInjector;
  readonly store: ProvisionedStore;
  readonly meter: ThroughputMeter;
  readonly maxBodyBytes: number;
}

const readJsonBody = async (ex: HttpExchange, maxBodyBytes: number): Promise<unknown> => {
  try {
    return JSON.parse(await ex.readBody(maxBodyBytes));
  } catch (error) {
    throw error instanceof BedrockError ? error : validationError('The body is not valid JSON');
  }
};

/** Runs a configuration change; a configuration error is the caller's fault (HTTP 400). */
const configure = <T>(apply: () => T): T => {
  try {
    return apply();
  } catch (error) {
    throw error instanceof FaultConfigError || error instanceof QuotaConfigError ? validationError(error.message) : error;
  }
};

export const serveLocalRoute = async (ex: HttpExchange, context: LocalRoutesContext): Promise<void> => {
  const { stats, faults, controlFaults, store, meter, maxBodyBytes } = context;
  const route = `${ex.method} ${ex.path}`;
  switch (route) {
    case 'GET /_local/stats':
      return ex.sendJson(200, stats.snapshot());
    case 'DELETE /_local/stats':
      stats.reset();
      return ex.sendJson(200, stats.snapshot());
    case 'GET /_local/faults':
      return ex.sendJson(200, faults.config);
    case 'POST /_local/faults': {
      const patch = await readJsonBody(ex, maxBodyBytes);
      return ex.sendJson(200, configure(() => faults.update(patch)));
    }
    case 'GET /_local/control-faults':
      return ex.sendJson(200, controlFaults.config);
    case 'POST /_local/control-faults': {
      const patch = await readJsonBody(ex, maxBodyBytes);
      return ex.sendJson(200, configure(() => controlFaults.update(patch)));
    }
    case 'GET /_local/provisioned':
      return ex.sendJson(200, { provisionedModels: store.all() });
    case 'GET /_local/quotas':
      return ex.sendJson(200, meter.quotas);
    case 'POST /_local/quotas': {
      const quotas = await readJsonBody(ex, maxBodyBytes);
      return ex.sendJson(200, configure(() => meter.setQuotas(quotas)));
    }
    default:
      throw validationError(`Unknown operation: ${route}`);
  }
};
