import { makeUnmappedAuditHandler } from '../handlers/audit-unmapped';
import { auditDepsFromEnvironment } from '../runtime/audit-deps';
import { instrument } from '../runtime/instrument';

export const handler = instrument(makeUnmappedAuditHandler(auditDepsFromEnvironment(process.env)));
