import * as z from 'zod/mini';
import './validation';
import type { ModelCatalog } from '../core/catalog';
import { parseBudgetConfig } from './budget-config';
import { parseCapacityConfig } from './capacity-config';
import { parseCascadeConfig } from './cascade-config';
import { parseExperimentConfig } from './experiments-config';
import { ENV } from './env-names';
import { parseLimitsConfig } from './limits-config';

/** Bedrock's patterns for GuardrailConfiguration.guardrailIdentifier and guardrailVersion (Converse API reference). */
export const GUARDRAIL_IDENTIFIER = /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/;
export const GUARDRAIL_VERSION = /^(([1-9][0-9]{0,7})|(DRAFT))$/;

const nonEmpty = () => z.string().check(z.minLength(1));
const nonNegative = () => z.number().check(z.gte(0));

const modelSpec = z.object({
  modelId: nonEmpty(),
  foundationModelId: nonEmpty(),
  profileRegions: z.array(z.string()),
  inputUsdPerMTok: nonNegative(),
  outputUsdPerMTok: nonNegative(),
  maxOutputTokens: z.int().check(z.positive()),
});

const catalogJson = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'must be JSON', input: text });
        return z.NEVER;
      }
    }),
  ),
  z.object({ haiku: modelSpec, sonnet: modelSpec }),
);

const tableName = z.string().check(z.minLength(3), z.maxLength(255));

/** Every variable any handler reads; each handler's config picks the ones it needs. */
const environment = z.object({
  [ENV.sessionsTable]: tableName,
  [ENV.routingTable]: tableName,
  [ENV.routingVersionsTable]: tableName,
  [ENV.ordersTable]: tableName,
  [ENV.experimentsTable]: tableName,
  [ENV.experimentsConfig]: z.pipe(
    z.optional(z.string()),
    z.transform((text: string | undefined, ctx) => {
      try {
        return parseExperimentConfig(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  [ENV.modelCatalog]: catalogJson,
  [ENV.redisUrl]: z.string().check(z.regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')),
  [ENV.dailyBudgetUsd]: z.coerce.number().check(z.positive()),
  // The guardian's configuration without the daily budget (DAILY_BUDGET_USD): the entry puts the two together.
  [ENV.budgetConfig]: z.pipe(
    z.optional(z.string()),
    z.transform((text: string | undefined, ctx) => {
      try {
        const { dailyUsd: _unset, ...policy } = parseBudgetConfig(text);
        return policy;
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  [ENV.connectionsEndpoint]: z.optional(z.url()),
  [ENV.bedrockEndpoint]: z.optional(z.url()),
  [ENV.bedrockRequestTimeoutMs]: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
  [ENV.calendarTable]: tableName,
  [ENV.faqTable]: tableName,
  [ENV.capacityTable]: tableName,
  [ENV.capacityConfig]: z.pipe(
    z.optional(z.string()),
    z.transform((text: string | undefined, ctx) => {
      try {
        return parseCapacityConfig(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  [ENV.cascadeConfig]: z.pipe(
    z.optional(z.string()),
    z.transform((text: string | undefined, ctx) => {
      try {
        return parseCascadeConfig(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  [ENV.limitsConfig]: z.pipe(
    z.optional(z.string()),
    z.transform((text: string | undefined, ctx) => {
      try {
        return parseLimitsConfig(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  [ENV.bedrockControlEndpoint]: z.optional(z.url()),
  // The shapes Bedrock accepts (GuardrailConfiguration): an id or a guardrail ARN, and a version number or DRAFT.
  [ENV.guardrailId]: z.optional(
    z.string().check(z.regex(GUARDRAIL_IDENTIFIER, 'must be a guardrail id or arn:aws:bedrock:<region>:<account>:guardrail/<id>')),
  ),
  [ENV.guardrailVersion]: z.optional(z.string().check(z.regex(GUARDRAIL_VERSION, 'must be a version number (1-99999999) or DRAFT'))),
  [ENV.cacheAuthSecretArn]: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'))),
  [ENV.cacheReplicationGroupId]: z.optional(z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,39}$/, 'must be a replication group id'))),
  AWS_REGION: z._default(nonEmpty(), 'ap-northeast-1'),
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
  const result = z.pick(environment, mask).safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid Lambda environment: ${problems}`);
  }
  return result.data as unknown as Pick<Environment, K>;
};

export type { ModelCatalog };
