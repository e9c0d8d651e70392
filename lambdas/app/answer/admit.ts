import { jstDay, type BudgetStatus } from '../../core/budget/guardian';
import { principalKey, type Principal } from '../../core/principal';
import type { ModelTier } from '../../core/vocabulary';
import type { BudgetReading } from '../budget-source';
import type { ModelCall } from './model-attempt';
import { requestPrincipal } from './limits';
import type { AnswerDeps, AnswerRequest } from './types';

/** The tier a call goes to when the guardian cannot count: never the strong one (DESIGN section 7). */
export const CHEAP_TIER: ModelTier = 'haiku';

export const FAIL_CLOSED_REASON = 'budget:unavailable:cheap_tier';

/** One model call's entry in the ledger: settled by the charge step whatever happened to the call. */
export interface LedgerSlot {
  /** `<requestId>:<nonce>:<attempt>`: unique per call even when a client reuses its request ids. */
  readonly id: string;
  readonly tier: ModelTier;
  /** False when the guardian failed closed: the call is still settled (counted), without a reservation to release. */
  readonly reserved: boolean;
  /** What the call used, once it ran; a slot without a call settles at 0 (releasing its reservation). */
  call?: ModelCall;
}

export type AdmissionVerdict =
  | { readonly kind: 'admitted'; readonly slot: LedgerSlot }
  /** The day's budget cannot take this call's worst case at this tier. */
  | { readonly kind: 'refused' }
  /** The ledger failed: this tier may not be called unreserved; the cheap tier may. */
  | { readonly kind: 'cheap_tier_only' };

type Guard = { readonly kind: 'unread' } | { readonly kind: 'known'; readonly status: BudgetStatus } | { readonly kind: 'failed_closed' };

/**
 * Admission of one request's model calls. The budget day is fixed when the request starts (a request admitted at
 * 23:59:59.9 JST reserves and settles on that day, whenever its calls end). Before every call (each attempt of the
 * fallback chain) the worst case (input + maxTokens at the tier's prices) is reserved atomically in the ledger
 * against today's budget; the charge step settles every slot with what the call actually cost.
 *
 * When the ledger fails (Redis down: the client gives up within a second) the request fails closed: its calls go to
 * the cheap tier without a reservation, never to the strong tier; that is logged and counted once per request.
 */
export class Admission {
  readonly slots: LedgerSlot[] = [];
  /** Reasons the model step adds to the decision's (`budget:refused:<tier>`, `budget:unavailable:cheap_tier`). */
  readonly reasons: string[] = [];
  private guard: Guard = { kind: 'unread' };
  private attempts = 0;

  constructor(
    private readonly deps: Pick<AnswerDeps, 'ledger' | 'budgetConfig' | 'clock' | 'metrics' | 'log'>,
    /** Unique per request: its ledger slots' prefix, and its entries in the limit store. */
    readonly key: string,
    readonly day: string,
    /** When the request started (epoch ms): the instant its budget status is read for. */
    readonly startedAt: number,
    /** Who the request acts for: the limits and the spend per principal are counted under its key. */
    readonly principal: Principal,
  ) {
    this.principalKey = principalKey(principal);
  }

  readonly principalKey: string;

  /** Whether the request's cost was added to its principal's spend (once: before `done`, else in the charge step). */
  principalCharged = false;

  /** The cheap-tier call that classified the message (the LLM fallback), if one did: paid like any model call. */
  classifierCostUsd = 0;

  /** What every call of the request cost so far (classification and fallback attempts included): `done.costUsd`. */
  totalCostUsd(): number {
    const total = this.slots.reduce((sum, slot) => sum + (slot.call?.costUsd ?? 0), this.classifierCostUsd);
    return Math.round(total * 1e9) / 1e9;
  }

  /** The ledger id of the classification call's settlement. */
  get classifierId(): string {
    return `${this.key}:classifier`;
  }

  /** The budget step's reading of the day: known, or unavailable (fail closed from here on). */
  useReading(reading: BudgetReading): void {
    if (reading.kind === 'known') this.guard = { kind: 'known', status: reading.status };
    // The budget source logged the failed read; the decision's reasons say so (lambdas/app/answer/budget.ts).
    else this.failClosed({ logged: true, error: reading.error });
  }

  /** Reserves the worst case `usd` of the next call, at `tier`, in the ledger. */
  async admit(tier: ModelTier, usd: number): Promise<AdmissionVerdict> {
    this.attempts += 1;
    const id = `${this.key}:${this.attempts}`;
    const guard = this.guard;
    if (guard.kind !== 'known') {
      // Unread only if the budget step was skipped, which it never is before a model call: fail closed all the same.
      if (guard.kind === 'unread') this.failClosed({ logged: false, error: new Error('no budget reading before a model call') });
      return this.unreserved(id, tier);
    }
    try {
      const result = await this.deps.ledger.reserve({
        day: this.day,
        id,
        usd,
        limitUsd: guard.status.budget.totalUsd,
        ttlMs: this.deps.budgetConfig.reservationTtlMs,
        now: this.deps.clock.now(),
      });
      if (!result.admitted) {
        this.reasons.push(`budget:refused:${tier}`);
        this.deps.log.info('model call refused by the budget', { day: this.day, id, tier, worstCaseUsd: usd, committedUsd: result.committedUsd, limitUsd: guard.status.budget.totalUsd });
        return { kind: 'refused' };
      }
      return { kind: 'admitted', slot: this.add({ id, tier, reserved: true }) };
    } catch (error) {
      this.failClosed({ logged: false, error });
      return this.unreserved(id, tier);
    }
  }

  private unreserved(id: string, tier: ModelTier): AdmissionVerdict {
    if (tier !== CHEAP_TIER) return { kind: 'cheap_tier_only' };
    return { kind: 'admitted', slot: this.add({ id, tier, reserved: false }) };
  }

  private add(slot: LedgerSlot): LedgerSlot {
    this.slots.push(slot);
    return slot;
  }

  /** Counted once per request; a failure not yet reported is logged and added to the reasons here. */
  private failClosed({ logged, error }: { readonly logged: boolean; readonly error: unknown }): void {
    if (this.guard.kind === 'failed_closed') return;
    this.guard = { kind: 'failed_closed' };
    this.deps.metrics.record('BudgetFailClosed', 1, 'Count');
    if (logged) return;
    this.reasons.push(FAIL_CLOSED_REASON);
    this.deps.log.error('budget reservation failed; failing closed to the cheap tier', { day: this.day, error });
  }
}

/**
 * The admit step's first half: fixes the request's budget day, its ledger key and its principal before anything
 * else happens. The second half is the limits per principal (lambdas/app/answer/limits.ts enterLimits).
 */
export const admitRequest = (deps: Pick<AnswerDeps, 'ledger' | 'budgetConfig' | 'clock' | 'metrics' | 'log' | 'newId'>, request: AnswerRequest): Admission => {
  const startedAt = deps.clock.now();
  return new Admission(deps, `${request.requestId}:${deps.newId()}`, jstDay(startedAt), startedAt, requestPrincipal(request));
};

export { enterLimits } from './limits';
