import { tierHealth, type TierHealth } from '../../core/capacity/health';
import { formatJst } from '../../core/capacity/jst';
import { isMitigationActive } from '../../core/capacity/mitigation';
import { desiredUnitsAt, MODEL_TIERS, reconcileGoal } from '../../core/capacity/planner';
import type { CapacityControl, Log, MetricsSink } from '../../ports';
import { loadPlanInputs, type PlanSources } from './inputs';

export interface HealthDeps extends PlanSources {
  readonly control: CapacityControl;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

export interface TierHealthReport extends TierHealth {
  /** False while the plan changed less than a provisioning lead ago: the change may still be under way. */
  readonly checked: boolean;
  readonly reasons: readonly string[];
}

export interface HealthReport {
  readonly at: number;
  readonly tiers: readonly TierHealthReport[];
  readonly mitigationActive: boolean;
  readonly errors: readonly string[];
}

/**
 * The capacity health check (seed 003 scenario 4's prevention): the units actually serving each tier (its routing
 * target, counting only throughput that is InService) against the plan, once the plan has been in force for a
 * provisioning lead. Publishes CapacityMismatch, ProvisionedCapacityTps and MitigationMode every run, so the alarms
 * always have data, and SchedulerErrors for every failed call, AccessDenied included.
 */
export const checkCapacityHealth = async (deps: HealthDeps): Promise<HealthReport> => {
  const now = deps.clock.now();
  const errors: string[] = [];
  const record = (operation: string, error: unknown) => {
    deps.metrics.record('SchedulerErrors', 1, 'Count');
    deps.metrics.record('SchedulerErrors', 1, 'Count', { Operation: operation });
    deps.log.error('capacity health check failed a call', { operation, error });
    errors.push(`${operation}: ${error instanceof Error ? error.message : String(error)}`);
  };
  const [inputs, serving, throughputs] = await Promise.all([
    loadPlanInputs(deps).catch((error: unknown) => record('read_plan', error)),
    deps.state.readServingState().catch((error: unknown) => record('state.read', error)),
    deps.control.list().catch((error: unknown) => record((error as { operation?: string }).operation ?? 'list', error)),
  ]);
  const mitigationActive = serving !== undefined && isMitigationActive(serving.mitigation, now);
  deps.metrics.record('MitigationMode', mitigationActive ? 1 : 0, 'None');
  if (!inputs || !serving || !throughputs) return { at: now, tiers: [], mitigationActive, errors };

  const inService = new Set(throughputs.filter((t) => t.status === 'InService').map((t) => t.arn));
  const tiers = MODEL_TIERS.map((tier): TierHealthReport => {
    const plan = desiredUnitsAt(inputs, tier, now);
    // Capacity for a busier period is put in place a lead ahead: up to the reconciler's goal is not a surplus.
    const ceiling = reconcileGoal(inputs, tier, now).units;
    const actual = serving.targets[tier].provisioned.filter((t) => inService.has(t.arn)).reduce((sum, t) => sum + t.units, 0);
    const expected = Math.min(Math.max(actual, plan.units), ceiling);
    const health = tierHealth(tier, expected, actual, deps.config.tiers[tier]);
    const checked = now - plan.since >= deps.config.provisioningLeadMs;
    deps.metrics.record('ProvisionedCapacityTps', health.provisionedTps, 'None', { Tier: tier });
    deps.metrics.record('CapacityMismatch', checked ? Math.abs(health.mismatchUnits) : 0, 'Count', { Tier: tier });
    if (checked && health.mismatchUnits !== 0) {
      deps.log.warn('provisioned capacity does not match the plan', { at: formatJst(now), tier, expected, actual, reasons: plan.reasons });
    }
    return { ...health, checked, reasons: plan.reasons };
  });
  return { at: now, tiers, mitigationActive, errors };
};
