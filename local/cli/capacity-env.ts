import { BedrockCapacityControl } from '../../lambdas/adapters/bedrock-capacity-control';
import { DynamoCalendarStore, DynamoCapacityStateStore } from '../../lambdas/adapters/dynamodb-capacity';
import { CATALOG_PROFILES, MODEL_CATALOGS, type CatalogProfile, type ModelCatalog } from '../../lambdas/core/catalog';
import { createBedrockControlClient } from '../../lambdas/runtime/clients/bedrock-control';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import type { ClientOptions } from '../../lambdas/runtime/clients/options';
import { CapacityConfigError, parseCapacityConfig } from '../../lambdas/runtime/capacity-config';
import { ConfigError, loadConfig } from '../../lambdas/runtime/config';
import { systemClock } from '../../lambdas/runtime/system';
import { LOCAL_CREDENTIALS } from '../dynamo';
import { consoleLog, RecordingMetrics } from '../console-log';
import { CliUsageError, type CapacityCliDeps, type CapacityStores } from './capacity';

/** The deployed functions' MODEL_CATALOG when given (overrides included), else a named profile. */
export const catalogFrom = (env: Readonly<Record<string, string | undefined>>): ModelCatalog => {
  if (env['MODEL_CATALOG'] !== undefined) {
    try {
      return loadConfig(env, ['MODEL_CATALOG']).MODEL_CATALOG;
    } catch (error) {
      throw new CliUsageError(error instanceof ConfigError ? error.message : String(error));
    }
  }
  const profile = env['MODEL_CATALOG_PROFILE'] ?? 'current';
  if (!(CATALOG_PROFILES as readonly string[]).includes(profile)) throw new CliUsageError(`MODEL_CATALOG_PROFILE must be one of ${CATALOG_PROFILES.join(', ')}`);
  return MODEL_CATALOGS[profile as CatalogProfile];
};

/**
 * The capacity CLI's dependencies from the environment: the same variables the Lambda functions read
 * (CAPACITY_CONFIG, MODEL_CATALOG, CAPACITY_TABLE, CALENDAR_TABLE, AWS_REGION) plus, for the offline stack, DYNAMODB_ENDPOINT and
 * BEDROCK_CONTROL_ENDPOINT (with local credentials when none are set). `npm start` prints the exact line to export.
 */
export const capacityCliDeps = (env: Readonly<Record<string, string | undefined>>, write: (line: string) => void): CapacityCliDeps => {
  let config;
  try {
    config = parseCapacityConfig(env['CAPACITY_CONFIG']);
  } catch (error) {
    throw new CliUsageError(error instanceof CapacityConfigError ? error.message : String(error));
  }
  const catalog = catalogFrom(env);
  const region = env['AWS_REGION'] ?? 'ap-northeast-1';
  const local = env['DYNAMODB_ENDPOINT'] !== undefined || env['BEDROCK_CONTROL_ENDPOINT'] !== undefined;
  const credentials = local && env['AWS_ACCESS_KEY_ID'] === undefined ? { credentials: LOCAL_CREDENTIALS } : {};
  const clientOptions = (endpoint: string | undefined): ClientOptions => ({ region, ...credentials, ...(endpoint && { endpoint }) });
  const documents = () => createDocumentClient(clientOptions(env['DYNAMODB_ENDPOINT']));
  const calendarTable = env['CALENDAR_TABLE'];
  const capacityTable = env['CAPACITY_TABLE'];
  let stores: CapacityStores | undefined;
  return {
    config,
    catalog,
    clock: systemClock,
    planCalendar: async () => (calendarTable ? new DynamoCalendarStore(documents(), calendarTable) : undefined),
    stores: async () => {
      if (!calendarTable || !capacityTable) {
        throw new CliUsageError('set CAPACITY_TABLE and CALENDAR_TABLE (and AWS credentials); offline, `npm start` prints the variables to export');
      }
      const client = documents();
      stores ??= {
        calendar: new DynamoCalendarStore(client, calendarTable),
        state: new DynamoCapacityStateStore(client, capacityTable),
        control: new BedrockCapacityControl(createBedrockControlClient(clientOptions(env['BEDROCK_CONTROL_ENDPOINT']))),
      };
      return stores;
    },
    log: consoleLog(env['LOG_LEVEL'] === 'debug' ? 'debug' : 'warn'),
    metrics: new RecordingMetrics(),
    write,
    operator: env['USER'] ?? 'unknown',
    configIsExplicit: env['CAPACITY_CONFIG'] !== undefined,
  };
};
