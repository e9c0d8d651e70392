import { COUNT, type MemberCheck, nextFault, parsePatch, RATE } from './fault-draw';
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

const CHECKS: Readonly<Record<keyof ControlFaultConfig, MemberCheck>> = {
  accessDeniedRate: RATE,
  throttleRate: RATE,
  serverErrorRate: RATE,
  accessDeniedNext: COUNT,
  throttleNext: COUNT,
  serverErrorNext: COUNT,
  failCreationNext: COUNT,
  operations: [
    (m) => Array.isArray(m) && m.every((operation) => (CONTROL_OPERATIONS as readonly unknown[]).includes(operation)),
    `an array of ${CONTROL_OPERATIONS.join(', ')}`,
  ],
};

/** Checks an untrusted partial configuration (from options or an HTTP body) member by member. */
export const parseControlFaultPatch = (value: unknown): Partial<ControlFaultConfig> =>
  parsePatch<ControlFaultConfig>(value, 'control fault', CHECKS);

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
    const [kind, config] = nextFault(this.current, CONTROL_FAULT_KINDS, this.prng);
    this.current = config;
    return kind;
  }

  /** Whether the throughput being created now must fail (uses up one `failCreationNext`). */
  takeCreationFailure(): boolean {
    if (this.current.failCreationNext === 0) return false;
    this.current = { ...this.current, failCreationNext: this.current.failCreationNext - 1 };
    return true;
  }
}
