import { STREAM_EXCEPTION_TYPES, type StreamExceptionType } from './errors';
import { hashSeed, mulberry32, type Prng } from './prng';

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

/** Thrown for a fault configuration that makes no sense; the HTTP route answers it with a 400. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

const RATE_KEYS = ['throttleRate', 'serverErrorRate', 'midStreamErrorRate', 'hangRate'] as const;
const COUNT_KEYS = ['throttleNext', 'serverErrorNext', 'midStreamErrorNext', 'hangNext', 'faultAfterDeltas'] as const;
const RATE_OF: Readonly<Record<FaultKind, (typeof RATE_KEYS)[number]>> = {
  throttle: 'throttleRate',
  serverError: 'serverErrorRate',
  midStreamError: 'midStreamErrorRate',
  hang: 'hangRate',
};
const COUNTER_OF: Readonly<Record<FaultKind, 'throttleNext' | 'serverErrorNext' | 'midStreamErrorNext' | 'hangNext'>> = {
  throttle: 'throttleNext',
  serverError: 'serverErrorNext',
  midStreamError: 'midStreamErrorNext',
  hang: 'hangNext',
};

/** Checks an untrusted partial configuration (from options or an HTTP body) member by member. */
export const parseFaultPatch = (value: unknown): Partial<FaultConfig> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultConfigError('fault configuration must be a JSON object');
  }
  const patch: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if ((RATE_KEYS as readonly string[]).includes(key)) {
      if (typeof member !== 'number' || !Number.isFinite(member) || member < 0 || member > 1) {
        throw new FaultConfigError(`${key} must be a number in [0, 1], got ${JSON.stringify(member)}`);
      }
    } else if ((COUNT_KEYS as readonly string[]).includes(key)) {
      if (typeof member !== 'number' || !Number.isSafeInteger(member) || member < 0) {
        throw new FaultConfigError(`${key} must be a non-negative integer, got ${JSON.stringify(member)}`);
      }
    } else if (key === 'midStreamErrorType') {
      if (!(STREAM_EXCEPTION_TYPES as readonly unknown[]).includes(member)) {
        throw new FaultConfigError(`midStreamErrorType must be one of ${STREAM_EXCEPTION_TYPES.join(', ')}, got ${JSON.stringify(member)}`);
      }
    } else if (key === 'serverErrorStatus') {
      if (member !== 500 && member !== 503) throw new FaultConfigError(`serverErrorStatus must be 500 or 503, got ${JSON.stringify(member)}`);
    } else {
      throw new FaultConfigError(`unknown fault setting '${key}'`);
    }
    patch[key] = member;
  }
  return patch as Partial<FaultConfig>;
};

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
    const counted = FAULT_KINDS.find((kind) => this.current[COUNTER_OF[kind]] > 0);
    if (counted !== undefined) {
      const counter = COUNTER_OF[counted];
      this.current = { ...this.current, [counter]: this.current[counter] - 1 };
      return counted;
    }
    return FAULT_KINDS.find((kind) => {
      const rate = this.current[RATE_OF[kind]];
      return rate > 0 && this.prng.next() < rate;
    });
  }
}
