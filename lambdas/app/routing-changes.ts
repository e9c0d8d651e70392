import {
  defaultRollbackTarget,
  initialVersion,
  planChange,
  planRollback,
  revertIntent,
  type RoutingActor,
  type RoutingChangePlan,
  type RoutingChangeRequest,
  type RoutingPolicyError,
  type RoutingVersion,
} from '../core/routing-versions';
import type { Intent } from '../core/vocabulary';
import type { Clock, RoutingConfigStore } from '../ports';
import { RoutingConflictError, type RoutingVersionStore } from '../ports/routing-versions';

/**
 * The use cases of versioned routing, shared by the CLI (`routing set | rollback`) and automation (the experiment
 * evaluator's automatic rollback): read the active version, plan the change with the core policy, commit it on top
 * of the version it was planned from. Nothing here retries a conflict: the caller re-reads and decides again, since
 * the change was judged against a map that no longer is.
 */
export interface RoutingChangeDeps {
  readonly versions: RoutingVersionStore;
  /** The legacy RoutingConfig rows: version 0 is built from them (with the defaults) until the first commit. */
  readonly legacy?: RoutingConfigStore;
  readonly clock: Clock;
}

/** A change the policy refused; `errors` carry stable codes (lambdas/core/routing-versions.ts ROUTING_POLICY_CODES). */
export class RoutingPolicyRefusedError extends Error {
  override readonly name = 'RoutingPolicyRefusedError';
  readonly code = 'routing_change_refused';
  constructor(readonly errors: readonly RoutingPolicyError[]) {
    super(`routing change refused: ${errors.map((error) => `${error.code}: ${error.message}`).join('; ')}`);
  }
}

export interface ActiveRouting {
  readonly version: RoutingVersion;
  /** False for version 0 before the first commit: it is computed, not stored. */
  readonly stored: boolean;
  /** Legacy rows the lock rule ignored (version 0 only). */
  readonly rejected: readonly { readonly row: unknown; readonly reason: string }[];
}

const iso = (clock: Clock): string => new Date(clock.now()).toISOString();

/** The version routing follows now: the active one, or version 0 (defaults + legacy rows) before any commit. */
export const activeRouting = async (deps: RoutingChangeDeps): Promise<ActiveRouting> => {
  const active = await deps.versions.active();
  if (active) return { version: active, stored: true, rejected: [] };
  const { version, rejected } = initialVersion(deps.legacy ? await deps.legacy.loadOverrides() : [], iso(deps.clock));
  return { version, stored: false, rejected };
};

/** A version by number; version 0 is the computed one until the first commit stores it. */
export const routingVersion = async (deps: RoutingChangeDeps, version: number): Promise<RoutingVersion | undefined> => {
  const stored = await deps.versions.get(version);
  if (stored || version !== 0) return stored;
  const active = await activeRouting(deps);
  return active.stored ? undefined : active.version;
};

const commitPlan = async (deps: RoutingChangeDeps, current: ActiveRouting, plan: RoutingChangePlan): Promise<RoutingVersion> => {
  if (!plan.ok) throw new RoutingPolicyRefusedError(plan.errors);
  if (!current.stored) {
    // Version 0 is stored with the first change, so history and `rollback --to 0` have it as it was routed.
    const initial = await deps.versions.commit(null, current.version);
    if (!initial.ok) throw new RoutingConflictError(initial.expected, initial.active);
  }
  const result = await deps.versions.commit(current.version.version, plan.next);
  if (!result.ok) throw new RoutingConflictError(result.expected, result.active);
  return result.version;
};

/** `routing set`, and an automated change of intents (a promoted experiment): policy, then a conditional commit. */
export const changeRouting = async (deps: RoutingChangeDeps, request: RoutingChangeRequest): Promise<RoutingVersion> => {
  const current = await activeRouting(deps);
  return commitPlan(deps, current, planChange(current.version, request, iso(deps.clock)));
};

/** Plans without committing: what `set` would do (the CLI's `--dry-run`, an experiment checking it may start). */
export const previewChange = async (deps: RoutingChangeDeps, request: RoutingChangeRequest): Promise<RoutingChangePlan> =>
  planChange((await activeRouting(deps)).version, request, iso(deps.clock));

export interface RollbackRequest {
  readonly actor: RoutingActor;
  readonly reason?: string;
  /** The version to restore; the active version's parent when absent. */
  readonly to?: number;
  readonly unlock?: boolean;
}

/** `routing rollback [--to N]`: a new version whose map is exactly version N's. */
export const rollbackRouting = async (deps: RoutingChangeDeps, request: RollbackRequest): Promise<RoutingVersion> => {
  const current = await activeRouting(deps);
  const to = request.to ?? defaultRollbackTarget(current.version);
  if (to === null) throw new RoutingPolicyRefusedError([{ code: 'unknown_version', message: `version ${current.version.version} has no earlier version to roll back to` }]);
  const target = await routingVersion(deps, to);
  if (!target) throw new RoutingPolicyRefusedError([{ code: 'unknown_version', message: `there is no routing version ${to}` }]);
  return commitPlan(deps, current, planRollback(current.version, target, request, iso(deps.clock)));
};

export interface RevertIntentRequest {
  readonly intent: Intent;
  /**
   * The version whose change of `intent` is undone: the intent goes back to its rule in that version's parent. The
   * active version when absent.
   */
  readonly changedIn?: number;
  readonly actor: RoutingActor;
  readonly reason: string;
  /** A person's permission to revert a locked intent; automation never has it. */
  readonly unlock?: boolean;
}

/**
 * Automatic rollback of one intent (the experiment evaluator): the intent goes back to its rule before the change
 * `changedIn` made, other intents stay as they are now. Throws RoutingPolicyRefusedError (a locked intent, nothing to
 * revert) or RoutingConflictError (routing changed meanwhile: re-read and decide again).
 */
export const revertRoutingIntent = async (deps: RoutingChangeDeps, request: RevertIntentRequest): Promise<RoutingVersion> => {
  const current = await activeRouting(deps);
  const changed = request.changedIn === undefined ? current.version : await routingVersion(deps, request.changedIn);
  if (!changed) throw new RoutingPolicyRefusedError([{ code: 'unknown_version', message: `there is no routing version ${request.changedIn}` }]);
  const previous = changed.parent === null ? undefined : await routingVersion(deps, changed.parent);
  if (!previous) throw new RoutingPolicyRefusedError([{ code: 'unknown_version', message: `routing version ${changed.version} has no earlier version` }]);
  return commitPlan(deps, current, revertIntent(current.version, previous, request.intent, request.actor, request.reason, iso(deps.clock), request.unlock ?? false));
};
