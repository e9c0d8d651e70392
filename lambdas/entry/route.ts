import { DynamoRoutingConfigStore } from '../adapters/dynamodb-stores';
import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import { makeRouteHandler } from '../handlers/route';
import { createMessengerFor } from '../runtime/clients/apigw';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';
import { wireRouter } from '../runtime/wiring';

const config = loadConfig(process.env, ['ROUTING_TABLE', 'MODEL_CATALOG', 'AWS_REGION', 'CONNECTIONS_ENDPOINT']);
const documents = createDocumentClient({ region: config.AWS_REGION });
const metrics = new PowertoolsMetricsSink();

export const handler = instrument(
  makeRouteHandler({
    route: wireRouter({
      routingConfig: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      catalog: config.MODEL_CATALOG,
      clock: systemClock,
      log,
      metrics,
    }),
    messengerFor: createMessengerFor({ region: config.AWS_REGION }, config.CONNECTIONS_ENDPOINT),
    clock: systemClock,
    log,
    metrics,
  }),
);
