import { CONTROL_FAULT_KINDS, CONTROL_OPERATIONS, type ControlFaultKind, type ControlOperation } from './control-faults';
import { FAULT_KINDS, type FaultKind } from './faults';
import type { ThrottleCause, ThroughputStats } from './quotas';

/** Counters for tests and `GET /_local/stats`: what the endpoint saw and did, since start or the last reset. */
export type ModelRoute = 'converse' | 'converse-stream';

export interface SimulationRecord {
  readonly modelId: string;
  readonly profile: string;
  readonly timeToFirstTokenMs: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
}

export interface LocalBedrockStats {
  readonly requests: {
    readonly total: number;
    /** Answered with a ValidationException (bad path, JSON or request shape). */
    readonly rejected: number;
    readonly byRoute: Readonly<Record<ModelRoute, number>>;
    readonly byModel: Readonly<Record<string, number>>;
  };
  /** Requests answered by the OpenAI-compatible upstream instead of the simulator. */
  readonly forwarded: number;
  /** Model calls that carried a `guardrailConfig`, and those the simulated guardrail blocked (input or output). */
  readonly guardrail: { readonly requests: number; readonly interventions: number };
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly streams: {
    readonly started: number;
    readonly completed: number;
    /** Ended by an in-stream exception. */
    readonly failed: number;
    /** The client closed the connection before the stream ended. */
    readonly aborted: number;
    /** Started and not ended yet (hung streams stay here until their client leaves). */
    readonly active: number;
  };
  /** Model calls still producing output (simulating or reading upstream); 0 once aborted ones stopped. */
  readonly generating: number;
  /** The simulated plans, most recent last (bounded), so tests can compare model profiles without wall clocks. */
  readonly simulations: readonly SimulationRecord[];
  /**
   * Runtime throttles by cause: `injected` (the throttle fault before the stream, and mid-stream faults of type
   * throttlingException) and `quota` (a tokens-per-minute reservation that did not fit).
   */
  readonly throttles: Readonly<Record<ThrottleCause, number>>;
  /** Per modelId as sent (on-demand id or provisioned ARN): quota window, tokens served, tokens per second. */
  readonly throughput: ThroughputStats;
  /** Provisioned-throughput management calls by operation, and the faults injected into them. */
  readonly controlPlane: {
    readonly byOperation: Readonly<Record<ControlOperation, number>>;
    readonly faults: Readonly<Record<ControlFaultKind, number>>;
  };
}

const MAX_SIMULATIONS = 1000;

interface Waiter {
  readonly atLeast: number;
  readonly resolve: (stats: LocalBedrockStats) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const zeroFaults = (): Record<FaultKind, number> =>
  Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
const zeroOperations = (): Record<ControlOperation, number> =>
  Object.fromEntries(CONTROL_OPERATIONS.map((operation) => [operation, 0])) as Record<ControlOperation, number>;
const zeroControlFaults = (): Record<ControlFaultKind, number> =>
  Object.fromEntries(CONTROL_FAULT_KINDS.map((kind) => [kind, 0])) as Record<ControlFaultKind, number>;

const EMPTY_THROUGHPUT: ThroughputStats = { windowMs: 0, throttles: { injected: 0, quota: 0 }, byModel: {} };

/** Where the throughput part of a snapshot comes from (the quota meter), and how its counters are reset. */
export interface ThroughputSource {
  snapshot(): ThroughputStats;
  resetCounters(): void;
}

export class StatsRecorder {
  private total = 0;
  private rejected = 0;
  private byRoute: Record<ModelRoute, number> = { converse: 0, 'converse-stream': 0 };
  private byModel: Record<string, number> = {};
  private forwarded = 0;
  private guardrail = { requests: 0, interventions: 0 };
  private faults = zeroFaults();
  private streams = { started: 0, completed: 0, failed: 0, aborted: 0 };
  private simulations: SimulationRecord[] = [];
  private generating = 0;
  private controlOperations = zeroOperations();
  private controlFaults = zeroControlFaults();
  private readonly abortWaiters = new Set<Waiter>();

  constructor(private readonly throughput?: ThroughputSource) {}

  snapshot(): LocalBedrockStats {
    const { started, completed, failed, aborted } = this.streams;
    const throughput = this.throughput?.snapshot() ?? EMPTY_THROUGHPUT;
    return {
      requests: { total: this.total, rejected: this.rejected, byRoute: { ...this.byRoute }, byModel: { ...this.byModel } },
      forwarded: this.forwarded,
      guardrail: { ...this.guardrail },
      faults: { ...this.faults },
      streams: { started, completed, failed, aborted, active: started - completed - failed - aborted },
      generating: this.generating,
      simulations: [...this.simulations],
      throttles: throughput.throttles,
      throughput,
      controlPlane: { byOperation: { ...this.controlOperations }, faults: { ...this.controlFaults } },
    };
  }

  /**
   * Zeroes the counters (not the `generating` gauge, nor the quota windows: `servedLastMinute` still shows the
   * last minute). Streams still running keep counting from zero, so `active` may go negative briefly.
   */
  reset(): void {
    this.total = 0;
    this.rejected = 0;
    this.byRoute = { converse: 0, 'converse-stream': 0 };
    this.byModel = {};
    this.forwarded = 0;
    this.guardrail = { requests: 0, interventions: 0 };
    this.faults = zeroFaults();
    this.streams = { started: 0, completed: 0, failed: 0, aborted: 0 };
    this.simulations = [];
    this.controlOperations = zeroOperations();
    this.controlFaults = zeroControlFaults();
    this.throughput?.resetCounters();
  }

  request(): void {
    this.total += 1;
  }

  modelRequest(route: ModelRoute, modelId: string): void {
    this.byRoute[route] += 1;
    this.byModel[modelId] = (this.byModel[modelId] ?? 0) + 1;
  }

  rejectedRequest(): void {
    this.rejected += 1;
  }

  forwardedRequest(): void {
    this.forwarded += 1;
  }

  guardrailRequest(intervened: boolean): void {
    this.guardrail.requests += 1;
    if (intervened) this.guardrail.interventions += 1;
  }

  fault(kind: FaultKind): void {
    this.faults[kind] += 1;
  }

  controlRequest(operation: ControlOperation): void {
    this.controlOperations[operation] += 1;
  }

  controlFault(kind: ControlFaultKind): void {
    this.controlFaults[kind] += 1;
  }

  simulation(record: SimulationRecord): void {
    this.simulations.push(record);
    if (this.simulations.length > MAX_SIMULATIONS) this.simulations.shift();
  }

  generation(delta: 1 | -1): void {
    this.generating += delta;
  }

  streamStarted(): void {
    this.streams.started += 1;
  }

  streamEnded(how: 'completed' | 'failed' | 'aborted'): void {
    this.streams[how] += 1;
    if (how === 'aborted') this.settleWaiters();
  }

  /** Resolves once at least `atLeast` streams were aborted since the last reset; rejects after `timeoutMs`. */
  waitForStreamAborted(timeoutMs: number, atLeast: number): Promise<LocalBedrockStats> {
    if (this.streams.aborted >= atLeast) return Promise.resolve(this.snapshot());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        atLeast,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.abortWaiters.delete(waiter);
          reject(new Error(`no aborted stream (wanted ${atLeast}, saw ${this.streams.aborted}) within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.abortWaiters.add(waiter);
    });
  }

  /** Fails pending waits, so a test awaiting an abort does not outlive the server. */
  rejectWaiters(reason: string): void {
    for (const waiter of this.abortWaiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.abortWaiters.clear();
  }

  private settleWaiters(): void {
    for (const waiter of this.abortWaiters) {
      if (this.streams.aborted < waiter.atLeast) continue;
      clearTimeout(waiter.timer);
      this.abortWaiters.delete(waiter);
      waiter.resolve(this.snapshot());
    }
  }
}
