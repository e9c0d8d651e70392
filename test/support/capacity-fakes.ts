import { CalendarError, type CalendarEvent } from '../../lambdas/core/capacity/calendar';
import { isMitigationActive, type MitigationState } from '../../lambdas/core/capacity/mitigation';
import { MODEL_TIERS, type ScaleUp } from '../../lambdas/core/capacity/planner';
import { onDemandTarget, type PendingChange, type ProvisionedThroughput, type ServingTarget, type TierTarget } from '../../lambdas/core/capacity/reconcile';
import type { ModelTier } from '../../lambdas/core/vocabulary';
import {
  CapacityControlError,
  type CalendarStore,
  type CapacityControl,
  type CapacityStateStore,
  type CreateThroughputRequest,
  type PublishedBudgetStatus,
  type ServingState,
} from '../../lambdas/ports';

/** In-memory capacity state with the same conditional semantics as the DynamoDB adapter. */
export class MemoryCapacityState implements CapacityStateStore {
  targets: Record<ModelTier, TierTarget> = { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') };
  mitigation: MitigationState | undefined;
  budget: PublishedBudgetStatus | undefined;
  scaleUps: ScaleUp[] = [];
  reads = 0;
  budgetWrites = 0;
  failReads = false;

  async readServingState(): Promise<ServingState> {
    this.reads += 1;
    if (this.failReads) throw new Error('capacity table unreadable');
    return { targets: { ...this.targets }, ...(this.mitigation && { mitigation: this.mitigation }), ...(this.budget && { budget: this.budget }) };
  }

  async switchTarget(tier: ModelTier, expectedVersion: number, provisioned: readonly ServingTarget[], at: number): Promise<boolean> {
    if (this.targets[tier].version !== expectedVersion) return false;
    const { pending: _pending, ...rest } = this.targets[tier];
    this.targets[tier] = { ...rest, version: expectedVersion + 1, provisioned: [...provisioned], switchedAt: at };
    return true;
  }

  async setPending(tier: ModelTier, pending: PendingChange | undefined): Promise<void> {
    const { pending: _old, ...rest } = this.targets[tier];
    this.targets[tier] = pending ? { ...rest, pending } : rest;
  }

  async setMitigation(state: MitigationState): Promise<void> {
    this.mitigation = state;
  }

  async startMitigationIfOff(state: MitigationState, now: number): Promise<boolean> {
    if (isMitigationActive(this.mitigation, now)) return false;
    this.mitigation = state;
    return true;
  }

  async clearMitigation(): Promise<void> {
    this.mitigation = undefined;
  }

  async listScaleUps(now: number): Promise<ScaleUp[]> {
    return this.scaleUps.filter((s) => now < s.until);
  }

  async addScaleUp(scaleUp: ScaleUp): Promise<void> {
    this.scaleUps.push(scaleUp);
  }

  async publishBudgetStatus(status: PublishedBudgetStatus): Promise<void> {
    this.budgetWrites += 1;
    this.budget = status;
  }
}

export class MemoryCalendar implements CalendarStore {
  constructor(public events: CalendarEvent[] = []) {}

  /** Rows an operator broke: listed as rejected, never planned from. */
  rejected: { id: string; problems: string[] }[] = [];

  async list(): Promise<CalendarEvent[]> {
    return [...this.events];
  }

  async listWithProblems(): Promise<{ events: CalendarEvent[]; rejected: { id: string; problems: string[] }[] }> {
    return { events: [...this.events], rejected: [...this.rejected] };
  }

  async add(event: CalendarEvent): Promise<void> {
    if (this.events.some((e) => e.id === event.id)) throw new CalendarError(`an event with id "${event.id}" already exists`);
    this.events.push(event);
  }

  async remove(id: string): Promise<boolean> {
    const before = this.events.length;
    this.events = this.events.filter((e) => e.id !== id);
    return this.events.length < before;
  }
}

/**
 * A Bedrock control plane in memory: creation takes `creationSteps` list calls to reach InService, tokens are
 * idempotent, committed throughput refuses deletion, and failures can be queued per operation.
 */
export class FakeCapacityControl implements CapacityControl {
  readonly throughputs = new Map<string, ProvisionedThroughput & { token?: string; polls: number }>();
  readonly calls: string[] = [];
  private readonly failures: { operation: string; error: CapacityControlError }[] = [];
  private next = 1;

  constructor(private readonly creationSteps = 1) {}

  failNext(operation: 'list' | 'get' | 'create' | 'delete', failure: CapacityControlError['failure'] = 'access_denied'): void {
    this.failures.push({ operation, error: new CapacityControlError(failure, operation, `${failure} on ${operation}`) });
  }

  addCommitted(modelArn: string, units: number, name = `committed-${this.next}`): string {
    const arn = `arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/c${this.next++}`;
    this.throughputs.set(arn, { arn, name, modelArn, units, status: 'InService', committed: true, polls: 0 });
    return arn;
  }

  private fail(operation: string): void {
    const index = this.failures.findIndex((f) => f.operation === operation);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      if (failure) throw failure.error;
    }
  }

  async list(): Promise<ProvisionedThroughput[]> {
    this.calls.push('list');
    this.fail('list');
    for (const [arn, t] of this.throughputs) {
      if (t.status === 'Creating') {
        const polls = t.polls + 1;
        this.throughputs.set(arn, { ...t, polls, status: polls >= this.creationSteps ? 'InService' : 'Creating' });
      }
    }
    return [...this.throughputs.values()].map(({ token: _token, polls: _polls, ...t }) => t);
  }

  async get(arn: string): Promise<ProvisionedThroughput | undefined> {
    this.calls.push(`get ${arn}`);
    this.fail('get');
    const found = this.throughputs.get(arn);
    if (!found) return undefined;
    const { token: _token, polls: _polls, ...t } = found;
    return t;
  }

  async create(request: CreateThroughputRequest): Promise<string> {
    this.calls.push(`create ${request.name}`);
    this.fail('create');
    const existing = [...this.throughputs.values()].find((t) => t.token === request.clientRequestToken);
    if (existing) return existing.arn;
    if ([...this.throughputs.values()].some((t) => t.name === request.name)) {
      throw new CapacityControlError('conflict', 'create', `name ${request.name} is taken`);
    }
    const arn = `arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/p${this.next++}`;
    const modelArn = `arn:aws:bedrock:ap-northeast-1::foundation-model/${request.modelId}`;
    this.throughputs.set(arn, { arn, name: request.name, modelArn, units: request.units, status: 'Creating', committed: false, token: request.clientRequestToken, polls: 0 });
    return arn;
  }

  async delete(arn: string): Promise<void> {
    this.calls.push(`delete ${arn}`);
    this.fail('delete');
    const found = this.throughputs.get(arn);
    if (found?.committed) throw new CapacityControlError('invalid', 'delete', 'committed throughput cannot be deleted');
    this.throughputs.delete(arn);
  }
}

export const ALL_MODEL_TIERS = MODEL_TIERS;
