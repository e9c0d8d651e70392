import { makeHealthHandler } from '../handlers/capacity';
import { capacityDepsFromEnvironment } from '../runtime/capacity-deps';
import { instrument } from '../runtime/instrument';

export const handler = instrument(makeHealthHandler(capacityDepsFromEnvironment(process.env)));
