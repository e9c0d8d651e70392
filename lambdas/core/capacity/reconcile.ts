import type { ModelCatalog } from '../catalog';
import type { ModelTier } from '../vocabulary';
import { MODEL_TIERS } from './planner';

/**
 * The reconciler's decisions, as a pure function of what is (provisioned throughputs, the routing target) and
 * what should be (desired units). Bedrock cannot resize provisioned throughput in place, so a change of units is:
 * create new -> wait for InService -> switch the routing target -> drain -> delete the old one. Committed
 * throughput is a floor that is never deleted; the current target is never deleted; nothing is deleted before
 * its replacement serves. Every decision is safe to repeat: creates carry an idempotency token derived from the
 * change, switches are conditional on the target's version, deleting what is gone is success.
 */
export const PROVISIONED_STATUSES = ['Creating', 'InService', 'Updating', 'Failed'] as const;
export type ProvisionedStatus = (typeof PROVISIONED_STATUSES)[number];

/** A provisioned throughput as the Bedrock control plane reports it. */
export interface ProvisionedThroughput {
  readonly arn: string;
  readonly name: string;
  /** The foundation model (or custom model) ARN it serves. */
  readonly modelArn: string;
  readonly units: number;
  readonly status: ProvisionedStatus;
  /** Bought with a commitment term: cannot be deleted before it expires, and never is by this code. */
  readonly committed: boolean;
}

/** One provisioned throughput the request path sends a tier's calls to, weighted by its units. */
export interface ServingTarget {
  readonly arn: string;
  readonly units: number;
}

/** A change the reconciler started and has not finished (shown by `capacity status`). */
export interface PendingChange {
  readonly units: number;
  readonly name: string;
  readonly requestedAt: number;
}

/** Where a tier's calls go: provisioned throughput, or on-demand (the catalog's profile) when the list is empty. */
export interface TierTarget {
  readonly tier: ModelTier;
  /** Incremented by every switch; a switch writes only if the version is still the one it read. */
  readonly version: number;
  readonly provisioned: readonly ServingTarget[];
  /** Epoch ms of the last switch: throughput switched away from is drained until this plus the drain period. */
  readonly switchedAt: number;
  readonly pending?: PendingChange;
}

export const onDemandTarget = (tier: ModelTier): TierTarget => ({ tier, version: 0, provisioned: [], switchedAt: 0 });

export type CapacityAction =
  | { readonly kind: 'create'; readonly tier: ModelTier; readonly units: number; readonly name: string; readonly clientRequestToken: string; readonly reasons: readonly string[] }
  | { readonly kind: 'switch'; readonly tier: ModelTier; readonly expectedVersion: number; readonly provisioned: readonly ServingTarget[]; readonly reasons: readonly string[] }
  | { readonly kind: 'delete'; readonly tier: ModelTier; readonly arn: string; readonly reasons: readonly string[] }
  | { readonly kind: 'wait'; readonly tier: ModelTier; readonly reason: string; readonly arn?: string };

export interface TierSituation {
  readonly tier: ModelTier;
  readonly now: number;
  readonly desiredUnits: number;
  readonly desiredReasons: readonly string[];
  /** When the desired units took effect: part of the idempotency token, so retries of one change share it. */
  readonly desiredSince: number;
  /** The provisioned throughputs of this tier: the ones this deployment manages and any committed ones. */
  readonly throughputs: readonly ProvisionedThroughput[];
  readonly target: TierTarget;
  readonly namePrefix: string;
  readonly drainMs: number;
}

/** `20261207T0000`: a compact UTC stamp that fits Bedrock's name and token patterns. */
const stamp = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 16).replace(/[-:]/g, '');

/** The name and idempotency token of the throughput for one change: same change, same name, same token. */
export const throughputName = (prefix: string, tier: ModelTier, units: number, since: number): string => `${prefix}-${tier}-${units}u-${stamp(since)}`;

const managedPrefix = (prefix: string, tier: ModelTier): string => `${prefix}-${tier}-`;

/**
 * Which tier a throughput belongs to: ours by name (`<prefix>-<tier>-...`); a committed one, bought outside this
 * code, by the foundation model it serves. Anything else is not ours to touch.
 */
export const tierOfThroughput = (throughput: ProvisionedThroughput, catalog: ModelCatalog, prefix: string): ModelTier | undefined => {
  const byName = MODEL_TIERS.find((tier) => throughput.name.startsWith(managedPrefix(prefix, tier)));
  if (byName) return byName;
  if (!throughput.committed) return undefined;
  return MODEL_TIERS.find((tier) => throughput.modelArn.endsWith(`/${catalog[tier].foundationModelId}`));
};

const sameTargets = (a: readonly ServingTarget[], b: readonly ServingTarget[]): boolean =>
  a.length === b.length && a.every((x) => b.some((y) => y.arn === x.arn && y.units === x.units));

const serving = (throughputs: readonly ProvisionedThroughput[]): ServingTarget[] => throughputs.map(({ arn, units }) => ({ arn, units }));

/** The actions that move one tier one step closer to its desired units. */
export const reconcileTier = (situation: TierSituation): CapacityAction[] => {
  const { tier, now, target, desiredUnits, desiredReasons } = situation;
  const committedInService = situation.throughputs.filter((t) => t.committed && t.status === 'InService');
  const committedUnits = committedInService.reduce((sum, t) => sum + t.units, 0);
  // Flexible (no-commitment) throughput covers what the committed floor does not.
  const flexUnits = Math.max(0, desiredUnits - committedUnits);
  const flexible = situation.throughputs.filter((t) => !t.committed && t.name.startsWith(managedPrefix(situation.namePrefix, tier)));
  const inTarget = new Set(target.provisioned.map((t) => t.arn));
  const actions: CapacityAction[] = [];

  let wanted: ProvisionedThroughput | undefined;
  let switchTo: ServingTarget[] | undefined;
  if (flexUnits === 0) {
    switchTo = serving(committedInService);
  } else {
    const current = flexible.find((t) => inTarget.has(t.arn) && t.units === flexUnits && t.status === 'InService');
    wanted =
      current ??
      flexible.find((t) => t.units === flexUnits && t.status === 'InService') ??
      flexible.find((t) => t.units === flexUnits && (t.status === 'Creating' || t.status === 'Updating'));
    if (wanted === undefined) {
      const name = throughputName(situation.namePrefix, tier, flexUnits, situation.desiredSince);
      // A failed attempt under the same name is deleted below; the retry needs a name of its own.
      const retry = flexible.some((t) => t.name === name) ? `${throughputName(situation.namePrefix, tier, flexUnits, situation.desiredSince)}-r${stamp(now)}` : name;
      actions.push({ kind: 'create', tier, units: flexUnits, name: retry, clientRequestToken: retry, reasons: desiredReasons });
      actions.push({ kind: 'wait', tier, reason: `creating ${flexUnits} units; the target switches once it is InService` });
    } else if (wanted.status !== 'InService') {
      actions.push({ kind: 'wait', tier, arn: wanted.arn, reason: `${wanted.name} is ${wanted.status}; on-demand and the current target keep serving` });
    } else {
      switchTo = [...serving(committedInService), { arn: wanted.arn, units: wanted.units }];
    }
  }

  // A target entry that is gone or not serving must be dropped even while its replacement is still being created.
  const live = new Set(situation.throughputs.filter((t) => t.status === 'InService').map((t) => t.arn));
  if (switchTo === undefined && target.provisioned.some((t) => !live.has(t.arn))) {
    switchTo = target.provisioned.filter((t) => live.has(t.arn));
  }
  const switching = switchTo !== undefined && !sameTargets(switchTo, target.provisioned);
  if (switchTo !== undefined && switching) {
    actions.push({ kind: 'switch', tier, expectedVersion: target.version, provisioned: switchTo, reasons: desiredReasons });
  }

  // Drain, then delete what no target uses: never committed, never the current or next target, never the
  // throughput being waited for, never one still being created.
  // (The use case stops at a switch that did not happen, so the old target is only deleted once it is not one.)
  const keep = new Set((switching && switchTo ? switchTo : target.provisioned).map((t) => t.arn));
  if (wanted) keep.add(wanted.arn);
  const drainedAt = switching ? now : target.switchedAt;
  for (const t of flexible) {
    if (keep.has(t.arn) || t.status === 'Creating' || t.status === 'Updating') continue;
    if (t.status !== 'Failed' && now < drainedAt + situation.drainMs) {
      actions.push({ kind: 'wait', tier, arn: t.arn, reason: `draining ${t.name} until ${new Date(drainedAt + situation.drainMs).toISOString()}` });
      continue;
    }
    actions.push({ kind: 'delete', tier, arn: t.arn, reasons: [t.status === 'Failed' ? 'failed' : 'drained', `not_target`] });
  }
  return actions;
};

/** Actual units serving a tier: what its routing target points at. */
export const servingUnits = (target: TierTarget): number => target.provisioned.reduce((sum, t) => sum + t.units, 0);

/**
 * Picks the provisioned throughput for one call, weighted by units (`random` in [0, 1)); undefined means on-demand.
 */
export const pickServingTarget = (target: TierTarget, random: number): ServingTarget | undefined => {
  const total = servingUnits(target);
  if (total <= 0) return undefined;
  let point = random * total;
  for (const t of target.provisioned) {
    point -= t.units;
    if (point < 0) return t;
  }
  return target.provisioned[target.provisioned.length - 1];
};
