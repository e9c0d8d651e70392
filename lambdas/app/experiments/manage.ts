import { resolveStagePlan, type ExperimentConfig } from '../../core/experiments/config';
import { stopByPerson } from '../../core/experiments/evaluate';
import { ExperimentError, experimentIntent, planExperiment, type DecisionRecord, type Experiment, type StageCounters } from '../../core/experiments/model';
import { routingMapOf } from '../../core/routing-versions';
import type { Clock } from '../../ports';
import type { ExperimentStore } from '../../ports/experiments';
import { activeRouting, type RoutingChangeDeps } from '../routing-changes';

/** The operator's use cases (`cli routing experiment start | stop | show`). */
export interface ManageExperimentsDeps {
  readonly experiments: ExperimentStore;
  readonly routing: RoutingChangeDeps;
  readonly config: ExperimentConfig;
  readonly clock: Clock;
}

export interface StartExperimentInput {
  readonly intent: string;
  readonly tier: string;
  /** `10,25,100`, a plan's name, or absent for the configured default plan. */
  readonly stages?: string;
  readonly reason: string;
  readonly by: string;
}

/**
 * Starts an experiment on the active routing version: the control arm is the intent's tier there. Refused
 * (ExperimentError) for a locked intent, the tier it already has, a bad stage plan, or an intent that already runs one
 * (also when another start races this one: the store's conditional write decides).
 */
export const startExperiment = async (deps: ManageExperimentsDeps, input: StartExperimentInput): Promise<Experiment> => {
  let stages;
  try {
    stages = resolveStagePlan(input.stages, deps.config);
  } catch (error) {
    throw new ExperimentError('invalid_experiment', (error as Error).message);
  }
  const active = await activeRouting(deps.routing);
  const intent = experimentIntent(`${input.intent}.`);
  const current = intent === undefined ? undefined : (await deps.experiments.list()).find((experiment) => experiment.intent === intent);
  const experiment = planExperiment(
    { intent: input.intent, treatmentTier: input.tier, stages, reason: input.reason, by: input.by },
    routingMapOf(active.version),
    current,
    deps.clock.now(),
    active.version.version,
  );
  if ((await deps.experiments.create(experiment)) === 'intent_busy') {
    throw new ExperimentError('experiment_running', `intent ${experiment.intent} already has an active experiment`);
  }
  await deps.experiments.recordDecision(experiment.id, experiment.revision, { kind: 'hold', reason: `started_by:${input.by}:${input.reason}`, at: experiment.startedAt });
  return experiment;
};

/** A person's stop, in one command: the arms end at once (within the routers' 30 s refresh); the map never changed. */
export const stopExperiment = async (deps: ManageExperimentsDeps, id: string, reason: string, by: string): Promise<Experiment> => {
  if (reason.trim() === '' || by.trim() === '') throw new ExperimentError('invalid_experiment', 'stop needs --reason (and --by)');
  const experiment = await deps.experiments.get(id);
  if (experiment === undefined) throw new ExperimentError('not_found', `no experiment ${id}`);
  if (experiment.status !== 'running') throw new ExperimentError('not_running', `experiment ${id} is ${experiment.status}`);
  const stopped = stopByPerson(experiment, reason, by, deps.clock.now());
  if (!(await deps.experiments.save(stopped, experiment.revision))) throw new ExperimentError('not_running', `experiment ${id} changed meanwhile; run show and try again`);
  if (stopped.lastDecision) await deps.experiments.recordDecision(id, stopped.revision, stopped.lastDecision);
  return stopped;
};

export interface ExperimentView {
  readonly experiment: Experiment;
  /** The counters of the stage serving now. */
  readonly counters: StageCounters;
  readonly decisions: readonly (DecisionRecord & { readonly revision: number })[];
}

/** One experiment with its current stage's counters and its transitions. */
export const showExperiment = async (deps: Pick<ManageExperimentsDeps, 'experiments'>, id: string): Promise<ExperimentView> => {
  const experiment = await deps.experiments.get(id);
  if (experiment === undefined) throw new ExperimentError('not_found', `no experiment ${id}`);
  const [counters, decisions] = await Promise.all([deps.experiments.counters(id, experiment.stage), deps.experiments.decisions(id)]);
  return { experiment, counters, decisions };
};

/** The latest experiment of every intent that has had one. */
export const listExperiments = (deps: Pick<ManageExperimentsDeps, 'experiments'>): Promise<readonly Experiment[]> => deps.experiments.list();
