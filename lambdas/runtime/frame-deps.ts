import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import type { FrameHandlerDeps } from '../handlers/frame-handler';
import { createMessengerFor } from './clients/apigw';
import { systemClock } from './system';

/**
 * What every frame route (`route`, `invoke`, `$default`) is built with in Lambda: the messenger for the event's
 * stage, the system clock, and Powertools logging and metrics. One instance per cold start.
 */
export const lambdaFrameDeps = (region: string, connectionsEndpoint?: string): FrameHandlerDeps & { metrics: PowertoolsMetricsSink } => ({
  messengerFor: createMessengerFor({ region }, connectionsEndpoint),
  clock: systemClock,
  log,
  metrics: new PowertoolsMetricsSink(),
});
