import { checkCapacityHealth } from '../lambdas/app/capacity/check-capacity-health';
import { reconcileCapacity, type ReconcileDeps } from '../lambdas/app/capacity/reconcile-capacity';
import { formatJst, MINUTE_MS } from '../lambdas/core/capacity/jst';
import type { Clock } from '../lambdas/ports';

/**
 * The offline stand-in for the EventBridge schedules: every 15 minutes of the capacity clock it runs the reconciler,
 * then the health check, exactly as the two scheduled functions do in AWS. With a fast clock (`LOCAL_CAPACITY_CLOCK`)
 * a person watches a day's plan play out in minutes: each action is logged with the simulated time.
 */
export const SCHEDULE_EVERY_MS = 15 * MINUTE_MS;

/** A clock that runs `speed` times faster than `real`, starting at `start`. */
export class FastClock implements Clock {
  private readonly realStart: number;

  constructor(
    private start: number,
    readonly speed: number,
    private readonly real: Clock,
  ) {
    this.realStart = real.now();
  }

  now(): number {
    return this.start + (this.real.now() - this.realStart) * this.speed;
  }

  /**
   * Where this clock stands against real time, so another process (the local Bedrock endpoint's) can run the same
   * clock: `start + (Date.now() - realStart) * speed` when `real` is the system clock. A later `advance` stays here.
   */
  origin(): { readonly start: number; readonly realStart: number; readonly speed: number } {
    return { start: this.start, realStart: this.realStart, speed: this.speed };
  }

  /** Jumps ahead (tests: from the evening to the night without waiting for it). */
  advance(ms: number): void {
    this.start += ms;
  }
}

/** `fast` (one simulated hour every 10 s), a speed factor such as `60`, or unset/`real` (real time). */
export const parseCapacityClock = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '' || value === 'real') return 1;
  if (value === 'fast') return 360;
  const speed = Number(value);
  return Number.isFinite(speed) && speed >= 1 && speed <= 10_000 ? speed : undefined;
};

export interface LocalScheduler {
  /** Runs one reconcile + health round now (tests and the spike benchmark call it directly). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export const startLocalScheduler = (deps: ReconcileDeps, options: { readonly speed: number; readonly autoStart?: boolean }): LocalScheduler => {
  let running: Promise<void> | undefined;
  const round = async (): Promise<void> => {
    const at = formatJst(deps.clock.now());
    try {
      // The reconciler logs each action it takes, with the (simulated) time.
      await reconcileCapacity(deps, { kind: 'scheduled', trigger: 'local' });
      // The health check logs any mismatch itself.
      await checkCapacityHealth(deps);
    } catch (error) {
      deps.log.error('capacity round failed', { at, error });
    }
  };
  const runOnce = (): Promise<void> => {
    // One round at a time, as a slow control plane must not pile runs up.
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = options.autoStart === false ? undefined : setInterval(() => void runOnce(), Math.max(50, SCHEDULE_EVERY_MS / options.speed));
  timer?.unref();
  if (options.autoStart !== false) void runOnce();
  return {
    runOnce,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
};
