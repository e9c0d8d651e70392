import { DEFAULT_EXPERIMENT_CONFIG, stagePlanProblem, type ExperimentConfig, type GateConfig, type RollbackConfig, type StageSpec } from '../core/experiments/config';

export class ExperimentConfigError extends Error {
  override readonly name = 'ExperimentConfigError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Numbers of a section over its defaults: an unknown key or a value out of range is a problem, all listed at once. */
const section = <T extends object>(name: string, raw: unknown, defaults: T, ranges: Readonly<Record<keyof T, readonly [number, number]>>, problems: string[]): T => {
  if (raw === undefined) return defaults;
  if (!isRecord(raw)) {
    problems.push(`${name}: must be an object`);
    return defaults;
  }
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(raw)) {
    const range = (ranges as Record<string, readonly [number, number] | undefined>)[key];
    if (range === undefined) problems.push(`${name}.${key}: unknown setting`);
    else if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) problems.push(`${name}.${key}: must be a number from ${range[0]} to ${range[1]}`);
    else merged[key] = value;
  }
  return merged as T;
};

const stages = (name: string, raw: unknown, problems: string[]): readonly StageSpec[] | undefined => {
  if (!Array.isArray(raw)) {
    problems.push(`${name}: must be a list of {share, minHours, minSamples}`);
    return undefined;
  }
  const plan = raw.map((stage: unknown) => (isRecord(stage) ? { share: Number(stage['share']), minHours: Number(stage['minHours'] ?? 0), minSamples: Number(stage['minSamples'] ?? 0) } : { share: NaN, minHours: 0, minSamples: 0 }));
  const problem = stagePlanProblem(plan);
  if (problem !== undefined) problems.push(`${name}: ${problem}`);
  return problem === undefined ? plan : undefined;
};

/**
 * The experiments' configuration (EXPERIMENTS_CONFIG, the `experiments` deploy parameter) over the seed 000 defaults
 * (lambdas/core/experiments/config.ts), e.g. `{"gates":{"minFeedbackPerArm":500},"rollback":{"drop":0.1}}`. Checked
 * strictly; undefined or empty: the defaults.
 */
export const parseExperimentConfig = (json: string | undefined): ExperimentConfig => {
  if (json === undefined || json.trim() === '') return DEFAULT_EXPERIMENT_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ExperimentConfigError('experiments configuration is not valid JSON');
  }
  if (!isRecord(raw)) throw new ExperimentConfigError('experiments configuration must be a JSON object');
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!['stages', 'stageDefaults', 'plans', 'gates', 'rollback'].includes(key)) problems.push(`${key}: unknown setting`);
  const gates = section<GateConfig>('gates', raw['gates'], DEFAULT_EXPERIMENT_CONFIG.gates, {
    satisfactionDrop: [0, 1],
    csatDrop: [0, 1],
    qualityDrop: [0, 1],
    zCritical: [0.5, 5],
    minFeedbackPerArm: [10, 1_000_000],
    minScoresPerArm: [10, 1_000_000],
    maxStageFactor: [1, 100],
  }, problems);
  const rollback = section<RollbackConfig>('rollback', raw['rollback'], DEFAULT_EXPERIMENT_CONFIG.rollback, {
    drop: [0, 1],
    windowMinutes: [5, 24 * 60],
    baselineHours: [1, 7 * 24],
    minFeedback: [1, 1_000_000],
    bucketMinutes: [1, 60],
  }, problems);
  const stageDefaults = section('stageDefaults', raw['stageDefaults'], DEFAULT_EXPERIMENT_CONFIG.stageDefaults, { minHours: [0, 24 * 30], minSamples: [0, 10_000_000] }, problems);
  const plan = raw['stages'] === undefined ? DEFAULT_EXPERIMENT_CONFIG.stages : stages('stages', raw['stages'], problems);
  const plans: Record<string, readonly StageSpec[]> = { ...DEFAULT_EXPERIMENT_CONFIG.plans };
  if (raw['plans'] !== undefined) {
    if (!isRecord(raw['plans'])) problems.push('plans: must be an object of named stage plans');
    else for (const [name, value] of Object.entries(raw['plans'])) {
      const parsed = stages(`plans.${name}`, value, problems);
      if (parsed) plans[name] = parsed;
    }
  }
  if (problems.length > 0 || plan === undefined) throw new ExperimentConfigError(`invalid experiments configuration: ${problems.join('; ')}`);
  return { stages: plan, stageDefaults, plans, gates, rollback };
};
