import { isTemplateIntent } from '../templates';
import { isIntent, isTier, type Intent, type RoutingMap, type Tier } from '../vocabulary';
import type { Arm } from './assignment';
import { stagePlanProblem, type StageSpec } from './config';
import type { ScoreSums } from './stats';

/**
 * An experiment: one intent's routing change tried on a growing share of its principals before it becomes a routing
 * version. `running` serves stages below 100; `promoting` is claimed by an evaluator writing the new version (a
 * crash there is finished by the next run); `completed` (the version is written), `stopped` and `rolled_back` end it.
 */
export const EXPERIMENT_STATUSES = ['running', 'promoting', 'completed', 'stopped', 'rolled_back'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export type DecisionKind = 'hold' | 'advance' | 'promote' | 'stop' | 'rollback';

/** The last thing the evaluator decided, with why and the figures it decided on. */
export interface DecisionRecord {
  readonly kind: DecisionKind;
  readonly reason: string;
  readonly at: number;
  readonly figures?: DecisionFigures;
}

export interface Experiment {
  /** `<intent>.<start time, base 36>`: unique per intent, and names its intent. */
  readonly id: string;
  readonly intent: Intent;
  /** The intent's tier in the routing map when the experiment started: what the control arm gets. */
  readonly controlTier: Tier;
  readonly treatmentTier: Tier;
  readonly stages: readonly StageSpec[];
  /** Index into `stages` of the stage serving now. */
  readonly stage: number;
  readonly stageStartedAt: number;
  readonly status: ExperimentStatus;
  /** +1 on every transition: the evaluator writes conditionally on it, so two runs cannot both move the experiment. */
  readonly revision: number;
  readonly startedAt: number;
  readonly startedBy: string;
  readonly reason: string;
  /** The routing version active when it started, when the versioning store names one. */
  readonly baseVersion?: number;
  /** Once completed: the version it wrote and the one before it (what a rollback restores). */
  readonly promotedVersion?: number;
  readonly previousVersion?: number;
  readonly promotedAt?: number;
  readonly endedAt?: number;
  readonly endReason?: string;
  readonly lastDecision?: DecisionRecord;
}

/** What the store counts per experiment, stage and arm. */
export interface ArmCounters {
  readonly answers: number;
  readonly up: number;
  readonly down: number;
  /** 1-5 scores. */
  readonly csat: ScoreSums;
  /** 0-1: the cascade's confidence (or a judge's score) of each answer that had one. */
  readonly quality: ScoreSums;
}

export const EMPTY_SUMS: ScoreSums = { count: 0, sum: 0, sumSquares: 0 };
export const EMPTY_COUNTERS: ArmCounters = { answers: 0, up: 0, down: 0, csat: EMPTY_SUMS, quality: EMPTY_SUMS };

export type StageCounters = Readonly<Record<Arm, ArmCounters>>;

export interface GateFigure {
  readonly gate: 'up_rate' | 'csat' | 'quality';
  readonly verdict: 'pass' | 'fail' | 'inconclusive' | 'insufficient';
  readonly control: number | null;
  readonly treatment: number | null;
  readonly relativeDrop: number | null;
  readonly zMargin: number | null;
  readonly margin: number;
  readonly samples: { readonly control: number; readonly treatment: number };
}

export interface DecisionFigures {
  readonly stage: number;
  readonly share: number;
  readonly elapsedHours: number;
  readonly answers: { readonly control: number; readonly treatment: number };
  readonly gates: readonly GateFigure[];
}

/** A refused start, with a stable code for the CLI. */
export class ExperimentError extends Error {
  override readonly name = 'ExperimentError';
  constructor(
    readonly code: 'invalid_experiment' | 'intent_locked' | 'same_tier' | 'experiment_running' | 'not_found' | 'not_running',
    message: string,
  ) {
    super(message);
  }
}

export interface StartRequest {
  readonly intent: unknown;
  readonly treatmentTier: unknown;
  readonly stages: readonly StageSpec[];
  readonly reason: string;
  readonly by: string;
}

/**
 * A new experiment, or ExperimentError: one intent, a tier other than its current one, never a locked intent (only a
 * person with `routing set --unlock` moves one: automation, which promotion is, never does), one running experiment
 * per intent, and an intent without a template never on the template tier.
 */
export const planExperiment = (
  request: StartRequest,
  map: RoutingMap,
  current: Experiment | undefined,
  now: number,
  baseVersion?: number,
): Experiment => {
  const { intent, treatmentTier } = request;
  if (!isIntent(intent)) throw new ExperimentError('invalid_experiment', `unknown intent ${JSON.stringify(intent)}`);
  if (!isTier(treatmentTier)) throw new ExperimentError('invalid_experiment', `unknown tier ${JSON.stringify(treatmentTier)}`);
  if (request.reason.trim() === '' || request.by.trim() === '') throw new ExperimentError('invalid_experiment', 'an experiment needs --reason and --by');
  const problem = stagePlanProblem(request.stages);
  if (problem !== undefined) throw new ExperimentError('invalid_experiment', problem);
  const rule = map[intent];
  if (rule.locked) throw new ExperimentError('intent_locked', `intent ${intent} is locked: automation never moves it (a person changes it with routing set --unlock)`);
  if (rule.tier === treatmentTier) throw new ExperimentError('same_tier', `intent ${intent} is already on ${treatmentTier}`);
  if (treatmentTier === 'template' && !isTemplateIntent(intent)) throw new ExperimentError('invalid_experiment', `intent ${intent} has no template answer`);
  if (current !== undefined && (current.status === 'running' || current.status === 'promoting')) {
    throw new ExperimentError('experiment_running', `experiment ${current.id} is already ${current.status} on ${intent}`);
  }
  return {
    // After the intent's latest experiment's start even within one millisecond: ids never repeat on an intent.
    id: `${intent}.${Math.max(now, (current?.startedAt ?? -1) + 1).toString(36)}`,
    intent,
    controlTier: rule.tier,
    treatmentTier,
    stages: request.stages,
    stage: 0,
    stageStartedAt: now,
    status: 'running',
    revision: 1,
    startedAt: now,
    startedBy: request.by,
    reason: request.reason,
    ...(baseVersion !== undefined && { baseVersion }),
  };
};

/** The intent an experiment id names (ids are `<intent>.<suffix>`). */
export const experimentIntent = (id: string): Intent | undefined => {
  const intent = id.split('.')[0];
  return isIntent(intent) ? intent : undefined;
};

export const isActive = (experiment: Experiment): boolean => experiment.status === 'running' || experiment.status === 'promoting';
