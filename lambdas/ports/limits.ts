import type { LimitsConfig, LimitVerdict, PrincipalLimits } from '../core/limits';

/** One `invoke` asking to be admitted (lambdas/core/limits/policy.ts decideMessage). */
export interface MessageAdmissionRequest {
  /** principalKey(principal): the rate, strong-tier and spend counters are this principal's. */
  readonly principalKey: string;
  /** The in-flight slots are this connection's. */
  readonly connectionId: string;
  /** Unique per request: the message's entry in the rate log and its in-flight slot. */
  readonly id: string;
  /** The request's JST day (the spend counter's). */
  readonly day: string;
  readonly now: number;
  readonly limits: PrincipalLimits;
  readonly config: Pick<LimitsConfig, 'inFlightTtlMs' | 'inFlightRetryAfterMs'>;
}

export interface InFlightSlot {
  readonly principalKey: string;
  readonly connectionId: string;
  readonly id: string;
}

export interface StrongAnswerRequest {
  readonly principalKey: string;
  readonly id: string;
  readonly now: number;
  readonly limits: PrincipalLimits;
}

export interface SpendCharge {
  readonly principalKey: string;
  readonly day: string;
  readonly usd: number;
}

/**
 * The limit counters (Redis in AWS, lambdas/adapters/redis-limits.ts; in process offline and in unit tests). Every
 * check-and-record is one atomic step, so concurrent Lambdas of one principal can never pass a limit together.
 */
export interface LimitStore {
  /** Admitted: the message is logged against the rate and holds an in-flight slot of its connection until released. */
  admitMessage(request: MessageAdmissionRequest): Promise<LimitVerdict>;
  /** Frees a slot admitMessage took (idempotent); a lost release frees itself after `inFlightTtlMs`. */
  releaseInFlight(slot: InFlightSlot): Promise<void>;
  /** Admitted: one strong-tier answer is logged against the principal's hourly allowance. */
  takeStrongAnswer(request: StrongAnswerRequest): Promise<LimitVerdict>;
  /** Adds what a request cost to the principal's spend on its day. */
  chargeSpend(charge: SpendCharge): Promise<void>;
  /** The principal's spend on a day (USD): for operators and tests. */
  spentUsd(principalKey: string, day: string): Promise<number>;
}
