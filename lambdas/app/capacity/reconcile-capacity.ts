import { formatJst } from '../../core/capacity/jst';
import { MODEL_TIERS, reconcileGoal, type PlanInputs, type PlannedUnits } from '../../core/capacity/planner';
import { reconcileTier, servingUnits, tierOfThroughput, type CapacityAction, type ProvisionedThroughput } from '../../core/capacity/reconcile';
import type { ModelTier } from '../../core/vocabulary';
import { CapacityControlError, type CapacityControl, type Log, type MetricsSink, type ServingState } from '../../ports';
import { loadPlanInputs, type PlanSources } from './inputs';

export interface ReconcileDeps extends PlanSources {
  readonly control: CapacityControl;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

/** Why the reconciler runs: its schedule, or pressure on provisioned throughput (the utilisation alarm). */
export type ReconcileRequest =
  | { readonly kind: 'scheduled'; readonly trigger?: string }
  | { readonly kind: 'scale_up'; readonly tier: ModelTier; readonly reason: string };

export interface ActionResult {
  readonly action: CapacityAction;
  /** `done`, `skipped` (dry run), `lost_race` (another run switched first), or `failed: <message>`. */
  readonly outcome: string;
}

export interface TierReport {
  readonly tier: ModelTier;
  readonly desired: PlannedUnits;
  readonly servingUnits: number;
  readonly results: readonly ActionResult[];
}

export interface ReconcileReport {
  readonly at: number;
  readonly tiers: readonly TierReport[];
  /** Control-plane or state failures; each was also counted as a SchedulerErrors metric. */
  readonly errors: readonly string[];
}

/** A failure of the reconcile run as a whole (nothing could be decided); already counted in SchedulerErrors. */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
}

const operationOf = (error: unknown, fallback: string): string => (error instanceof CapacityControlError ? error.operation : fallback);

/**
 * One reconcile run: plan, observe, decide (core reconcileTier) and act, tier by tier. A failure of one call is
 * counted (SchedulerErrors, with the operation: AccessDenied included, seed 003 scenario 4) and reported, and the
 * run goes on with what does not depend on it; nothing is deleted on a path that did not see the full picture.
 */
export const reconcileCapacity = async (deps: ReconcileDeps, request: ReconcileRequest, options: { dryRun?: boolean } = {}): Promise<ReconcileReport> => {
  const now = deps.clock.now();
  const errors: string[] = [];
  const fail = (operation: string, error: unknown): string => {
    const message = `${operation}: ${error instanceof Error ? error.message : String(error)}`;
    deps.metrics.record('SchedulerErrors', 1, 'Count');
    deps.metrics.record('SchedulerErrors', 1, 'Count', { Operation: operation });
    deps.log.error('capacity operation failed', { operation, error });
    errors.push(message);
    return message;
  };

  let inputs: PlanInputs;
  let serving: ServingState;
  let throughputs: ProvisionedThroughput[];
  try {
    inputs = await loadPlanInputs(deps);
    serving = await deps.state.readServingState();
    if (request.kind === 'scale_up') inputs = await addScaleUp(deps, inputs, request, serving, now, options.dryRun === true);
    throughputs = await deps.control.list();
  } catch (error) {
    throw new ReconcileError(fail(operationOf(error, 'read_state'), error), { cause: error });
  }

  const tiers: TierReport[] = [];
  for (const tier of MODEL_TIERS) {
    const desired = reconcileGoal(inputs, tier, now);
    const target = serving.targets[tier];
    const actions = reconcileTier({
      tier,
      now,
      desiredUnits: desired.units,
      desiredReasons: desired.reasons,
      desiredSince: desired.since,
      throughputs: throughputs.filter((t) => tierOfThroughput(t, deps.catalog, deps.config.namePrefix) === tier),
      target,
      namePrefix: deps.config.namePrefix,
      drainMs: deps.config.drainMs,
    });
    const results: ActionResult[] = [];
    for (const action of actions) {
      if (options.dryRun || action.kind === 'wait') {
        results.push({ action, outcome: options.dryRun ? 'skipped' : 'done' });
        continue;
      }
      const outcome = await execute(deps, action, now).catch((error: unknown) => `failed: ${fail(operationOf(error, action.kind), error)}`);
      results.push({ action, outcome });
      // A switch that did not happen means the next steps (drain, delete) were decided on a stale picture.
      if (action.kind === 'switch' && outcome !== 'done') break;
    }
    if (!options.dryRun && target.pending && actions.every((a) => a.kind === 'delete')) {
      // Nothing left to create or wait for: the change finished.
      await deps.state.setPending(tier, undefined).catch((error: unknown) => fail('state.setPending', error));
    }
    for (const { action, outcome } of results) {
      if (action.kind !== 'wait') deps.log.info(`capacity ${action.kind}`, { at: formatJst(now), outcome, ...action });
    }
    tiers.push({ tier, desired, servingUnits: servingUnits(target), results });
  }
  return { at: now, tiers, errors };
};

const execute = async (deps: ReconcileDeps, action: CapacityAction, now: number): Promise<string> => {
  switch (action.kind) {
    case 'create':
      await deps.control.create({
        name: action.name,
        clientRequestToken: action.clientRequestToken,
        modelId: deps.catalog[action.tier].foundationModelId,
        units: action.units,
      });
      deps.metrics.record('CapacityChanges', 1, 'Count', { Tier: action.tier, Action: 'create' });
      await deps.state.setPending(action.tier, { units: action.units, name: action.name, requestedAt: now });
      return 'done';
    case 'switch': {
      const switched = await deps.state.switchTarget(action.tier, action.expectedVersion, action.provisioned, now);
      if (switched) deps.metrics.record('CapacityChanges', 1, 'Count', { Tier: action.tier, Action: 'switch' });
      return switched ? 'done' : 'lost_race';
    }
    case 'delete':
      await deps.control.delete(action.arn);
      deps.metrics.record('CapacityChanges', 1, 'Count', { Tier: action.tier, Action: 'delete' });
      return 'done';
    case 'wait':
      return 'done';
  }
};

/**
 * Pressure on provisioned throughput: add a share of the current plan (at least one unit) for a while. Repeated
 * alarms while one is in force do not stack beyond the cap: the planner caps the total.
 */
const addScaleUp = async (
  deps: ReconcileDeps,
  inputs: PlanInputs,
  request: Extract<ReconcileRequest, { kind: 'scale_up' }>,
  serving: ServingState,
  now: number,
  dryRun: boolean,
): Promise<PlanInputs> => {
  const planned = Math.max(reconcileGoal(inputs, request.tier, now).units, servingUnits(serving.targets[request.tier]));
  const extraUnits = Math.max(1, Math.ceil(planned * deps.config.scaleUp.stepShare));
  const scaleUp = { tier: request.tier, extraUnits, until: now + deps.config.scaleUp.durationMs };
  deps.log.warn('scale-up requested', { tier: request.tier, reason: request.reason, extraUnits, until: new Date(scaleUp.until).toISOString() });
  if (!dryRun) {
    await deps.state.addScaleUp(scaleUp);
    deps.metrics.record('ScaleUps', 1, 'Count', { Tier: request.tier });
  }
  return { ...inputs, scaleUps: [...(inputs.scaleUps ?? []), scaleUp] };
};
