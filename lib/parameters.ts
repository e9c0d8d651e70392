import { z } from 'zod';
import type { BudgetConfig } from '../lambdas/core/budget/config';
import { CATALOG_PROFILES, MODEL_CATALOGS, type ModelCatalog, type ModelSpec } from '../lambdas/core/catalog';
import type { CapacityConfig } from '../lambdas/core/capacity/config';
import { TIERS, isModelTier, type ModelTier } from '../lambdas/core/vocabulary';
import { AuthConfigError, parseAuthConfig, type AuthConfig } from '../lambdas/runtime/auth-config';
import { BudgetConfigError, parseBudgetConfig } from '../lambdas/runtime/budget-config';
import { CascadeConfigError, parseCascadeConfig } from '../lambdas/runtime/cascade-config';
import { LimitsConfigError, parseLimitsConfig } from '../lambdas/runtime/limits-config';
import { CapacityConfigError, parseCapacityConfig } from '../lambdas/runtime/capacity-config';
import { ExperimentConfigError, parseExperimentConfig } from '../lambdas/runtime/experiments-config';
import type { ExperimentConfig } from '../lambdas/core/experiments/config';

/** The CDK context key the deploy parameters live under (cdk.json `context`, or `-c mangaassist='{...}'`). */
export const PARAMETERS_CONTEXT_KEY = 'mangaassist';

export const MODEL_TIERS: readonly ModelTier[] = TIERS.filter(isModelTier);

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy); "never expire" is deliberately not offered. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

const modelSpecOverride = z.strictObject({
  modelId: z.string().min(1),
  foundationModelId: z.string().min(1),
  profileRegions: z.array(z.string().regex(REGION, 'must be an AWS region such as ap-northeast-1')),
  inputUsdPerMTok: z.number().nonnegative(),
  outputUsdPerMTok: z.number().nonnegative(),
  maxOutputTokens: z.number().int().positive(),
});

const modelOverrides = z.strictObject({
  haiku: modelSpecOverride.partial().optional(),
  sonnet: modelSpecOverride.partial().optional(),
} satisfies Record<ModelTier, z.ZodType>);

/** The default strong-tier (sonnet) cost projection: this share of the daily budget (DESIGN section 6). */
export const STRONG_TIER_PROJECTION_SHARE = 0.6;

const parametersSchema = z
  .strictObject({
    /** API Gateway stage name: also the last path segment of the WebSocket URL. */
    stageName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, hyphens or underscores')
      .default('prod'),
    region: z.string().regex(REGION, 'must be an AWS region such as ap-northeast-1').default('ap-northeast-1'),
    /** Omitted: the stacks use CDK_DEFAULT_ACCOUNT when the CLI has credentials, else stay account-agnostic. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    modelCatalogProfile: z.enum(CATALOG_PROFILES).default('current'),
    /** Per tier, fields merged over the profile's ModelSpec (e.g. a newer model id, negotiated prices). */
    modelOverrides: modelOverrides.optional(),
    /** The seeds' daily foundation-model budget in USD: the budget guardian's `dailyUsd` (BUDGET_CONFIG). */
    dailyBudgetUsd: z.number().positive().default(2500),
    /**
     * Fields of a BudgetConfig (lambdas/core/budget/config.ts) replacing DEFAULT_BUDGET_CONFIG's exactly as the
     * Lambdas read BUDGET_CONFIG (`tokenBudgets` as a whole), and checked by the same parser (parseBudgetConfig,
     * strict about misspelt keys), so a configuration that deploys is one the functions accept. No `dailyUsd`: the
     * daily budget is `dailyBudgetUsd`, one number in one place.
     */
    budget: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of budgetProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    /**
     * The expected strong-tier (sonnet) cost of an ordinary day, USD: the strong-tier cost alarm fires above 115% of
     * it (seed 000 scenario 2). Default: STRONG_TIER_PROJECTION_SHARE (60%) of dailyBudgetUsd. Set it from a
     * measured week (per-tier daily totals of `budget status`) once the gateway has one.
     */
    strongTierDailyProjectionUsd: z.number().positive().optional(),
    /**
     * The confidence cascade (lambdas/core/cascade): `{"intents": [...], "thresholds": {...}}`, checked by the invoke
     * function's own parser (parseCascadeConfig: strict, locked intents refused). Absent: no intent cascades.
     */
    cascade: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of cascadeProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    /**
     * The limits per principal and connection (lambdas/core/limits): `{"customer": {...}, "guest": {...}}` merged field
     * by field over the defaults, checked by the invoke function's own parser (parseLimitsConfig). Absent: the defaults.
     */
    limits: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of limitsProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    /**
     * The experiments' configuration (lambdas/core/experiments/config.ts): `stages`, `stageDefaults`, named `plans`,
     * `gates` and `rollback`, merged over the seed 000 defaults and checked by the functions' own parser
     * (parseExperimentConfig: strict, ranges, a stage plan that ends at 100%). Passed as EXPERIMENTS_CONFIG to the
     * evaluator (all of it) and the feedback function (the rollback buckets it counts ratings in). Absent: the defaults.
     */
    experiments: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of experimentsProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    logRetentionDays: z
      .literal(LOG_RETENTION_DAYS, {
        error: `must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    natGateways: z
      .number()
      .int()
      .min(0)
      .max(3)
      // 0 is in range but cannot work: postToConnection leaves the VPC through the NAT (DESIGN section 7).
      .refine((count) => count > 0, {
        message:
          '0 leaves the invoke function (in the VPC, for the cache) no route to the public WebSocket management API; ' +
          'an execute-api interface endpoint is not an option (DESIGN section 7). Use 1-3.',
      })
      .default(1),
    cacheNodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an ElastiCache node type such as cache.t4g.small')
      .default('cache.t4g.small'),
    tableRemovalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    /**
     * An e-mail address subscribed to the alarm topic (every runbook alarm, on ALARM and OK). AWS sends it a
     * confirmation mail first; absent, subscribe an address, a pager or a chat integration to the topic by hand.
     */
    alarmEmail: z.email('must be an e-mail address such as oncall@example.com').optional(),
    /**
     * Fields of a CapacityConfig (lambdas/core/capacity/config.ts) merged over DEFAULT_CAPACITY_CONFIG exactly as
     * the Lambdas merge CAPACITY_CONFIG (one level deep for `tiers`, `mitigation` and `scaleUp`), and checked by
     * the same parser, so a configuration that deploys is one the functions accept. `namePrefix` defaults to
     * `mangaassist-<stageName>`: two stages in one account never touch each other's throughput.
     */
    capacity: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of capacityProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    /**
     * false: the capacity functions and alarms are deployed but every schedule is DISABLED and the scale-up alarms
     * invoke nothing, so nothing buys or deletes throughput by itself. Existing throughput is left as it is.
     */
    capacitySchedulerEnabled: z.boolean().default(true),
    /**
     * The `$connect` authorizer (lambdas/runtime/auth-config.ts, checked by the function's own parser): the identity
     * provider (`issuer`, `audience`, optional `jwksUri` and `tokenUse`, `customerIdClaim`), the browser `allowedOrigins`
     * and `allowGuests`. Default: no identity provider and no guests, so a deploy that sets nothing admits no one.
     */
    auth: z
      .record(z.string(), z.unknown())
      .superRefine((patch, ctx) => {
        for (const message of authProblems(patch)) ctx.addIssue({ code: 'custom', message });
      })
      .default({}),
    /**
     * false: no Bedrock guardrail is created and the invoke function calls models without one (GUARDRAIL_ID unset).
     * For a region or account where Guardrails are not available; the deployed default is on.
     */
    guardrailEnabled: z.boolean().default(true),
    /**
     * The system guardrail profile (cross-Region inference) the guardrail's Standard tier runs on: the Standard tier
     * is the one that reads Japanese. Must be offered in the stack region (`apac.guardrail.v1:0` in Tokyo).
     */
    guardrailProfileId: z
      .string()
      .regex(/^[a-z0-9-]+\.guardrail\.v[0-9:]+$/, 'must be a guardrail profile id such as apac.guardrail.v1:0')
      .default('apac.guardrail.v1:0'),
    /**
     * Host the web chat widget's script (web/widget) in a private S3 bucket behind CloudFront with origin access
     * control: the MangaAssistWidget stack, CORS for `auth.allowedOrigins`. Absent: no stack; the store hosts the one
     * file itself (README, Web chat widget).
     */
    widgetHosting: z
      .object({ priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_200') })
      .strict()
      .optional(),
  })
  .superRefine((params, ctx) => {
    // The resolved catalog must be one IAM can express: a profile has destination regions including the calling
    // region; a bare foundation model is called by its own id.
    const catalog = mergeCatalog(params.modelCatalogProfile, params.modelOverrides);
    for (const tier of MODEL_TIERS) {
      const spec = catalog[tier];
      const path = ['modelOverrides', tier];
      if (spec.profileRegions.length === 0 && spec.modelId !== spec.foundationModelId) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `modelId "${spec.modelId}" is not the foundation model "${spec.foundationModelId}" but profileRegions is empty`,
        });
      }
      if (spec.profileRegions.length > 0 && !spec.profileRegions.includes(params.region)) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message:
            `${params.region} cannot call the ${tier} inference profile "${spec.modelId}" (its regions: ` +
            `${spec.profileRegions.join(', ')}); deploy to one of those or override modelOverrides.${tier}`,
        });
      }
    }
    // The patch itself was checked above; what remains is the stage-derived default name prefix.
    if (params.capacity?.namePrefix === undefined && capacityProblems(params.capacity ?? {}).length === 0) {
      const prefix = defaultNamePrefix(params.stageName);
      for (const message of capacityProblems({ ...params.capacity, namePrefix: prefix })) {
        ctx.addIssue({
          code: 'custom',
          path: ['capacity', 'namePrefix'],
          message: `the default "${prefix}" (from stageName) is not usable (${message}); set capacity.namePrefix explicitly`,
        });
      }
    }
  });

export type DeployParameters = z.output<typeof parametersSchema>;
export type DeployParametersInput = z.input<typeof parametersSchema>;
type ModelOverrides = NonNullable<DeployParameters['modelOverrides']>;

export class ParametersError extends Error {
  override readonly name = 'ParametersError';
}

function mergeCatalog(profile: DeployParameters['modelCatalogProfile'], overrides: ModelOverrides | undefined): ModelCatalog {
  const base = MODEL_CATALOGS[profile];
  const merged = Object.fromEntries(
    MODEL_TIERS.map((tier): [ModelTier, ModelSpec] => [tier, { ...base[tier], ...stripUndefined(overrides?.[tier] ?? {}) }]),
  );
  return merged as Record<ModelTier, ModelSpec>;
}

const stripUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

const CAPACITY_PROBLEMS_PREFIX = 'invalid capacity configuration: ';

/**
 * What is wrong with a capacity patch, one sentence per problem: what parseCapacityConfig (the Lambdas' own parser,
 * strict about misspelt keys at every level) finds, reported in one message joined by "; " and split back here so
 * each is its own line.
 */
function capacityProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseCapacityConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof CapacityConfigError)) throw error;
    const message = error.message.startsWith(CAPACITY_PROBLEMS_PREFIX) ? error.message.slice(CAPACITY_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

const BUDGET_PROBLEMS_PREFIX = 'invalid budget configuration: ';

/** What is wrong with a budget patch, one sentence per problem, as parseBudgetConfig (the Lambdas' parser) finds it. */
function budgetProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseBudgetConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof BudgetConfigError)) throw error;
    const message = error.message.startsWith(BUDGET_PROBLEMS_PREFIX) ? error.message.slice(BUDGET_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

const AUTH_PROBLEMS_PREFIX = 'invalid auth configuration: ';

/** What parseAuthConfig (the authorizer's parser, HTTPS only as deployed) finds wrong with the `auth` parameter. */
function authProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseAuthConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    const message = error.message.startsWith(AUTH_PROBLEMS_PREFIX) ? error.message.slice(AUTH_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

/** AUTH_CONFIG of the `$connect` authorizer: the `auth` parameter as given (the function fills the same defaults). */
export const authConfigJson = (params: Pick<DeployParameters, 'auth'>): string => JSON.stringify(params.auth);

/** The authorizer's configuration as the function will read it (the identity source depends on `allowGuests`). */
export const resolveAuthConfig = (params: Pick<DeployParameters, 'auth'>): AuthConfig => parseAuthConfig(authConfigJson(params));

const CASCADE_PROBLEMS_PREFIX = 'invalid cascade configuration: ';

/** What parseCascadeConfig finds wrong with a cascade patch, one sentence per problem. */
function cascadeProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseCascadeConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof CascadeConfigError)) throw error;
    const message = error.message.startsWith(CASCADE_PROBLEMS_PREFIX) ? error.message.slice(CASCADE_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

const LIMITS_PROBLEMS_PREFIX = 'invalid limits configuration: ';

/** What parseLimitsConfig finds wrong with a limits patch, one sentence per problem. */
function limitsProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseLimitsConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof LimitsConfigError)) throw error;
    const message = error.message.startsWith(LIMITS_PROBLEMS_PREFIX) ? error.message.slice(LIMITS_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

const EXPERIMENTS_PROBLEMS_PREFIX = 'invalid experiments configuration: ';

/** What parseExperimentConfig (the evaluator's and the feedback function's parser) finds wrong, one sentence per problem. */
function experimentsProblems(patch: Readonly<Record<string, unknown>>): string[] {
  try {
    parseExperimentConfig(JSON.stringify(patch));
    return [];
  } catch (error) {
    if (!(error instanceof ExperimentConfigError)) throw error;
    const message = error.message.startsWith(EXPERIMENTS_PROBLEMS_PREFIX) ? error.message.slice(EXPERIMENTS_PROBLEMS_PREFIX.length) : error.message;
    return message.split('; ');
  }
}

/**
 * EXPERIMENTS_CONFIG of the evaluator and the feedback function: the `experiments` parameter as given (the functions
 * merge it over the same embedded defaults); undefined without one, so they run on the defaults.
 */
export const experimentsConfigJson = (params: Pick<DeployParameters, 'experiments'>): string | undefined =>
  params.experiments === undefined ? undefined : JSON.stringify(params.experiments);

/** The experiments' configuration the functions will run on (what `cli routing experiment` must start with too). */
export const resolveExperimentConfig = (params: Pick<DeployParameters, 'experiments'>): ExperimentConfig => parseExperimentConfig(experimentsConfigJson(params));

/** LIMITS_CONFIG of the invoke function: the `limits` parameter as given; undefined without one (the defaults). */
export const limitsConfigJson = (params: Pick<DeployParameters, 'limits'>): string | undefined =>
  params.limits === undefined ? undefined : JSON.stringify(params.limits);

/** CASCADE_CONFIG of the invoke function: the `cascade` parameter as given; undefined without one (no cascade). */
export const cascadeConfigJson = (params: Pick<DeployParameters, 'cascade'>): string | undefined =>
  params.cascade === undefined ? undefined : JSON.stringify(params.cascade);

/** Per stage, so two stages in one account manage disjoint sets of provisioned throughput (and alarm names). */
export const defaultNamePrefix = (stageName: string): string => `mangaassist-${stageName}`;

/**
 * The capacity configuration the functions receive (CAPACITY_CONFIG) and the schedules and alarms are derived
 * from: DEFAULT_CAPACITY_CONFIG, the `capacity` parameter on top, `namePrefix` per stage unless given.
 */
export const resolveCapacityConfig = (params: Pick<DeployParameters, 'stageName' | 'capacity'>): CapacityConfig =>
  parseCapacityConfig(JSON.stringify({ namePrefix: defaultNamePrefix(params.stageName), ...params.capacity }));

/**
 * The budget configuration the guardian runs on: DEFAULT_BUDGET_CONFIG, the `budget` parameter's fields replacing
 * the defaults' (parsed as the Lambdas parse BUDGET_CONFIG), and `dailyBudgetUsd` as the daily budget.
 */
export const resolveBudgetConfig = (params: Pick<DeployParameters, 'dailyBudgetUsd' | 'budget'>): BudgetConfig =>
  parseBudgetConfig(JSON.stringify(params.budget ?? {}), params.dailyBudgetUsd);

/**
 * BUDGET_CONFIG: the operator's `budget` fields, validated above by the functions' own parser, which merges them over
 * the same embedded defaults at cold start, so the functions run on exactly resolveBudgetConfig(params) (the tests
 * check it). Undefined without a `budget` parameter: the functions then run on the defaults. Not the whole resolved
 * configuration: its 24 hourly shares alone are ~500 bytes of the 4 KB Lambda allows for all variables, which the
 * catalog and the capacity configuration already use half of. Never `dailyUsd`: DAILY_BUDGET_USD carries it.
 */
export const budgetConfigJson = (params: Pick<DeployParameters, 'budget'>): string | undefined =>
  params.budget === undefined ? undefined : JSON.stringify(params.budget);

/** The strong-tier daily cost projection, USD: the parameter, or 60% of the daily budget. */
export const resolveStrongTierDailyProjectionUsd = (params: Pick<DeployParameters, 'dailyBudgetUsd' | 'strongTierDailyProjectionUsd'>): number =>
  params.strongTierDailyProjectionUsd ?? Math.round(params.dailyBudgetUsd * STRONG_TIER_PROJECTION_SHARE * 100) / 100;

/** The model catalog the functions receive (MODEL_CATALOG) and IAM is derived from: the profile, overrides on top. */
export const resolveModelCatalog = (params: Pick<DeployParameters, 'modelCatalogProfile' | 'modelOverrides'>): ModelCatalog =>
  mergeCatalog(params.modelCatalogProfile, params.modelOverrides);

/**
 * Validates deploy parameters, filling defaults; throws one ParametersError listing every bad field.
 * `raw` is the context value: an object (cdk.json), a JSON string (`-c mangaassist='{...}'`) or undefined.
 */
export const parseParameters = (raw: unknown): DeployParameters => {
  let input: unknown = raw ?? {};
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch (error) {
      throw new ParametersError(
        `Invalid deploy parameters (context "${PARAMETERS_CONTEXT_KEY}"): not valid JSON (${(error as Error).message})`,
      );
    }
  }
  const result = parametersSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ParametersError(
      [`Invalid deploy parameters (context "${PARAMETERS_CONTEXT_KEY}"), ${problems.length} problem(s):`, ...problems].join('\n'),
    );
  }
  return result.data;
};

/** Reads and validates the parameters from an App's (or any construct's) context. */
export const readParameters = (scope: { node: { tryGetContext(key: string): unknown } }): DeployParameters =>
  parseParameters(scope.node.tryGetContext(PARAMETERS_CONTEXT_KEY));
