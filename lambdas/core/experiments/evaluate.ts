import type { Tier } from '../vocabulary';
import type { ExperimentConfig } from './config';
import { evaluateGates } from './gates';
import type { DecisionFigures, DecisionKind, DecisionRecord, Experiment, GateFigure, StageCounters } from './model';

const HOUR_MS = 3_600_000;

export interface EvaluationContext {
  readonly now: number;
  readonly config: ExperimentConfig;
  /** The intent's row in the routing map now. */
  readonly current: { readonly tier: Tier; readonly locked: boolean };
}

export interface ExperimentDecision {
  readonly kind: DecisionKind;
  readonly reason: string;
  readonly figures?: DecisionFigures;
}

/**
 * What the evaluator does with one running experiment, from its current stage's counters: a pure function, so the
 * same inputs always give the same decision (the evaluator is safe to run twice: the second run sees the state the
 * first wrote). In order:
 * 1. the intent was locked, or its routing row moved away from the control tier since the start -> stop (automation
 *    never moves a locked intent; an experiment against a control that no longer exists measures nothing);
 * 2. within the rollback window of the stage's start, the treatment's thumbs-up rate dropped more than the rollback
 *    threshold (with the rollback rule's minimum ratings) -> rollback: the arm is switched off at once;
 * 3. a gate fails (the drop is confidently above its margin) -> stop, at any time: a harmful arm is not kept
 *    running for its minimum duration;
 * 4. the stage's minimum duration or the treatment's minimum answers not reached -> hold;
 * 5. every decided gate passes and satisfaction is decided (the up-rate gate, or, where ratings are sparse, the
 *    quality gate) -> advance to the next stage, or promote (the next is 100: full, a new routing version);
 * 6. otherwise hold, and past `maxStageFactor` x the minimum duration stop as inconclusive.
 */
export const decideExperiment = (experiment: Experiment, counters: StageCounters, context: EvaluationContext): ExperimentDecision => {
  const { now, config } = context;
  if (experiment.status !== 'running') return { kind: 'hold', reason: `status:${experiment.status}` };
  const spec = experiment.stages[experiment.stage];
  if (spec === undefined) return { kind: 'stop', reason: 'invalid_stage' };
  const elapsedMs = Math.max(0, now - experiment.stageStartedAt);
  const gates = evaluateGates(counters, config.gates);
  const figures: DecisionFigures = {
    stage: experiment.stage,
    share: spec.share,
    elapsedHours: Math.round((elapsedMs / HOUR_MS) * 100) / 100,
    answers: { control: counters.control.answers, treatment: counters.treatment.answers },
    gates,
  };
  if (context.current.locked) return { kind: 'stop', reason: 'intent_locked', figures };
  if (context.current.tier !== experiment.controlTier) {
    return { kind: 'stop', reason: `control_changed:${experiment.controlTier}->${context.current.tier}`, figures };
  }
  const rollback = armRollback(counters, elapsedMs, config);
  if (rollback !== undefined) return { kind: 'rollback', reason: rollback, figures };
  const failed = gates.find((gate) => gate.verdict === 'fail');
  if (failed !== undefined) return { kind: 'stop', reason: `gate_failed:${failed.gate}:drop=${failed.relativeDrop}>${failed.margin}`, figures };
  if (elapsedMs < spec.minHours * HOUR_MS) return { kind: 'hold', reason: `min_duration:${figures.elapsedHours}h<${spec.minHours}h`, figures };
  if (counters.treatment.answers < spec.minSamples) {
    return { kind: 'hold', reason: `min_samples:${counters.treatment.answers}<${spec.minSamples}`, figures };
  }
  const waiting = undecided(gates);
  if (waiting === undefined) {
    const next = experiment.stages[experiment.stage + 1];
    if (next === undefined) return { kind: 'stop', reason: 'invalid_stage', figures };
    return next.share >= 100
      ? { kind: 'promote', reason: `gates_passed:stage_${experiment.stage}->full`, figures }
      : { kind: 'advance', reason: `gates_passed:${spec.share}%->${next.share}%`, figures };
  }
  if (elapsedMs > spec.minHours * config.gates.maxStageFactor * HOUR_MS) return { kind: 'stop', reason: `inconclusive:${waiting}`, figures };
  return { kind: 'hold', reason: `undecided:${waiting}`, figures };
};

/** The first reason the gates do not allow a promotion yet; undefined when they do. */
const undecided = (gates: readonly GateFigure[]): string | undefined => {
  const byName = (name: GateFigure['gate']): GateFigure | undefined => gates.find((gate) => gate.gate === name);
  const inconclusive = gates.find((gate) => gate.verdict === 'inconclusive');
  if (inconclusive !== undefined) return `${inconclusive.gate}:inconclusive`;
  const upRate = byName('up_rate');
  const quality = byName('quality');
  if (upRate?.verdict === 'pass') return undefined;
  // Ratings too sparse to decide satisfaction: the quality score may stand in for it, never nothing.
  if (quality?.verdict === 'pass') return undefined;
  return 'up_rate:insufficient_samples';
};

const armRollback = (counters: StageCounters, elapsedMs: number, config: ExperimentConfig): string | undefined => {
  const rule = config.rollback;
  if (elapsedMs > rule.windowMinutes * 60_000) return undefined;
  const { control, treatment } = counters;
  const nc = control.up + control.down;
  const nt = treatment.up + treatment.down;
  if (nc < rule.minFeedback || nt < rule.minFeedback) return undefined;
  const drop = 1 - treatment.up / nt / (control.up / nc);
  return drop > rule.drop ? `rollback:arm_satisfaction_drop=${Math.round(drop * 10_000) / 10_000}>${rule.drop}` : undefined;
};

/**
 * The experiment after a decision. A hold changes only the last decision (same revision: it is not a transition);
 * everything else is one transition, revision + 1.
 */
export const applyDecision = (experiment: Experiment, decision: ExperimentDecision, now: number): Experiment => {
  const lastDecision: DecisionRecord = { kind: decision.kind, reason: decision.reason, at: now, ...(decision.figures && { figures: decision.figures }) };
  const revision = experiment.revision + 1;
  switch (decision.kind) {
    case 'hold':
      return { ...experiment, lastDecision };
    case 'advance':
      return { ...experiment, stage: experiment.stage + 1, stageStartedAt: now, revision, lastDecision };
    case 'promote':
      return { ...experiment, status: 'promoting', stage: experiment.stages.length - 1, stageStartedAt: now, revision, lastDecision };
    case 'stop':
      return { ...experiment, status: 'stopped', endedAt: now, endReason: decision.reason, revision, lastDecision };
    case 'rollback':
      return { ...experiment, status: 'rolled_back', endedAt: now, endReason: decision.reason, revision, lastDecision };
  }
};

/** A `promoting` experiment once its routing version is written. */
export const completePromotion = (experiment: Experiment, versions: { readonly version: number; readonly previousVersion: number }, now: number): Experiment => ({
  ...experiment,
  status: 'completed',
  promotedVersion: versions.version,
  previousVersion: versions.previousVersion,
  promotedAt: now,
  endedAt: now,
  endReason: 'promoted',
  revision: experiment.revision + 1,
});

/** A person's stop (`routing experiment stop <id> --reason R`). */
export const stopByPerson = (experiment: Experiment, reason: string, by: string, now: number): Experiment => ({
  ...experiment,
  status: 'stopped',
  endedAt: now,
  endReason: `stopped_by:${by}:${reason}`,
  revision: experiment.revision + 1,
  lastDecision: { kind: 'stop', reason: `stopped_by:${by}:${reason}`, at: now },
});
