import * as z from 'zod';
import type { ModelCatalog } from '../core/catalog';
import { ENV } from './env-names';

const modelSpec = z.object({
  modelId: z.string().min(1),
  foundationModelId: z.string().min(1),
  profileRegions: z.array(z.string()),
  inputUsdPerMTok: z.number().nonnegative(),
  outputUsdPerMTok: z.number().nonnegative(),
  maxOutputTokens: z.number().int().positive(),
});

const catalogJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ haiku: modelSpec, sonnet: modelSpec }));

const tableName = z.string().min(3).max(255);

/** Every variable any handler reads; each handler's config picks the ones it needs. */
const environment = z.object({
  [ENV.sessionsTable]: tableName,
  [ENV.routingTable]: tableName,
  [ENV.ordersTable]: tableName,
  [ENV.modelCatalog]: catalogJson,
  [ENV.redisUrl]: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  [ENV.dailyBudgetUsd]: z.coerce.number().positive(),
  [ENV.connectionsEndpoint]: z.url().optional(),
  [ENV.bedrockEndpoint]: z.url().optional(),
  [ENV.bedrockRequestTimeoutMs]: z.coerce.number().int().positive().default(10_000),
  AWS_REGION: z.string().min(1).default('ap-northeast-1'),
});

export type Environment = z.infer<typeof environment>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the variables a handler needs, once, at cold start; a missing or malformed one fails the init with every
 * problem listed, rather than the first request with one.
 */
export const loadConfig = <K extends keyof Environment>(
  source: Readonly<Record<string, string | undefined>>,
  keys: readonly K[],
): Pick<Environment, K> => {
  // zod's pick() cannot be typed from a generic key list; the cast is checked by the Pick<> return type below.
  const mask = Object.fromEntries(keys.map((key) => [key, true])) as Record<keyof Environment, true>;
  const result = environment.pick(mask).safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid Lambda environment: ${problems}`);
  }
  return result.data as unknown as Pick<Environment, K>;
};

export type { ModelCatalog };
