import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { setTimeout as sleep } from 'node:timers/promises';
import { ElastiCacheTokenCache, SecretsManagerTokenSecret } from '../adapters/cache-auth-aws';
import { logger } from '../adapters/powertools';
import { parseRotationEvent, rotateCacheToken } from '../app/rotate-cache-token';
import { ConfigError, loadConfig } from '../runtime/config';

/** The rotation function of the cache's AUTH token secret (Secrets Manager invokes it; lib/constructs/cache.ts). */
const config = loadConfig(process.env, ['CACHE_AUTH_SECRET_ARN', 'CACHE_REPLICATION_GROUP_ID', 'AWS_REGION']);
if (config.CACHE_AUTH_SECRET_ARN === undefined || config.CACHE_REPLICATION_GROUP_ID === undefined) {
  throw new ConfigError('invalid Lambda environment: CACHE_AUTH_SECRET_ARN and CACHE_REPLICATION_GROUP_ID are required');
}
const secret = new SecretsManagerTokenSecret(new SecretsManagerClient({ region: config.AWS_REGION }), config.CACHE_AUTH_SECRET_ARN);
const cache = new ElastiCacheTokenCache(new ElastiCacheClient({ region: config.AWS_REGION }), config.CACHE_REPLICATION_GROUP_ID);

/** An AUTH token change takes minutes to apply: testSecret polls within the function's 15 min timeout. */
const WAIT = { maxWaitMs: 12 * 60_000, pollMs: 15_000 } as const;

export const handler = async (event: unknown): Promise<void> => {
  const rotation = parseRotationEvent(event);
  logger.info('cache token rotation step', { step: rotation.step, versionId: rotation.versionId });
  await rotateCacheToken({ secret, cache, sleep: (ms) => sleep(ms), ...WAIT }, rotation);
};
