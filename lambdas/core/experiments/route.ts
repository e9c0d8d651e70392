import { isFaqDecision } from '../faq';
import type { RouteDecision } from '../routing';
import type { RoutingMap, Tier } from '../vocabulary';
import { assignArm, type Arm } from './assignment';
import type { Experiment } from './model';

/** The experiment and arm a decision was made under, as the `route` and `done` frames carry it. */
export interface ExperimentTag {
  readonly id: string;
  readonly arm: Arm;
  /** The stage (index into the experiment's plan) it was routed in: feedback counts on that stage's arm. */
  readonly stage: number;
}

/**
 * A decision under the intent's running experiment: the principal's sticky arm, the treatment tier on the treatment
 * arm, and reason `experiment:<id>:<arm>` either way (the control arm is measured too). Left alone when nothing runs
 * on the intent, when the map no longer has the control tier, or when the policy moved the decision off the map's
 * tier (a FAQ answer, a complex summary, a low-confidence template) or the message has several intents: those
 * answers are not what the experiment compares, so they are counted on neither arm.
 */
export const applyExperiment = (
  decision: RouteDecision,
  experiment: Experiment | undefined,
  subject: string,
  map: RoutingMap,
  modelFor: (tier: Tier) => string | null,
): RouteDecision => {
  if (experiment === undefined || experiment.status !== 'running' || experiment.intent !== decision.intent) return decision;
  if (map[decision.intent].tier !== experiment.controlTier || decision.tier !== experiment.controlTier || isFaqDecision(decision)) return decision;
  // A message with several intents needs the highest tier any of them needs: moving it for one intent would answer
  // the other on a tier its own row does not allow.
  if ((decision.intents?.length ?? 0) > 1) return decision;
  const share = experiment.stages[experiment.stage]?.share ?? 0;
  const arm = assignArm(experiment.id, subject, share);
  const tag: ExperimentTag = { id: experiment.id, arm, stage: experiment.stage };
  const reasons = [...decision.reasons, `experiment:${experiment.id}:${arm}`];
  return arm === 'treatment'
    ? { ...decision, tier: experiment.treatmentTier, model: modelFor(experiment.treatmentTier), reasons, experiment: tag }
    : { ...decision, reasons, experiment: tag };
};
