import { makeReconcileHandler } from '../handlers/capacity';
import { capacityDepsFromEnvironment } from '../runtime/capacity-deps';
import { instrument } from '../runtime/instrument';

export const handler = instrument(makeReconcileHandler(capacityDepsFromEnvironment(process.env)));
