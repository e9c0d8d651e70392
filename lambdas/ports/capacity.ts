/**
 * Ports of the capacity scheduler: the Bedrock control plane, the capacity state (routing targets, mitigation,
 * scale-ups) and the event calendar. Adapters: lambdas/adapters/bedrock-capacity-control.ts and
 * lambdas/adapters/dynamodb-capacity.ts; tests use in-memory fakes.
 */
import type { BudgetMode, PartialDemotion } from '../core/budget/guardian';
import type { CalendarEvent } from '../core/capacity/calendar';
import type { MitigationState } from '../core/capacity/mitigation';
import type { ScaleUp } from '../core/capacity/planner';
import type { PendingChange, ProvisionedThroughput, ServingTarget, TierTarget } from '../core/capacity/reconcile';
import type { Intent, ModelTier } from '../core/vocabulary';

export interface CreateThroughputRequest {
  readonly name: string;
  /** Idempotency: the same token for the same change never creates a second throughput. */
  readonly clientRequestToken: string;
  /** Foundation model id (or ARN) to provision. */
  readonly modelId: string;
  readonly units: number;
}

/** Failures of the control plane, by kind; `operation` names the API call. */
export const CAPACITY_CONTROL_FAILURES = ['access_denied', 'throttled', 'quota_exceeded', 'conflict', 'not_found', 'invalid', 'unavailable'] as const;
export type CapacityControlFailure = (typeof CAPACITY_CONTROL_FAILURES)[number];

export class CapacityControlError extends Error {
  override readonly name = 'CapacityControlError';
  constructor(
    readonly failure: CapacityControlFailure,
    readonly operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The Bedrock control plane for provisioned throughput. Failures are thrown as CapacityControlError. */
export interface CapacityControl {
  /** Every provisioned throughput of the account and region (all pages). */
  list(): Promise<ProvisionedThroughput[]>;
  get(arn: string): Promise<ProvisionedThroughput | undefined>;
  /** Returns the ARN; repeating a request with the same token returns the same ARN. */
  create(request: CreateThroughputRequest): Promise<string>;
  /** Deleting a throughput that no longer exists is success. */
  delete(arn: string): Promise<void>;
}

/**
 * The budget guardian's reading of a day as the invoke path last published it. The `route` Lambda runs outside the
 * VPC and cannot reach the budget ledger (Redis), so it applies this instead: the invoke path writes it into the
 * capacity table whenever its mode or demoted intents change, and `route` reads it with the serving state.
 */
export interface PublishedBudgetStatus {
  /** The JST budget day it describes: a status of another day says nothing about today. */
  readonly day: string;
  readonly mode: BudgetMode;
  /** Intents moved to the cheap tier, in ramp order. */
  readonly demoted: readonly Intent[];
  /** Locked intents moved for a share of their requests (emergency); empty when none. */
  readonly partial: readonly PartialDemotion[];
  /** Epoch ms of the write. */
  readonly updatedAt: number;
}

/**
 * What the request path reads, in one read: where each tier's calls go, whether mitigation is on, and the budget
 * status the invoke path published.
 */
export interface ServingState {
  readonly targets: Readonly<Record<ModelTier, TierTarget>>;
  readonly mitigation?: MitigationState;
  readonly budget?: PublishedBudgetStatus;
}

export interface CapacityStateStore {
  /** Tiers without a stored target are on-demand (version 0). */
  readServingState(): Promise<ServingState>;
  /**
   * Points a tier at new serving targets if its version is still `expectedVersion`; false when another run switched
   * it first (nothing is written then).
   */
  switchTarget(tier: ModelTier, expectedVersion: number, provisioned: readonly ServingTarget[], at: number): Promise<boolean>;
  /** Records (or clears) the change in progress for a tier, without touching its targets or version. */
  setPending(tier: ModelTier, pending: PendingChange | undefined): Promise<void>;
  setMitigation(state: MitigationState): Promise<void>;
  /** Starts mitigation only if none is active at `now`; false if one already was (automatic triggers race). */
  startMitigationIfOff(state: MitigationState, now: number): Promise<boolean>;
  clearMitigation(): Promise<void>;
  /** Scale-ups still in force at `now`. */
  listScaleUps(now: number): Promise<ScaleUp[]>;
  addScaleUp(scaleUp: ScaleUp): Promise<void>;
  /** Replaces the published budget status (the `BUDGET` item); last writer wins. */
  publishBudgetStatus(status: PublishedBudgetStatus): Promise<void>;
}

/** A calendar row that cannot be planned from (operators edit the table): skipped, and reported. */
export interface RejectedCalendarRow {
  readonly id: string;
  readonly problems: readonly string[];
}

export interface CalendarListing {
  readonly events: CalendarEvent[];
  readonly rejected: readonly RejectedCalendarRow[];
}

export interface CalendarStore {
  /** The valid events. */
  list(): Promise<CalendarEvent[]>;
  /** The valid events and every row that was skipped, with why. */
  listWithProblems(): Promise<CalendarListing>;
  /** Adds an event; throws CalendarError if the id exists (conditional write). */
  add(event: CalendarEvent): Promise<void>;
  /** False when there was no such event. */
  remove(id: string): Promise<boolean>;
}
