import { DynamoCapacityStateStore } from '../adapters/dynamodb-capacity';
import { DynamoFaqStore } from '../adapters/dynamodb-faq';
import { DynamoRoutingConfigStore } from '../adapters/dynamodb-stores';
import { makeRouteHandler } from '../handlers/route';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';
import { wireRouter } from '../runtime/wiring';

const config = loadConfig(process.env, ['ROUTING_TABLE', 'CAPACITY_TABLE', 'FAQ_TABLE', 'CAPACITY_CONFIG', 'MODEL_CATALOG', 'AWS_REGION', 'CONNECTIONS_ENDPOINT']);
const documents = createDocumentClient({ region: config.AWS_REGION });
const frame = lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT);

export const handler = instrument(
  makeRouteHandler({
    ...frame,
    route: wireRouter({
      ...frame,
      routingConfig: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      capacityState: new DynamoCapacityStateStore(documents, config.CAPACITY_TABLE),
      faq: new DynamoFaqStore(documents, config.FAQ_TABLE),
      capacityConfig: config.CAPACITY_CONFIG,
      catalog: config.MODEL_CATALOG,
    }),
  }),
);
