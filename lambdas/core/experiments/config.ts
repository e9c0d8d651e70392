/**
 * Experiment configuration (issue 12, items 2-4): the stage plans, the quality gates and the automatic rollback rule.
 * The defaults are seed 000's change process: an A/B test at 10% for 48 h and n >= 2,000, a canary at 25% for 24 h,
 * then full; gates of a quality drop under 10% and a satisfaction drop under 5%; rollback when an intent's
 * satisfaction drops more than 15% within an hour of a change.
 */
export interface StageSpec {
  /** Percent of the intent's principals on the treatment arm, 1-100; 100 is full: a new routing version. */
  readonly share: number;
  /** The stage runs at least this long before it may be promoted. */
  readonly minHours: number;
  /** ... and until the treatment arm has answered at least this many requests in it. */
  readonly minSamples: number;
}

export interface GateConfig {
  /** Largest relative drop of the thumbs-up rate (treatment vs control) a promotion accepts. */
  readonly satisfactionDrop: number;
  /** Largest relative drop of the mean CSAT score. */
  readonly csatDrop: number;
  /** Largest relative drop of the quality score (the cascade's confidence where feedback is sparse). */
  readonly qualityDrop: number;
  /** One-sided critical value of the non-inferiority z statistic (1.96: 2.5% one-sided, see README). */
  readonly zCritical: number;
  /** Fewer ratings than this on either arm: the satisfaction gate is not decided at all. */
  readonly minFeedbackPerArm: number;
  /** Fewer CSAT scores or quality scores than this on either arm: that gate is not decided. */
  readonly minScoresPerArm: number;
  /** A stage still undecided after minHours x this factor stops as inconclusive instead of running forever. */
  readonly maxStageFactor: number;
}

export interface RollbackConfig {
  /** Relative satisfaction drop that reverts a change (seed: 15%). */
  readonly drop: number;
  /** How long after a change the rule watches it (seed: 1 h). */
  readonly windowMinutes: number;
  /** The baseline: the intent's satisfaction over this many hours before the change. */
  readonly baselineHours: number;
  /** Fewer ratings than this since the change (or in the baseline): no verdict yet. */
  readonly minFeedback: number;
  /** Width of the intent's satisfaction counters (the window's resolution). */
  readonly bucketMinutes: number;
}

export interface ExperimentConfig {
  /** The stage plan when `start` names none. */
  readonly stages: readonly StageSpec[];
  /** Minimums for a share a `--stages` list names that no plan here has (the last 100 needs none). */
  readonly stageDefaults: Omit<StageSpec, 'share'>;
  /** Named plans: `--stages gradual`. */
  readonly plans: Readonly<Record<string, readonly StageSpec[]>>;
  readonly gates: GateConfig;
  readonly rollback: RollbackConfig;
}

const FULL: StageSpec = { share: 100, minHours: 0, minSamples: 0 };

export const DEFAULT_EXPERIMENT_CONFIG: ExperimentConfig = {
  stages: [{ share: 10, minHours: 48, minSamples: 2000 }, { share: 25, minHours: 24, minSamples: 2000 }, FULL],
  stageDefaults: { minHours: 24, minSamples: 1000 },
  plans: {
    'ab-canary': [{ share: 10, minHours: 48, minSamples: 2000 }, { share: 25, minHours: 24, minSamples: 2000 }, FULL],
    gradual: [
      { share: 1, minHours: 24, minSamples: 200 },
      { share: 10, minHours: 24, minSamples: 2000 },
      { share: 50, minHours: 24, minSamples: 5000 },
      FULL,
    ],
  },
  gates: { satisfactionDrop: 0.05, csatDrop: 0.05, qualityDrop: 0.1, zCritical: 1.96, minFeedbackPerArm: 200, minScoresPerArm: 200, maxStageFactor: 3 },
  rollback: { drop: 0.15, windowMinutes: 60, baselineHours: 24, minFeedback: 50, bucketMinutes: 5 },
};

/** Why a stage plan cannot be used; undefined when it can. */
export const stagePlanProblem = (stages: readonly StageSpec[]): string | undefined => {
  if (stages.length < 2) return 'a stage plan needs at least one partial stage and then 100';
  let previous = 0;
  for (const stage of stages) {
    if (!Number.isFinite(stage.share) || stage.share <= previous || stage.share > 100) {
      return 'stage shares must rise strictly, each above 0 and at most 100';
    }
    if (!(stage.minHours >= 0) || !(stage.minSamples >= 0) || !Number.isInteger(stage.minSamples)) {
      return 'stage minimums must be a duration >= 0 and a whole sample count >= 0';
    }
    previous = stage.share;
  }
  return previous === 100 ? undefined : 'the last stage must be 100 (full: the change becomes a routing version)';
};

/**
 * The stage plan a `--stages` value names: a plan's name, or shares such as `10,25,100` (each share's minimums from
 * the default plan or a named plan that has that share, else `stageDefaults`). Throws an Error with a clear message.
 */
export const resolveStagePlan = (value: string | undefined, config: ExperimentConfig = DEFAULT_EXPERIMENT_CONFIG): readonly StageSpec[] => {
  if (value === undefined || value.trim() === '') return config.stages;
  const named = config.plans[value.trim()];
  const stages =
    named ??
    value.split(',').map((part) => {
      const share = Number(part.trim());
      const known = [config.stages, ...Object.values(config.plans)].flat().find((stage) => stage.share === share);
      if (share === 100) return FULL;
      return known ?? { share, ...config.stageDefaults };
    });
  const problem = stagePlanProblem(stages);
  if (problem !== undefined) throw new Error(`--stages ${value}: ${problem}`);
  return stages;
};
