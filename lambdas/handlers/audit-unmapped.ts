import * as z from 'zod/mini';
import '../runtime/validation';
import { AUDIT_WINDOW_DAYS, runUnmappedAudit, type UnmappedAuditDeps, type UnmappedAuditReport } from '../app/audit-unmapped';
import { InvalidEventError } from './websocket-event';

/** CloudWatch's ListMetrics lists series with data in the last two weeks: a longer window would miss labels. */
export const AUDIT_MAX_DAYS = 14;

/** The EventBridge Scheduler payload of the weekly audit (lib/constructs/unmapped-audit.ts); `days` for an operator's run. */
const auditEvent = z.object({ kind: z.literal('scheduled'), days: z.optional(z.number().check(z.positive(), z.lte(AUDIT_MAX_DAYS))) });

/** The window in days an event asks for; InvalidEventError for anything else. */
export const parseAuditEvent = (event: unknown): number => {
  const parsed = auditEvent.safeParse(event);
  if (!parsed.success) throw new InvalidEventError(`not an audit payload ({"kind":"scheduled","days"?: 1-${AUDIT_MAX_DAYS}})`);
  return parsed.data.days ?? AUDIT_WINDOW_DAYS;
};

/** The weekly unmapped-intent audit: its report is the function's result and its log lines. */
export const makeUnmappedAuditHandler =
  (deps: UnmappedAuditDeps) =>
  (event: unknown): Promise<UnmappedAuditReport> =>
    runUnmappedAudit(deps, parseAuditEvent(event));
