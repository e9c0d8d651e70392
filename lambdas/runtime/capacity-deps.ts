import { BedrockCapacityControl } from '../adapters/bedrock-capacity-control';
import { DynamoCalendarStore, DynamoCapacityStateStore } from '../adapters/dynamodb-capacity';
import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import type { ReconcileDeps } from '../app/capacity/reconcile-capacity';
import { createBedrockControlClient } from './clients/bedrock-control';
import { createDocumentClient } from './clients/dynamodb';
import { loadConfig } from './config';
import { systemClock } from './system';

/**
 * What both scheduled capacity functions are built with, once per cold start: the environment parsed (a bad
 * CAPACITY_CONFIG fails the init with every problem listed), the Bedrock control-plane and DynamoDB clients.
 */
export const capacityDepsFromEnvironment = (environment: Readonly<Record<string, string | undefined>>): ReconcileDeps => {
  const config = loadConfig(environment, ['CAPACITY_TABLE', 'CALENDAR_TABLE', 'CAPACITY_CONFIG', 'MODEL_CATALOG', 'AWS_REGION', 'BEDROCK_CONTROL_ENDPOINT']);
  const documents = createDocumentClient({ region: config.AWS_REGION });
  const bedrock = createBedrockControlClient({ region: config.AWS_REGION, ...(config.BEDROCK_CONTROL_ENDPOINT && { endpoint: config.BEDROCK_CONTROL_ENDPOINT }) });
  return {
    control: new BedrockCapacityControl(bedrock, systemClock),
    state: new DynamoCapacityStateStore(documents, config.CAPACITY_TABLE),
    calendar: new DynamoCalendarStore(documents, config.CALENDAR_TABLE, systemClock),
    catalog: config.MODEL_CATALOG,
    config: config.CAPACITY_CONFIG,
    clock: systemClock,
    log,
    metrics: new PowertoolsMetricsSink(),
  };
};
