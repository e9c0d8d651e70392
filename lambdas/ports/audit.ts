import type { TrafficWindow } from '../core/audit/unmapped';

/** Epoch milliseconds, start inclusive, end exclusive. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * Where the unmapped-intent audit reads the traffic of a window from: CloudWatch metric data in AWS
 * (lambdas/adapters/cloudwatch-traffic.ts), the offline stack's recorded metrics locally (local/cli/audit.ts).
 */
export interface TrafficSource {
  read(window: TimeWindow): Promise<TrafficWindow>;
}
