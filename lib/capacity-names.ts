import type { CapacityConfig } from '../lambdas/core/capacity/config';
import { parseClockTime } from '../lambdas/core/capacity/jst';
import type { ModelTier } from '../lambdas/core/vocabulary';

/**
 * Names and times the capacity stack derives from the resolved CapacityConfig, as pure functions (no CDK import)
 * so the Lambda side and the tests can share them. Every name starts with the config's `namePrefix`
 * (`mangaassist-<stage>` by default), so two stages in one account never share an alarm or a schedule.
 */

/** `<namePrefix>-<id>`: the name of every runbook alarm of this deployment. */
export const alarmName = (namePrefix: string, id: string): string => `${namePrefix}-${id}`;

/**
 * The scale-up alarm of a tier: `<namePrefix>-provisioned-utilisation-<tier>`, e.g.
 * `mangaassist-prod-provisioned-utilisation-sonnet`. The reconcile function reads the tier back from the alarm
 * name of the CloudWatch alarm event (lambdas/handlers/capacity.ts scaleUpAlarmTier): keep the two in step.
 */
export const provisionedUtilisationAlarmName = (namePrefix: string, tier: ModelTier): string =>
  alarmName(namePrefix, `provisioned-utilisation-${tier}`);

/** EventBridge Scheduler: schedule names are 1-64 of `[0-9A-Za-z-_.]`, unique within their (default) group. */
export const SCHEDULE_NAME_MAX_LENGTH = 64;

export const reconcilePeriodicScheduleName = (namePrefix: string): string => `${namePrefix}-reconcile-periodic`;
export const healthPeriodicScheduleName = (namePrefix: string): string => `${namePrefix}-health-periodic`;

/** What the reconcile schedules send: the handler's `{"kind":"scheduled"}` request, naming the schedule that fired. */
export interface ReconcilePayload {
  readonly kind: 'scheduled';
  readonly trigger: string;
}

/** What the health schedule sends. */
export const HEALTH_PAYLOAD = { kind: 'health' } as const;

export const reconcilePayload = (scheduleName: string): ReconcilePayload => ({ kind: 'scheduled', trigger: scheduleName });

/** One reconcile run ahead of a schedule window: at its start minus the provisioning lead time, JST. */
export interface BoundarySchedule {
  readonly window: string;
  /** The window name as a name part: lowercase letters, digits and hyphens. */
  readonly slug: string;
  readonly scheduleName: string;
  /** JST wall-clock time of the run. */
  readonly hour: number;
  readonly minute: number;
}

const MINUTES_PER_DAY = 24 * 60;

/** A window name as a schedule-name part: lowercase letters, digits and single hyphens. */
const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * One run per window boundary, `provisioningLeadMs` before the window starts (rounded up to whole minutes, so the
 * run is never later than the lead asks). Windows are validated to cover the day without overlap, so each has
 * its own boundary. Names are `<namePrefix>-reconcile-before-<window>`, shortened to the 64-character limit and
 * numbered when two window names come out the same.
 */
export const boundarySchedules = (config: Pick<CapacityConfig, 'windows' | 'provisioningLeadMs' | 'namePrefix'>): BoundarySchedule[] => {
  const leadMinutes = Math.ceil(config.provisioningLeadMs / 60_000);
  const base = `${config.namePrefix}-reconcile-before-`;
  const used = new Set<string>();
  return config.windows.map((window, index) => {
    const from = parseClockTime(window.from);
    if (from === undefined) throw new Error(`window "${window.name}": from "${window.from}" is not an HH:MM time`);
    const at = (((from - leadMinutes) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    const room = SCHEDULE_NAME_MAX_LENGTH - base.length;
    let part = slug(window.name).slice(0, room).replace(/-+$/, '') || `window-${index + 1}`;
    if (used.has(part)) part = `${part.slice(0, room - String(index + 1).length - 1)}-${index + 1}`;
    used.add(part);
    return { window: window.name, slug: part, scheduleName: `${base}${part}`, hour: Math.floor(at / 60), minute: at % 60 };
  });
};
