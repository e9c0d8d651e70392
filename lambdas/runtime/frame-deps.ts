import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import type { FrameHandlerDeps } from '../handlers/frame-handler';
import type { Log } from '../ports';
import { createMessengerFor } from './clients/apigw';
import { systemClock } from './system';

/**
 * What every frame route (`route`, `invoke`, `$default`) is built with in Lambda: the messenger for the event's
 * stage, the system clock, and Powertools logging and metrics. One instance per cold start.
 */
export const lambdaFrameDeps = (region: string, connectionsEndpoint?: string): FrameHandlerDeps & { metrics: PowertoolsMetricsSink } => {
  warnIfMessageTextSwitchSet(process.env, log);
  return {
    messengerFor: createMessengerFor({ region }, connectionsEndpoint),
    clock: systemClock,
    log,
    metrics: new PowertoolsMetricsSink(),
    // Never from the environment: customer message text stays out of CloudWatch whatever a deploy sets.
    logMessageText: false,
  };
};

/** The offline debug switch has no effect in Lambda; someone who set it there is told so, once per cold start. */
export const warnIfMessageTextSwitchSet = (env: Readonly<Record<string, string | undefined>>, warnLog: Log): void => {
  if (env['LOG_MESSAGE_TEXT'] !== undefined) {
    warnLog.warn('LOG_MESSAGE_TEXT is ignored in Lambda: customer message text is never logged here (it is an offline debug switch)');
  }
};
