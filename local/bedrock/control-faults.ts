import { FaultConfigError } from './faults';
import { hashSeed, mulberry32, type Prng } from './prng';

/**
 * Fault injection for the control plane (the provisioned-throughput operations), in the style of the runtime
 * FaultInjector: counters (`throttleNext`: the next N management calls are throttled) win over the rates; rates
 * are drawn from their own seeded PRNG stream in call order. One call gets at most one fault, tried in the order
 * access denied (HTTP 403), throttle (429), server error (500). `operations` limits which operations the faults
 * apply to (default: all five); calls of other operations neither get a fault nor use up a counter.
 * `failCreationNext` is different: the next N throughputs actually created end `Failed` instead of `InService`.
 */
export const CONTROL_OPERATIONS = [
  'CreateProvisionedModelThroughput',
  'GetProvisionedModelThroughput',
  'ListProvisionedModelThroughputs',
  'UpdateProvisionedModelThroughput',
  'DeleteProvisionedModelThroughput',
] as const;
export type ControlOperation = (typeof CONTROL_OPERATIONS)[number];

export const CONTROL_FAULT_KINDS = ['accessDenied', 'throttle', 'serverError'] as const;
export type ControlFaultKind = (typeof CONTROL_FAULT_KINDS)[number];

export interface ControlFaultConfig {
  /** AccessDeniedException, HTTP 403. */
  readonly accessDeniedRate: number;
  /** ThrottlingException, HTTP 429. */
  readonly throttleRate: number;
  /** InternalServerException, HTTP 500. */
  readonly serverErrorRate: number;
  readonly accessDeniedNext: number;
  readonly throttleNext: number;
  readonly serverErrorNext: number;
  /** The next N throughputs created end in status `Failed` (with a failureMessage) when their creation delay ends. */
  readonly failCreationNext: number;
  /** The operations the request faults apply to. */
  readonly operations: readonly ControlOperation[];
}

export const NO_CONTROL_FAULTS: ControlFaultConfig = {
  accessDeniedRate: 0,
  throttleRate: 0,
  serverErrorRate: 0,
  accessDeniedNext: 0,
  throttleNext: 0,
  serverErrorNext: 0,
  failCreationNext: 0,
  operations: CONTROL_OPERATIONS,
};

const RATE_KEYS = ['accessDeniedRate', 'throttleRate', 'serverErrorRate'] as const;
const COUNT_KEYS = ['accessDeniedNext', 'throttleNext', 'serverErrorNext', 'failCreationNext'] as const;
const RATE_OF: Readonly<Record<ControlFaultKind, (typeof RATE_KEYS)[number]>> = {
  accessDenied: 'accessDeniedRate',
  throttle: 'throttleRate',
  serverError: 'serverErrorRate',
};
const COUNTER_OF: Readonly<Record<ControlFaultKind, 'accessDeniedNext' | 'throttleNext' | 'serverErrorNext'>> = {
  accessDenied: 'accessDeniedNext',
  throttle: 'throttleNext',
  serverError: 'serverErrorNext',
};

/** Checks an untrusted partial configuration (from options or an HTTP body) member by member. */
export const parseControlFaultPatch = (value: unknown): Partial<ControlFaultConfig> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultConfigError('control fault configuration must be a JSON object');
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
    } else if (key === 'operations') {
      if (!Array.isArray(member) || !member.every((operation) => (CONTROL_OPERATIONS as readonly unknown[]).includes(operation))) {
        throw new FaultConfigError(`operations must be an array of ${CONTROL_OPERATIONS.join(', ')}, got ${JSON.stringify(member)}`);
      }
    } else {
      throw new FaultConfigError(`unknown control fault setting '${key}'`);
    }
    patch[key] = member;
  }
  return patch as Partial<ControlFaultConfig>;
};

export class ControlFaultInjector {
  private current: ControlFaultConfig;
  private readonly prng: Prng;

  constructor(seed: number, initial: unknown = {}) {
    this.prng = mulberry32(hashSeed(seed, 'control-faults'));
    this.current = { ...NO_CONTROL_FAULTS, ...parseControlFaultPatch(initial) };
  }

  get config(): ControlFaultConfig {
    return this.current;
  }

  /** Applies a partial configuration atomically: on any invalid member nothing changes. */
  update(patch: unknown): ControlFaultConfig {
    this.current = { ...this.current, ...parseControlFaultPatch(patch) };
    return this.current;
  }

  /** The fault of the next call of `operation`, if any: counters first, then one draw per non-zero rate. */
  next(operation: ControlOperation): ControlFaultKind | undefined {
    if (!this.current.operations.includes(operation)) return undefined;
    const counted = CONTROL_FAULT_KINDS.find((kind) => this.current[COUNTER_OF[kind]] > 0);
    if (counted !== undefined) {
      const counter = COUNTER_OF[counted];
      this.current = { ...this.current, [counter]: this.current[counter] - 1 };
      return counted;
    }
    return CONTROL_FAULT_KINDS.find((kind) => {
      const rate = this.current[RATE_OF[kind]];
      return rate > 0 && this.prng.next() < rate;
    });
  }

  /** Whether the throughput being created now must fail (uses up one `failCreationNext`). */
  takeCreationFailure(): boolean {
    if (this.current.failCreationNext === 0) return false;
    this.current = { ...this.current, failCreationNext: this.current.failCreationNext - 1 };
    return true;
  }
}
