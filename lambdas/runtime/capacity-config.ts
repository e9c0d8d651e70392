import * as z from 'zod/mini';
import './validation';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../core/capacity/config';
import { scheduleProblems } from '../core/capacity/planner';
import { INTENTS } from '../core/vocabulary';

const nonNegative = () => z.number().check(z.gte(0));
const share = () => z.number().check(z.gte(0), z.lte(1));
const positiveInt = () => z.int().check(z.positive());

const tierCapacity = z.strictObject({
  unitTokensPerSecond: z.number().check(z.positive()),
  unitHourlyUsd: nonNegative(),
  targetUtilization: z.number().check(z.gt(0), z.lte(1)),
  inputTokenShare: share(),
  committedUnits: z.int().check(z.gte(0)),
  maxUnits: z.int().check(z.gte(0)),
});

const capacityConfig = z.object({
  windows: z.array(
    z.strictObject({
      name: z.string().check(z.minLength(1)),
      from: z.string(),
      to: z.string(),
      expectedTps: z.strictObject({ haiku: nonNegative(), sonnet: nonNegative() }),
    }),
  ),
  tiers: z.strictObject({ haiku: tierCapacity, sonnet: tierCapacity }),
  provisioningLeadMs: z.int().check(z.gte(0)),
  drainMs: z.int().check(z.gte(0)),
  namePrefix: z.string().check(z.regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/, 'must be 1-32 letters, digits or single hyphens')),
  mitigation: z.strictObject({
    cacheTtlSeconds: positiveInt(),
    demoteIntents: z.array(z.enum(INTENTS)),
    throttleRateThreshold: z.number().check(z.gt(0), z.lte(1)),
    minCallsInWindow: positiveInt(),
    windowMs: positiveInt(),
    autoDurationMs: positiveInt(),
  }),
  scaleUp: z.strictObject({ stepShare: z.number().check(z.gt(0), z.lte(4)), durationMs: positiveInt() }),
  tokenPlan: z.partialRecord(z.enum(INTENTS), positiveInt()),
});

export class CapacityConfigError extends Error {
  override readonly name = 'CapacityConfigError';
}

/**
 * Reads a capacity configuration: a JSON object whose fields replace the embedded defaults' (one level deep for
 * `tiers` and `mitigation`), checked as a whole; every problem is listed at once. Undefined or empty: the defaults.
 */
export const parseCapacityConfig = (json: string | undefined): CapacityConfig => {
  if (json === undefined || json.trim() === '') return DEFAULT_CAPACITY_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CapacityConfigError('capacity configuration is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CapacityConfigError('capacity configuration must be a JSON object');
  const patch = raw as Partial<Record<keyof CapacityConfig, unknown>>;
  const base = DEFAULT_CAPACITY_CONFIG;
  const merged = {
    ...base,
    ...patch,
    // Unknown tiers stay in, so the strict schema names them instead of dropping them.
    tiers: {
      ...((patch.tiers as object | undefined) ?? {}),
      haiku: { ...base.tiers.haiku, ...((patch.tiers as { haiku?: object } | undefined)?.haiku ?? {}) },
      sonnet: { ...base.tiers.sonnet, ...((patch.tiers as { sonnet?: object } | undefined)?.sonnet ?? {}) },
    },
    mitigation: { ...base.mitigation, ...((patch.mitigation as object | undefined) ?? {}) },
    scaleUp: { ...base.scaleUp, ...((patch.scaleUp as object | undefined) ?? {}) },
  };
  const result = z.strictObject(capacityConfig.shape).safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new CapacityConfigError(`invalid capacity configuration: ${problems.join('; ')}`);
  }
  const config = result.data as CapacityConfig;
  const problems = scheduleProblems(config);
  if (problems.length > 0) throw new CapacityConfigError(`invalid capacity configuration: ${problems.join('; ')}`);
  return config;
};
