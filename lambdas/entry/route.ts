import { BedrockIntentClassifier } from '../adapters/bedrock-intent-classifier';
import { DynamoCapacityStateStore } from '../adapters/dynamodb-capacity';
import { DynamoExperimentStore } from '../adapters/dynamodb-experiments';
import { DynamoFaqStore } from '../adapters/dynamodb-faq';
import { DynamoRoutingVersionStore } from '../adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../adapters/dynamodb-stores';
import { DEFAULT_LLM_CLASSIFIER_CONFIG } from '../app/classify-message';
import { makeRouteHandler } from '../handlers/route';
import { createBedrockRuntimeClient } from '../runtime/clients/bedrock';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';
import { wireRouter } from '../runtime/wiring';

const config = loadConfig(process.env, ['ROUTING_TABLE', 'ROUTING_VERSIONS_TABLE', 'EXPERIMENTS_TABLE', 'CAPACITY_TABLE', 'FAQ_TABLE', 'CAPACITY_CONFIG', 'MODEL_CATALOG', 'AWS_REGION', 'CONNECTIONS_ENDPOINT']);
const documents = createDocumentClient({ region: config.AWS_REGION });
const frame = lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT);
// Only the LLM classifier fallback calls Bedrock here (InvokeModel on the cheap tier: lib/handler-specs.ts
// classifiesWithLlm); its own timeout bounds the call, the socket limit matches it.
const bedrock = createBedrockRuntimeClient({ region: config.AWS_REGION, requestTimeoutMs: DEFAULT_LLM_CLASSIFIER_CONFIG.timeoutMs });

export const handler = instrument(
  makeRouteHandler({
    ...frame,
    route: wireRouter({
      ...frame,
      routingConfig: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      routingVersions: new DynamoRoutingVersionStore(documents, config.ROUTING_VERSIONS_TABLE),
      experiments: new DynamoExperimentStore(documents, config.EXPERIMENTS_TABLE),
      capacityState: new DynamoCapacityStateStore(documents, config.CAPACITY_TABLE),
      faq: new DynamoFaqStore(documents, config.FAQ_TABLE),
      capacityConfig: config.CAPACITY_CONFIG,
      catalog: config.MODEL_CATALOG,
      // The same second opinion invoke asks for below the fast path's threshold; not charged to the ledger (route
      // cannot reach it), counted in ClassifierCostMicroUsd.
      llmClassifier: {
        oracle: new BedrockIntentClassifier(bedrock, { modelId: config.MODEL_CATALOG.haiku.modelId, timeoutMs: DEFAULT_LLM_CLASSIFIER_CONFIG.timeoutMs }),
      },
    }),
  }),
);
