import * as z from 'zod/mini';
import '../runtime/validation';
import { checkCapacityHealth, type HealthDeps, type HealthReport } from '../app/capacity/check-capacity-health';
import { reconcileCapacity, type ReconcileDeps, type ReconcileReport, type ReconcileRequest } from '../app/capacity/reconcile-capacity';
import { isModelTier, isTier, type ModelTier } from '../core/vocabulary';
import { InvalidEventError } from './websocket-event';

/** The EventBridge Scheduler payload of the reconcile schedules. */
const scheduledEvent = z.object({ kind: z.literal('scheduled'), trigger: z.optional(z.string()) });

/** What a CloudWatch alarm's Lambda action delivers (the parts used). */
const alarmEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmData: z.object({ alarmName: z.string(), state: z.object({ value: z.string(), reason: z.optional(z.string()) }) }),
});

/** The scale-up alarms are named `<prefix>-provisioned-utilisation-<tier>` (lib/constructs/capacity-scheduler.ts). */
export const scaleUpAlarmTier = (alarmName: string): ModelTier | undefined => {
  const tier = /-provisioned-utilisation-([a-z]+)$/.exec(alarmName)?.[1];
  return isTier(tier) && isModelTier(tier) ? tier : undefined;
};

/** The reconcile request an event asks for; undefined for alarm transitions that ask for nothing (back to OK). */
export const parseReconcileEvent = (event: unknown): ReconcileRequest | undefined => {
  const scheduled = scheduledEvent.safeParse(event);
  if (scheduled.success) return { kind: 'scheduled', ...(scheduled.data.trigger && { trigger: scheduled.data.trigger }) };
  const alarm = alarmEvent.safeParse(event);
  if (!alarm.success) throw new InvalidEventError('not a capacity schedule payload ({"kind":"scheduled"}) or a CloudWatch alarm event');
  if (alarm.data.alarmData.state.value !== 'ALARM') return undefined;
  const tier = scaleUpAlarmTier(alarm.data.alarmData.alarmName);
  if (!tier) throw new InvalidEventError(`alarm "${alarm.data.alarmData.alarmName}" is not a provisioned-utilisation alarm`);
  return { kind: 'scale_up', tier, reason: `alarm:${alarm.data.alarmData.alarmName}` };
};

/**
 * The reconcile function: scheduled runs and scale-up alarms. A run with failed calls throws after reporting, so
 * the function's Errors metric and the scheduler's retry see it too (the seeds' silent failure was a caught error).
 */
export const makeReconcileHandler =
  (deps: ReconcileDeps) =>
  async (event: unknown): Promise<ReconcileReport | { readonly ignored: string }> => {
    const request = parseReconcileEvent(event);
    if (!request) return { ignored: 'alarm left the ALARM state' };
    const report = await reconcileCapacity(deps, request);
    if (report.errors.length > 0) throw new Error(`capacity reconcile had ${report.errors.length} failed call(s): ${report.errors.join('; ')}`);
    return report;
  };

/** The health function: publishes the capacity metrics; failed calls are errors of the function too. */
export const makeHealthHandler =
  (deps: HealthDeps) =>
  async (): Promise<HealthReport> => {
    const report = await checkCapacityHealth(deps);
    if (report.errors.length > 0) throw new Error(`capacity health check had ${report.errors.length} failed call(s): ${report.errors.join('; ')}`);
    return report;
  };
