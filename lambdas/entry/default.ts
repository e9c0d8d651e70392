import { makeDefaultHandler } from '../handlers/default';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';

const config = loadConfig(process.env, ['AWS_REGION', 'CONNECTIONS_ENDPOINT']);

export const handler = instrument(makeDefaultHandler(lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT)));
