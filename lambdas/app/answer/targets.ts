import type { ModelCatalog } from '../../core/catalog';
import type { CapacityConfig } from '../../core/capacity/config';
import { pickServingTarget, servingUnits } from '../../core/capacity/reconcile';
import type { ServingTargetKind } from '../../core/protocol';
import { fallbackChain } from '../../core/routing';
import type { ModelTier } from '../../core/vocabulary';
import type { ServingState } from '../../ports';

/** One place a model call can go: a tier's provisioned throughput (its ARN) or its on-demand profile. */
export interface ModelTarget {
  readonly tier: ModelTier;
  readonly kind: ServingTargetKind;
  /** What is sent as `modelId`: the provisioned throughput's ARN, or the catalog's model id. */
  readonly modelId: string;
  /** Tokens per second the tier's provisioned targets sustain (units x unit capacity); 0 on-demand. */
  readonly capacityTps: number;
}

/**
 * The targets to try, in order, for a routed tier: each tier of the fallback chain (never a dearer one) picks its
 * provisioned throughput by units when it has any, then its on-demand profile. A call that fails before any text
 * moves to the next target: provisioned -> the same tier on-demand -> the cheaper tier (same rule).
 */
export const modelTargets = (
  routedTier: ModelTier,
  serving: ServingState,
  catalog: ModelCatalog,
  capacity: Pick<CapacityConfig, 'tiers'>,
  random: () => number,
): ModelTarget[] =>
  fallbackChain(routedTier).flatMap((tier): ModelTarget[] => {
    const target = serving.targets[tier];
    const onDemand: ModelTarget = { tier, kind: 'on_demand', modelId: catalog[tier].modelId, capacityTps: 0 };
    const picked = pickServingTarget(target, random());
    if (picked === undefined) return [onDemand];
    const capacityTps = servingUnits(target) * capacity.tiers[tier].unitTokensPerSecond;
    return [{ tier, kind: 'provisioned', modelId: picked.arn, capacityTps }, onDemand];
  });
