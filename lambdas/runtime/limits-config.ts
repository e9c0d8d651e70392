import * as z from 'zod/mini';
import './validation';
import { DEFAULT_LIMITS_CONFIG, limitsConfigProblems, type LimitsConfig } from '../core/limits';

const count = () => z.int().check(z.gte(0), z.lte(100_000));

const principalLimits = z.strictObject({
  messagesPerMinute: count(),
  invokesInFlight: count(),
  strongAnswersPerHour: count(),
  dailySpendUsd: z.number().check(z.gte(0)),
});

const limitsPolicy = z.strictObject({
  customer: principalLimits,
  guest: principalLimits,
  inFlightTtlMs: z.int().check(z.gte(1000)),
  inFlightRetryAfterMs: z.int().check(z.gte(0)),
});

export class LimitsConfigError extends Error {
  override readonly name = 'LimitsConfigError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the limits per principal (a LIMITS_CONFIG JSON object, e.g. `{"customer":{"dailySpendUsd":2},"guest":
 * {"messagesPerMinute":0}}`) over the embedded defaults (lambdas/core/limits/config.ts), merged one level deep
 * (`customer` and `guest` field by field), checked strictly: a misspelt key, a negative or fractional count is an
 * error, every problem listed at once. Undefined or empty: the defaults.
 */
export const parseLimitsConfig = (json: string | undefined): LimitsConfig => {
  if (json === undefined || json.trim() === '') return DEFAULT_LIMITS_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LimitsConfigError('limits configuration is not valid JSON');
  }
  if (!isRecord(raw)) throw new LimitsConfigError('limits configuration must be a JSON object');
  const merged: Record<string, unknown> = { ...DEFAULT_LIMITS_CONFIG, ...raw };
  for (const kind of ['customer', 'guest'] as const) {
    const patch = raw[kind];
    if (isRecord(patch)) merged[kind] = { ...DEFAULT_LIMITS_CONFIG[kind], ...patch };
  }
  const result = limitsPolicy.safeParse(merged);
  const problems = result.success
    ? limitsConfigProblems(result.data)
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (problems.length > 0 || !result.success) throw new LimitsConfigError(`invalid limits configuration: ${problems.join('; ')}`);
  return result.data;
};
