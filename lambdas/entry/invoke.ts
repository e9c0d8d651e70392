import { BedrockModelClient } from '../adapters/bedrock-model-client';
import { DynamoCapacityStateStore } from '../adapters/dynamodb-capacity';
import { DynamoOrderStore, DynamoRoutingConfigStore } from '../adapters/dynamodb-stores';
import { createRedisClient, RedisStore } from '../adapters/redis-store';
import { makeInvokeHandler } from '../handlers/invoke';
import { createBedrockRuntimeClient } from '../runtime/clients/bedrock';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';
import { wireAnswer } from '../runtime/wiring';

const config = loadConfig(process.env, [
  'ROUTING_TABLE',
  'ORDERS_TABLE',
  'CAPACITY_TABLE',
  'CAPACITY_CONFIG',
  'MODEL_CATALOG',
  'REDIS_URL',
  'AWS_REGION',
  'CONNECTIONS_ENDPOINT',
  'BEDROCK_ENDPOINT',
  'BEDROCK_REQUEST_TIMEOUT_MS',
]);
const documents = createDocumentClient({ region: config.AWS_REGION });
const bedrock = createBedrockRuntimeClient({
  region: config.AWS_REGION,
  requestTimeoutMs: config.BEDROCK_REQUEST_TIMEOUT_MS,
  ...(config.BEDROCK_ENDPOINT && { endpoint: config.BEDROCK_ENDPOINT }),
});
const frame = lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT);

export const handler = instrument(
  makeInvokeHandler({
    ...frame,
    answer: wireAnswer({
      ...frame,
      routingConfig: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      capacityState: new DynamoCapacityStateStore(documents, config.CAPACITY_TABLE),
      capacityConfig: config.CAPACITY_CONFIG,
      orders: new DynamoOrderStore(documents, config.ORDERS_TABLE),
      model: new BedrockModelClient(bedrock, { streamIdleTimeoutMs: config.BEDROCK_REQUEST_TIMEOUT_MS }),
      store: new RedisStore(createRedisClient(config.REDIS_URL)),
      catalog: config.MODEL_CATALOG,
    }),
  }),
);
