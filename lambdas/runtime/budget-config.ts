import * as z from 'zod/mini';
import './validation';
import { DEFAULT_BUDGET_CONFIG, type BudgetConfig } from '../core/budget/config';
import { INTENTS } from '../core/vocabulary';

const positiveInt = () => z.int().check(z.positive());
const share = () => z.number().check(z.gt(0), z.lte(1));

const tokenBudget = z.strictObject({ maxInputTokens: positiveInt(), maxOutputTokens: positiveInt() });

const budgetPolicy = z.strictObject({
  hourlyTrafficShare: z.array(z.number().check(z.gte(0))).check(
    z.length(24, 'must have 24 numbers, one per JST hour'),
    z.refine((shares: number[]) => Math.abs(shares.reduce((sum, s) => sum + s, 0) - 1) <= 1e-3, 'must sum to 1'),
  ),
  rampOrder: z
    .array(z.enum(INTENTS))
    .check(z.refine((intents: string[]) => new Set(intents).size === intents.length, 'must not name an intent twice')),
  conserveAt: z.number().check(z.positive()),
  rampStep: z.number().check(z.positive()),
  emergencyAt: share(),
  minElapsedShare: share(),
  reservationTtlMs: positiveInt(),
  tokenBudgets: z.partialRecord(z.enum(INTENTS), tokenBudget),
});

export class BudgetConfigError extends Error {
  override readonly name = 'BudgetConfigError';
}

/**
 * Reads the budget guardian's configuration (BUDGET_CONFIG): a JSON object whose fields replace the embedded
 * defaults' (lambdas/core/budget/config.ts; `tokenBudgets` as a whole, like the capacity `tokenPlan`), checked
 * strictly: a misspelt key is an error, every problem is listed at once. Undefined or empty: the defaults. The daily
 * budget is not part of it: DAILY_BUDGET_USD is the one place it is set, and a `dailyUsd` key here is refused rather
 * than silently shadowed. `dailyUsd` is the daily budget of the result.
 */
export const parseBudgetConfig = (json: string | undefined, dailyUsd: number = DEFAULT_BUDGET_CONFIG.dailyUsd): BudgetConfig => {
  if (json === undefined || json.trim() === '') return { ...DEFAULT_BUDGET_CONFIG, dailyUsd };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new BudgetConfigError('budget configuration is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BudgetConfigError('budget configuration must be a JSON object');
  const { dailyUsd: misplaced, ...patch } = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (misplaced !== undefined) problems.push('dailyUsd: the daily budget is DAILY_BUDGET_USD (the dailyBudgetUsd deploy parameter), not part of BUDGET_CONFIG');
  const { dailyUsd: _default, ...base } = DEFAULT_BUDGET_CONFIG;
  const result = budgetPolicy.safeParse({ ...base, ...patch });
  if (!result.success) problems.push(...result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  if (problems.length > 0 || !result.success) throw new BudgetConfigError(`invalid budget configuration: ${problems.join('; ')}`);
  return { ...(result.data as Omit<BudgetConfig, 'dailyUsd'>), dailyUsd };
};
