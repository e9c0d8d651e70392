import { STREAM_EXCEPTION_TYPES, type StreamExceptionType } from './errors';
import { COUNT, type MemberCheck, nextFault, parsePatch, RATE } from './fault-draw';
import { hashSeed, mulberry32, type Prng } from './prng';

export { FaultConfigError } from './fault-draw';

/**
 * Fault injection. Deterministic counters (`throttleNext`: the next N requests are throttled, ...) win over the
 * rates; rates are drawn from the seeded PRNG in request order, so a run replays exactly for a given seed and
 * request sequence. One request gets at most one fault, tried in the order throttle, server error, mid-stream
 * error, hang; only the counter that applies is decremented.
 */
export const FAULT_KINDS = ['throttle', 'serverError', 'midStreamError', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  /** HTTP 429 ThrottlingException before the stream starts. */
  readonly throttleRate: number;
  /** HTTP 500 InternalServerException or 503 ServiceUnavailableException (see `serverErrorStatus`). */
  readonly serverErrorRate: number;
  /** After `faultAfterDeltas` deltas, an in-stream exception of `midStreamErrorType` (Converse: that error as HTTP). */
  readonly midStreamErrorRate: number;
  /** After `faultAfterDeltas` deltas nothing more is sent and the response never ends (Converse: no response). */
  readonly hangRate: number;
  readonly throttleNext: number;
  readonly serverErrorNext: number;
  readonly midStreamErrorNext: number;
  readonly hangNext: number;
  readonly midStreamErrorType: StreamExceptionType;
  readonly serverErrorStatus: 500 | 503;
  readonly faultAfterDeltas: number;
}

export const NO_FAULTS: FaultConfig = {
  throttleRate: 0,
  serverErrorRate: 0,
  midStreamErrorRate: 0,
  hangRate: 0,
  throttleNext: 0,
  serverErrorNext: 0,
  midStreamErrorNext: 0,
  hangNext: 0,
  midStreamErrorType: 'modelStreamErrorException',
  serverErrorStatus: 500,
  faultAfterDeltas: 2,
};

const CHECKS: Readonly<Record<keyof FaultConfig, MemberCheck>> = {
  throttleRate: RATE,
  serverErrorRate: RATE,
  midStreamErrorRate: RATE,
  hangRate: RATE,
  throttleNext: COUNT,
  serverErrorNext: COUNT,
  midStreamErrorNext: COUNT,
  hangNext: COUNT,
  faultAfterDeltas: COUNT,
  midStreamErrorType: [(m) => (STREAM_EXCEPTION_TYPES as readonly unknown[]).includes(m), `one of ${STREAM_EXCEPTION_TYPES.join(', ')}`],
  serverErrorStatus: [(m) => m === 500 || m === 503, '500 or 503'],
};

/** Checks an untrusted partial configuration (from options or an HTTP body) member by member. */
export const parseFaultPatch = (value: unknown): Partial<FaultConfig> => parsePatch<FaultConfig>(value, 'fault', CHECKS);

export class FaultInjector {
  private current: FaultConfig;
  private readonly prng: Prng;

  constructor(seed: number, initial: unknown = {}) {
    // A stream of its own, so the simulated texts do not change when faults are switched on.
    this.prng = mulberry32(hashSeed(seed, 'faults'));
    this.current = { ...NO_FAULTS, ...parseFaultPatch(initial) };
  }

  get config(): FaultConfig {
    return this.current;
  }

  /** Applies a partial configuration atomically: on any invalid member nothing changes. */
  update(patch: unknown): FaultConfig {
    this.current = { ...this.current, ...parseFaultPatch(patch) };
    return this.current;
  }

  /** The fault of the next request, if any: counters first, then one draw per non-zero rate. */
  next(): FaultKind | undefined {
    const [kind, config] = nextFault(this.current, FAULT_KINDS, this.prng);
    this.current = config;
    return kind;
  }
}
