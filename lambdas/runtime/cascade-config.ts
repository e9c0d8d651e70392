import * as z from 'zod/mini';
import './validation';
import { cascadeConfigProblems, DEFAULT_CASCADE_CONFIG, type CascadeConfig } from '../core/cascade';
import { INTENTS } from '../core/vocabulary';

const threshold = () => z.number().check(z.gte(0), z.lte(1));

const cascadePolicy = z.strictObject({
  intents: z
    .array(z.enum(INTENTS))
    .check(z.refine((intents: string[]) => new Set(intents).size === intents.length, 'must not name an intent twice')),
  defaultThreshold: threshold(),
  thresholds: z.partialRecord(z.enum(INTENTS), threshold()),
  minTimeLeftMs: z.int().check(z.gte(0)),
});

export class CascadeConfigError extends Error {
  override readonly name = 'CascadeConfigError';
}

/**
 * Reads the confidence cascade's configuration (a CASCADE_CONFIG JSON object, e.g.
 * `{"intents":["comparison","manga_qa","translation","summarization"]}`) over the embedded default
 * (lambdas/core/cascade/config.ts: no intent, threshold 0.80, 8 s left to escalate), checked strictly: a misspelt
 * key, a threshold outside [0, 1] or a locked intent is an error, every problem listed at once. Undefined or empty:
 * the default (the cascade is off).
 */
export const parseCascadeConfig = (json: string | undefined): CascadeConfig => {
  if (json === undefined || json.trim() === '') return DEFAULT_CASCADE_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CascadeConfigError('cascade configuration is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CascadeConfigError('cascade configuration must be a JSON object');
  const result = cascadePolicy.safeParse({ ...DEFAULT_CASCADE_CONFIG, ...(raw as Record<string, unknown>) });
  const problems = result.success
    ? cascadeConfigProblems(result.data as CascadeConfig)
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (problems.length > 0 || !result.success) throw new CascadeConfigError(`invalid cascade configuration: ${problems.join('; ')}`);
  return result.data as CascadeConfig;
};
