import type Redis from 'ioredis';
import { DynamoCalendarStore } from '../../lambdas/adapters/dynamodb-capacity';
import { RedisBudgetLedger } from '../../lambdas/adapters/redis-budget';
import { createRedisClient } from '../../lambdas/adapters/redis-store';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import { BudgetConfigError, parseBudgetConfig } from '../../lambdas/runtime/budget-config';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../../lambdas/runtime/system';
import { LOCAL_CREDENTIALS } from '../dynamo';
import type { BudgetCliDeps } from './budget';
import { CliUsageError } from './capacity';
import { catalogFrom } from './capacity-env';

/**
 * The budget CLI's dependencies from the environment: REDIS_URL (the gateway's Redis), DAILY_BUDGET_USD and
 * BUDGET_CONFIG as the deployed invoke function has them, CALENDAR_TABLE (and DYNAMODB_ENDPOINT offline).
 * `close()` lets the process exit (an open Redis connection would keep it alive).
 */
export const budgetCliDeps = (env: Readonly<Record<string, string | undefined>>, write: (line: string) => void): BudgetCliDeps & { close(): Promise<void> } => {
  const dailyText = env['DAILY_BUDGET_USD'] ?? '2500';
  const dailyUsd = Number(dailyText);
  if (!(dailyUsd > 0) || !Number.isFinite(dailyUsd)) throw new CliUsageError(`DAILY_BUDGET_USD must be a positive amount, got "${dailyText}"`);
  let config;
  try {
    config = parseBudgetConfig(env['BUDGET_CONFIG'], dailyUsd);
  } catch (error) {
    throw new CliUsageError(error instanceof BudgetConfigError ? error.message : String(error));
  }
  const region = env['AWS_REGION'] ?? 'ap-northeast-1';
  const endpoint = env['DYNAMODB_ENDPOINT'];
  const credentials = endpoint !== undefined && env['AWS_ACCESS_KEY_ID'] === undefined ? { credentials: LOCAL_CREDENTIALS } : {};
  let redis: Redis | undefined;
  return {
    config,
    catalog: catalogFrom(env),
    map: DEFAULT_ROUTING_MAP,
    clock: systemClock,
    ledger: async () => {
      const url = env['REDIS_URL'];
      if (!url) throw new CliUsageError('set REDIS_URL to the gateway’s Redis (offline: start it with `REDIS_URL=redis://127.0.0.1:6379 npm start`)');
      redis ??= createRedisClient(url);
      return new RedisBudgetLedger(redis);
    },
    calendar: async () => {
      const table = env['CALENDAR_TABLE'];
      return table ? new DynamoCalendarStore(createDocumentClient({ region, ...credentials, ...(endpoint && { endpoint }) }), table) : undefined;
    },
    write,
    operator: env['USER'] ?? 'unknown',
    close: async () => {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
};
