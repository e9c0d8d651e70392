import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import { makeDefaultHandler } from '../handlers/default';
import { createMessengerFor } from '../runtime/clients/apigw';
import { loadConfig } from '../runtime/config';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';

const config = loadConfig(process.env, ['AWS_REGION', 'CONNECTIONS_ENDPOINT']);

export const handler = instrument(
  makeDefaultHandler({
    messengerFor: createMessengerFor({ region: config.AWS_REGION }, config.CONNECTIONS_ENDPOINT),
    clock: systemClock,
    log,
    metrics: new PowertoolsMetricsSink(),
  }),
);
