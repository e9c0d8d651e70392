import type { ExperimentConfig } from '../../core/experiments/config';
import { applyDecision, completePromotion, decideExperiment, type ExperimentDecision } from '../../core/experiments/evaluate';
import type { Experiment } from '../../core/experiments/model';
import { decideRollback, rollbackRanges, type RoutingChange } from '../../core/experiments/rollback';
import { routingMapOf, ruleOf, type RoutingActor, type RoutingVersion } from '../../core/routing-versions';
import type { Intent } from '../../core/vocabulary';
import type { Clock, Log, MetricsSink } from '../../ports';
import type { ExperimentStore, RollbackRecord } from '../../ports/experiments';
import { activeRouting, changeRouting, revertRoutingIntent, routingVersion, type RoutingChangeDeps } from '../routing-changes';

/** The scheduled evaluator runs this often (EventBridge in AWS, an interval offline). */
export const EVALUATOR_PERIOD_MINUTES = 15;

/** Who automation's routing versions name; its reverts start with ROLLBACK_REASON so they are never watched themselves. */
export const EVALUATOR_ACTOR: RoutingActor = { kind: 'automation', name: 'experiment-evaluator' };
const ROLLBACK_REASON = 'automatic rollback';

export interface EvaluatorDeps {
  readonly experiments: ExperimentStore;
  readonly routing: RoutingChangeDeps;
  readonly config: ExperimentConfig;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

export interface EvaluationReport {
  readonly decisions: readonly { readonly id: string; readonly intent: Intent; readonly kind: ExperimentDecision['kind'] | 'completed' | 'skipped'; readonly reason: string }[];
  readonly rollbacks: readonly RollbackRecord[];
}

/**
 * One run of the evaluator (every 15 minutes): each running experiment is held, advanced, promoted, stopped or rolled
 * back by the core's decision on its stage's counters (lambdas/core/experiments/evaluate.ts), a promotion becomes a
 * routing version, and every intent changed within the rollback window is watched and reverted to the previous
 * version when its satisfaction dropped. Safe to run twice, or twice at once: every move of an experiment is a write
 * conditional on its revision and every routing change a commit conditional on the active version, so a second run
 * finds the work done (or loses the race and writes nothing), and rollback records are keyed by what they revert.
 */
export const evaluateExperiments = async (deps: EvaluatorDeps): Promise<EvaluationReport> => {
  const decisions: EvaluationReport['decisions'][number][] = [];
  const rollbacks: RollbackRecord[] = [];
  const experiments = await deps.experiments.list();
  for (const experiment of experiments) {
    try {
      if (experiment.status === 'promoting') decisions.push(await finishPromotion(deps, experiment));
      else if (experiment.status === 'running') decisions.push(await evaluateOne(deps, experiment, rollbacks));
    } catch (error) {
      // One experiment's failure (a conflict, a throttled table) must not keep the others from being evaluated.
      deps.log.error('experiment evaluation failed', { experimentId: experiment.id, error });
      deps.metrics.record('ExperimentEvaluatorErrors', 1, 'Count');
    }
  }
  rollbacks.push(...(await watchChanges(deps, experiments)));
  const running = (await deps.experiments.list()).filter((experiment) => experiment.status === 'running' || experiment.status === 'promoting');
  deps.metrics.record('ExperimentsRunning', running.length, 'Count');
  return { decisions, rollbacks };
};

const evaluateOne = async (deps: EvaluatorDeps, experiment: Experiment, rollbacks: RollbackRecord[]): Promise<EvaluationReport['decisions'][number]> => {
  const now = deps.clock.now();
  const map = routingMapOf((await activeRouting(deps.routing)).version);
  const counters = await deps.experiments.counters(experiment.id, experiment.stage);
  const decision = decideExperiment(experiment, counters, { now, config: deps.config, current: map[experiment.intent] });
  const next = applyDecision(experiment, decision, now);
  // Conditional on the revision read: a concurrent run that moved it first wins, this one changes nothing.
  if (!(await deps.experiments.save(next, experiment.revision))) {
    return { id: experiment.id, intent: experiment.intent, kind: 'skipped', reason: 'moved_by_another_run' };
  }
  deps.metrics.record('ExperimentDecisions', 1, 'Count', { Decision: decision.kind });
  const view = { experimentId: experiment.id, intent: experiment.intent, stage: experiment.stage, decision: decision.kind, reason: decision.reason, figures: decision.figures };
  if (decision.kind === 'hold') {
    deps.log.info('experiment held', view);
    return { id: experiment.id, intent: experiment.intent, kind: 'hold', reason: decision.reason };
  }
  if (next.lastDecision) await deps.experiments.recordDecision(experiment.id, next.revision, next.lastDecision);
  if (decision.kind === 'rollback') {
    const record: RollbackRecord = { at: now, intent: experiment.intent, experimentId: experiment.id, kind: 'arm', reason: decision.reason, ...(decision.figures && { figures: decision.figures }) };
    await deps.experiments.recordRollback(record);
    rollbacks.push(record);
    deps.metrics.record('RoutingRollbacks', 1, 'Count');
    deps.log.error('experiment arm rolled back', view);
  } else {
    deps.log.info(`experiment ${decision.kind}`, view);
  }
  if (decision.kind === 'promote') return finishPromotion(deps, next);
  return { id: experiment.id, intent: experiment.intent, kind: decision.kind, reason: decision.reason };
};

/**
 * A promoted experiment becomes a routing version (automation: never for a locked intent, always with a reason), then
 * `completed`. A run that crashed between the two is finished by the next: a version that already made the change
 * (its reason names the experiment) is taken, not written twice.
 */
const finishPromotion = async (deps: EvaluatorDeps, experiment: Experiment): Promise<EvaluationReport['decisions'][number]> => {
  const reason = `experiment ${experiment.id} promoted to full: ${experiment.lastDecision?.reason ?? 'gates passed'}`;
  const history = await deps.routing.versions.history(20);
  const written = history.find((version) => version.reason === reason);
  let version: RoutingVersion;
  try {
    version = written ?? (await changeRouting(deps.routing, { actor: EVALUATOR_ACTOR, rules: [{ intent: experiment.intent, tier: experiment.treatmentTier }], reason }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'routing_change_refused') {
      // The policy refuses it now (the intent was locked meanwhile): the experiment ends, the map stays.
      const stopped = applyDecision(experiment, { kind: 'stop', reason: `promotion_refused:${(error as Error).message}` }, deps.clock.now());
      if (await deps.experiments.save(stopped, experiment.revision)) {
        if (stopped.lastDecision) await deps.experiments.recordDecision(experiment.id, stopped.revision, stopped.lastDecision);
      }
      return { id: experiment.id, intent: experiment.intent, kind: 'stop', reason: stopped.endReason ?? 'promotion_refused' };
    }
    throw error;
  }
  const completed = completePromotion(experiment, { version: version.version, previousVersion: version.parent ?? 0 }, deps.clock.now());
  if (await deps.experiments.save(completed, experiment.revision)) {
    await deps.experiments.recordDecision(experiment.id, completed.revision, { kind: 'promote', reason: `version ${version.version} (from ${version.parent ?? 0})`, at: completed.promotedAt ?? deps.clock.now() });
  }
  deps.log.info('experiment promoted to a routing version', { experimentId: experiment.id, intent: experiment.intent, version: version.version, previousVersion: version.parent });
  return { id: experiment.id, intent: experiment.intent, kind: 'completed', reason: `version ${version.version}` };
};

/**
 * The rollback rule over every routing change of the last window (a person's `routing set` as much as a promotion):
 * each intent a version changed, while that change is still in force, is compared with its baseline; a drop beyond
 * the threshold reverts the intent to its rule before the change, in a new version. The evaluator's own reverts and
 * whole-map rollbacks are not watched (a revert is not undone by the next run).
 */
const watchChanges = async (deps: EvaluatorDeps, experiments: readonly Experiment[]): Promise<RollbackRecord[]> => {
  const now = deps.clock.now();
  const rule = deps.config.rollback;
  const horizon = now - (rule.windowMinutes + EVALUATOR_PERIOD_MINUTES) * 60_000;
  const recent = (await deps.routing.versions.history(50)).filter(
    (version) => version.parent !== null && version.kind !== 'rollback' && !(version.reason ?? '').startsWith(ROLLBACK_REASON) && Date.parse(version.createdAt) >= horizon,
  );
  if (recent.length === 0) return [];
  const records: RollbackRecord[] = [];
  for (const version of recent) {
    for (const { intent } of version.diff.changes) {
      try {
        const record = await watchIntent(deps, version, intent, experiments);
        if (record) records.push(record);
      } catch (error) {
        deps.log.error('rollback check failed', { intent, version: version.version, error });
        deps.metrics.record('ExperimentEvaluatorErrors', 1, 'Count');
      }
    }
  }
  return records;
};

const watchIntent = async (deps: EvaluatorDeps, version: RoutingVersion, intent: Intent, experiments: readonly Experiment[]): Promise<RollbackRecord | undefined> => {
  const now = deps.clock.now();
  const current = (await activeRouting(deps.routing)).version;
  const changedTo = ruleOf(version, intent);
  const inForce = ruleOf(current, intent);
  // Superseded by a later change, or already reverted (a second run): nothing of this change to undo.
  if (inForce.tier !== changedTo.tier || inForce.locked !== changedTo.locked) return undefined;
  const change: RoutingChange = { intent, version: version.version, previousVersion: version.parent ?? 0, at: Date.parse(version.createdAt) };
  const ranges = rollbackRanges(change, deps.config.rollback);
  const [baseline, after] = await Promise.all([deps.experiments.intentRatings(intent, ranges.baseline), deps.experiments.intentRatings(intent, ranges.after)]);
  const verdict = decideRollback(change, baseline, after, { now, config: deps.config.rollback, locked: inForce.locked, evaluatorPeriodMinutes: EVALUATOR_PERIOD_MINUTES });
  if (verdict.kind === 'expired' || verdict.kind === 'watch') return undefined;
  if (verdict.kind === 'blocked') {
    deps.metrics.record('RoutingRollbacksBlocked', 1, 'Count');
    deps.log.error('rollback blocked: the intent is locked, a person must decide', { intent, version: version.version, reason: verdict.reason, figures: verdict.figures });
    return undefined;
  }
  const previous = await routingVersion(deps.routing, change.previousVersion);
  const reverted = await revertRoutingIntent(deps.routing, {
    intent,
    changedIn: version.version,
    actor: EVALUATOR_ACTOR,
    reason: `${ROLLBACK_REASON} of ${intent} (v${version.version} -> v${change.previousVersion} ${previous ? ruleOf(previous, intent).tier : ''}): ${verdict.reason}`,
  });
  const experiment = experiments.find((candidate) => candidate.promotedVersion === version.version && candidate.intent === intent);
  const record: RollbackRecord = {
    at: now,
    intent,
    kind: 'version',
    fromVersion: version.version,
    toVersion: change.previousVersion,
    newVersion: reverted.version,
    reason: verdict.reason,
    figures: verdict.figures,
    ...(experiment && { experimentId: experiment.id }),
  };
  await deps.experiments.recordRollback(record);
  if (experiment !== undefined && experiment.status === 'completed') {
    const rolledBack: Experiment = { ...experiment, status: 'rolled_back', endReason: `rollback:${verdict.reason}`, revision: experiment.revision + 1 };
    if (await deps.experiments.save(rolledBack, experiment.revision)) {
      await deps.experiments.recordDecision(experiment.id, rolledBack.revision, { kind: 'rollback', reason: verdict.reason, at: now });
    }
  }
  deps.metrics.record('RoutingRollbacks', 1, 'Count');
  // The alarm's record: which versions, and the figures that decided it.
  deps.log.error('routing rolled back automatically', { ...record });
  return record;
};
