import { BedrockIntentClassifier } from '../adapters/bedrock-intent-classifier';
import { BedrockModelClient } from '../adapters/bedrock-model-client';
import { DEFAULT_LLM_CLASSIFIER_CONFIG } from '../app/classify-message';
import { DynamoCalendarStore, DynamoCapacityStateStore } from '../adapters/dynamodb-capacity';
import { DynamoExperimentStore } from '../adapters/dynamodb-experiments';
import { DynamoFaqStore } from '../adapters/dynamodb-faq';
import { DynamoAnswerRecordStore } from '../adapters/dynamodb-answer-records';
import { DynamoConversationStore } from '../adapters/dynamodb-conversation';
import { DynamoOrderStore, DynamoRoutingConfigStore, DynamoSessionStore } from '../adapters/dynamodb-stores';
import { DynamoRoutingVersionStore } from '../adapters/dynamodb-routing-versions';
import { RedisBudgetLedger } from '../adapters/redis-budget';
import { RedisLimitStore } from '../adapters/redis-limits';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCacheAuthToken } from '../adapters/cache-auth-secret';
import { log } from '../adapters/powertools';
import { createRedisClient, RedisStore, setRedisPassword } from '../adapters/redis-store';
import { cacheAuthentication } from '../runtime/cache-auth';
import { makeInvokeHandler } from '../handlers/invoke';
import { createBedrockRuntimeClient } from '../runtime/clients/bedrock';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';
import { wireAnswer } from '../runtime/wiring';

const config = loadConfig(process.env, [
  'SESSIONS_TABLE',
  'ROUTING_TABLE',
  'ROUTING_VERSIONS_TABLE',
  'EXPERIMENTS_TABLE',
  'ORDERS_TABLE',
  'CAPACITY_TABLE',
  'FAQ_TABLE',
  'CAPACITY_CONFIG',
  'CALENDAR_TABLE',
  'DAILY_BUDGET_USD',
  'BUDGET_CONFIG',
  'CASCADE_CONFIG',
  'LIMITS_CONFIG',
  'MODEL_CATALOG',
  'REDIS_URL',
  'AWS_REGION',
  'CONNECTIONS_ENDPOINT',
  'BEDROCK_ENDPOINT',
  'BEDROCK_REQUEST_TIMEOUT_MS',
  'GUARDRAIL_ID',
  'GUARDRAIL_VERSION',
  'CACHE_AUTH_SECRET_ARN',
]);
const documents = createDocumentClient({ region: config.AWS_REGION });
const bedrock = createBedrockRuntimeClient({
  region: config.AWS_REGION,
  requestTimeoutMs: config.BEDROCK_REQUEST_TIMEOUT_MS,
  ...(config.BEDROCK_ENDPOINT && { endpoint: config.BEDROCK_ENDPOINT }),
});
const frame = lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT);
// One fail-fast client for the answer cache and the budget ledger: the same ElastiCache, one connection.
const redis = createRedisClient(config.REDIS_URL);
// Its AUTH token (Secrets Manager), read once per cold start, before the first command.
const secretArn = config.CACHE_AUTH_SECRET_ARN;
const ensureCacheAuth =
  secretArn === undefined
    ? async () => undefined
    : cacheAuthentication(() => readCacheAuthToken(new SecretsManagerClient({ region: config.AWS_REGION }), secretArn), (token) => setRedisPassword(redis, token), log);
void ensureCacheAuth();
// The guardrail every answer goes through: both set by the stack, or neither (guardrailEnabled false).
const guardrail = config.GUARDRAIL_ID !== undefined && config.GUARDRAIL_VERSION !== undefined ? { identifier: config.GUARDRAIL_ID, version: config.GUARDRAIL_VERSION } : undefined;

const answerInvoke = makeInvokeHandler({
    ...frame,
    sessions: new DynamoSessionStore(documents, config.SESSIONS_TABLE),
    answer: wireAnswer({
      ...frame,
      routingConfig: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      routingVersions: new DynamoRoutingVersionStore(documents, config.ROUTING_VERSIONS_TABLE),
      capacityState: new DynamoCapacityStateStore(documents, config.CAPACITY_TABLE),
      faq: new DynamoFaqStore(documents, config.FAQ_TABLE),
      capacityConfig: config.CAPACITY_CONFIG,
      orders: new DynamoOrderStore(documents, config.ORDERS_TABLE),
      model: new BedrockModelClient(bedrock, { streamIdleTimeoutMs: config.BEDROCK_REQUEST_TIMEOUT_MS, ...(guardrail && { guardrail }) }),
      store: new RedisStore(redis),
      ledger: new RedisBudgetLedger(redis),
      calendar: new DynamoCalendarStore(documents, config.CALENDAR_TABLE, systemClock),
      budgetConfig: { ...config.BUDGET_CONFIG, dailyUsd: config.DAILY_BUDGET_USD },
      catalog: config.MODEL_CATALOG,
      conversation: new DynamoConversationStore(documents, config.SESSIONS_TABLE),
      answerRecords: new DynamoAnswerRecordStore(documents, config.SESSIONS_TABLE),
      // Running experiments per intent, and each answer counted on its arm.
      experiments: new DynamoExperimentStore(documents, config.EXPERIMENTS_TABLE),
      // Limits per principal and connection (LIMITS_CONFIG over the defaults), counted in the same Redis.
      limits: { store: new RedisLimitStore(redis), config: config.LIMITS_CONFIG },
      // The intents that try the cheap tier first (CASCADE_CONFIG); none unless configured.
      options: { cascade: config.CASCADE_CONFIG },
      // Below the fast path's threshold the cheap tier classifies through one forced tool call (800 ms at most).
      llmClassifier: {
        oracle: new BedrockIntentClassifier(bedrock, { modelId: config.MODEL_CATALOG.haiku.modelId, timeoutMs: DEFAULT_LLM_CLASSIFIER_CONFIG.timeoutMs }),
      },
    }),
  });

// The first invocation of a container waits for the cache's AUTH token (a no-op afterwards).
export const handler = instrument(async (event: unknown) => {
  await ensureCacheAuth();
  return answerInvoke(event);
});
