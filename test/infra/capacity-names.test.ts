import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { scaleUpAlarmTier } from '../../lambdas/handlers/capacity';
import {
  SCHEDULE_NAME_MAX_LENGTH,
  alarmName,
  boundarySchedules,
  provisionedUtilisationAlarmName,
  reconcilePayload,
} from '../../lib/capacity-names';

const window = (name: string, from: string, to: string) => ({ name, from, to, expectedTps: { haiku: 0, sonnet: 0 } });

describe('capacity names', () => {
  it('names the scale-up alarm <namePrefix>-provisioned-utilisation-<tier>', () => {
    // Act
    const name = provisionedUtilisationAlarmName('mangaassist-prod', 'sonnet');

    // Assess
    expect(name).toBe('mangaassist-prod-provisioned-utilisation-sonnet');
    expect(alarmName('mangaassist-prod', 'provisioned-utilisation-sonnet')).toBe(name);
  });

  it.each(['haiku', 'sonnet'] as const)('names the %s scale-up alarm so the reconcile handler reads the tier back', (tier) => {
    // Act
    const parsed = scaleUpAlarmTier(provisionedUtilisationAlarmName('mangaassist-dev', tier));

    // Assess
    expect(parsed).toBe(tier);
  });

  it('asks the reconciler for a scheduled run naming its trigger', () => {
    // Assess
    expect(JSON.stringify(reconcilePayload('mangaassist-prod-reconcile-periodic'))).toBe(
      '{"kind":"scheduled","trigger":"mangaassist-prod-reconcile-periodic"}',
    );
  });
});

describe('boundarySchedules', () => {
  it("runs the reconciler at each default window's start minus the 30-minute lead, JST", () => {
    // Act
    const schedules = boundarySchedules({ ...DEFAULT_CAPACITY_CONFIG, namePrefix: 'mangaassist-prod' });

    // Assess
    expect(schedules.map(({ scheduleName, hour, minute }) => [scheduleName, hour, minute])).toEqual([
      ['mangaassist-prod-reconcile-before-overnight', 1, 30],
      ['mangaassist-prod-reconcile-before-morning', 5, 30],
      ['mangaassist-prod-reconcile-before-afternoon', 11, 30],
      ['mangaassist-prod-reconcile-before-evening', 16, 30],
    ]);
  });

  it('wraps past midnight and rounds a lead of part of a minute up to the whole minute', () => {
    // Prepare
    const windows = [window('early', '00:20', '12:00'), window('late', '12:00', '00:20')];

    // Act
    const schedules = boundarySchedules({ windows, provisioningLeadMs: 30 * 60_000 + 1, namePrefix: 'p' });

    // Assess
    expect(schedules.map(({ hour, minute }) => [hour, minute])).toEqual([
      [23, 49],
      [11, 29],
    ]);
  });

  it('keeps names within the scheduler limit, in its alphabet, and distinct', () => {
    // Prepare
    const namePrefix = 'a'.repeat(32);
    const windows = [
      window('Release night (週刊) special edition', '00:00', '06:00'),
      window('release night (週刊) special edition!', '06:00', '12:00'),
      window('週刊', '12:00', '00:00'),
    ];

    // Act
    const names = boundarySchedules({ windows, provisioningLeadMs: 0, namePrefix }).map((schedule) => schedule.scheduleName);

    // Assess
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(SCHEDULE_NAME_MAX_LENGTH);
      expect(name).toMatch(/^[0-9A-Za-z_.-]+$/);
      expect(name.startsWith(`${namePrefix}-reconcile-before-`)).toBe(true);
    }
    expect(names[2]).toBe(`${namePrefix}-reconcile-before-window-3`);
  });
});
