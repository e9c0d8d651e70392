import { checkCapacityHealth } from '../../lambdas/app/capacity/check-capacity-health';
import { reconcileCapacity, ReconcileError, type ReconcileDeps } from '../../lambdas/app/capacity/reconcile-capacity';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { makeReconcileHandler } from '../../lambdas/handlers/capacity';
import { RecordingMetrics } from '../../local/console-log';
import { FakeCapacityControl, MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { ManualClock, RecordingLog, silentLog } from '../support/fakes';

const at = (iso: string): number => parseInstant(iso) ?? Number.NaN;

const setup = (startIso = '2026-12-02T20:00:00+09:00') => {
  const clock = new ManualClock(at(startIso));
  const control = new FakeCapacityControl();
  const state = new MemoryCapacityState();
  const calendar = new MemoryCalendar();
  const metrics = new RecordingMetrics();
  const deps: ReconcileDeps = { control, state, calendar, catalog: MODEL_CATALOGS.current, config: DEFAULT_CAPACITY_CONFIG, clock, log: silentLog, metrics };
  return { clock, control, state, calendar, metrics, deps };
};

/** Runs the reconciler until it stops changing anything (or `max` runs), moving the clock between runs. */
const settle = async (deps: ReconcileDeps, clock: ManualClock, stepMs = 5 * 60_000, max = 10) => {
  for (let run = 0; run < max; run++) {
    const report = await reconcileCapacity(deps, { kind: 'scheduled' });
    if (report.tiers.every((t) => t.results.length === 0)) return run;
    clock.advance(stepMs);
  }
  return max;
};

describe('reconcileCapacity', () => {
  it('brings both tiers from on-demand to the evening plan through create, InService and switch', async () => {
    const { deps, clock, state, control } = setup();
    await settle(deps, clock);
    expect(state.targets.sonnet.provisioned).toEqual([{ arn: expect.any(String), units: 15 }]);
    expect(state.targets.haiku.provisioned).toEqual([{ arn: expect.any(String), units: 5 }]);
    expect(state.targets.sonnet.pending).toBeUndefined();
    expect([...control.throughputs.values()].map((t) => t.name).sort()).toEqual(['mangaassist-haiku-5u-20261202T0800', 'mangaassist-sonnet-15u-20261202T0800']);
  });

  it('reaches zero units overnight (seed 003 scenario 2): on-demand first, then the drained throughput is deleted', async () => {
    const { deps, clock, state, control } = setup('2026-12-03T01:00:00+09:00');
    await settle(deps, clock);
    expect(control.throughputs.size).toBe(2);
    clock.current = at('2026-12-03T02:00:00+09:00');
    await reconcileCapacity(deps, { kind: 'scheduled' });
    expect(state.targets.sonnet.provisioned).toEqual([]);
    expect(control.throughputs.size).toBe(2);
    clock.advance(DEFAULT_CAPACITY_CONFIG.drainMs);
    await reconcileCapacity(deps, { kind: 'scheduled' });
    expect(control.throughputs.size).toBe(0);
  });

  it('is idempotent under retries: a settled state makes no further calls but the listing', async () => {
    const { deps, clock, control } = setup();
    await settle(deps, clock);
    const before = control.calls.length;
    await reconcileCapacity(deps, { kind: 'scheduled' });
    await reconcileCapacity(deps, { kind: 'scheduled' });
    expect(control.calls.slice(before)).toEqual(['list', 'list']);
  });

  it('two concurrent runs create each throughput once and switch each tier once', async () => {
    const { deps, clock, state, control, metrics } = setup();
    await Promise.all([reconcileCapacity(deps, { kind: 'scheduled' }), reconcileCapacity(deps, { kind: 'scheduled' })]);
    expect(control.throughputs.size).toBe(2);
    clock.advance(60_000);
    const reports = await Promise.all([reconcileCapacity(deps, { kind: 'scheduled' }), reconcileCapacity(deps, { kind: 'scheduled' })]);
    const outcomes = reports.flatMap((r) => r.tiers.filter((t) => t.tier === 'sonnet').flatMap((t) => t.results.filter((x) => x.action.kind === 'switch').map((x) => x.outcome)));
    expect(outcomes.sort()).toEqual(['done', 'lost_race']);
    expect(state.targets.sonnet.version).toBe(1);
    expect(metrics.sum('CapacityChanges', { Tier: 'sonnet', Action: 'switch' })).toBe(1);
  });

  it('counts an AccessDenied create as a scheduler error and deletes nothing (seed 003 scenario 4)', async () => {
    const { deps, control, metrics, state } = setup();
    control.failNext('create', 'access_denied');
    const report = await reconcileCapacity(deps, { kind: 'scheduled' });
    expect(report.errors).toEqual([expect.stringMatching(/^create: access_denied on create/)]);
    expect(metrics.sum('SchedulerErrors')).toBeGreaterThanOrEqual(1);
    expect(metrics.sum('SchedulerErrors', { Operation: 'create' })).toBe(1);
    expect(control.calls.filter((c) => c.startsWith('delete'))).toEqual([]);
    expect(state.targets.sonnet.provisioned).toEqual([]);
  });

  it('fails the whole run, changing nothing, when the throughputs cannot be listed', async () => {
    const { deps, control, metrics } = setup();
    control.failNext('list', 'access_denied');
    await expect(reconcileCapacity(deps, { kind: 'scheduled' })).rejects.toThrow(ReconcileError);
    expect(metrics.sum('SchedulerErrors', { Operation: 'list' })).toBe(1);
    expect(control.calls).toEqual(['list']);
  });

  it('the scheduled handler throws after a failed call so the function errors too', async () => {
    const { deps, control } = setup();
    control.failNext('create', 'throttled');
    await expect(makeReconcileHandler(deps)({ kind: 'scheduled', trigger: 'every-15-minutes' })).rejects.toThrow(/1 failed call/);
  });

  it('plans on without a broken calendar row and logs it', async () => {
    const { deps, calendar, control } = setup();
    calendar.rejected = [{ id: 'typo', problems: ['multiplier must be above 0 and at most 20, got 100'] }];
    const log = new RecordingLog();
    await reconcileCapacity({ ...deps, log }, { kind: 'scheduled' });
    expect(log.entries).toContainEqual({ level: 'warn', message: 'calendar row skipped', extra: { id: 'typo', problems: calendar.rejected[0]?.problems } });
    expect(control.throughputs.size).toBe(2);
  });

  it('a dry run decides but changes nothing', async () => {
    const { deps, control, state } = setup();
    const report = await reconcileCapacity(deps, { kind: 'scheduled' }, { dryRun: true });
    expect(report.tiers.flatMap((t) => t.results.map((r) => `${r.action.kind}:${r.outcome}`))).toContain('create:skipped');
    expect(control.throughputs.size).toBe(0);
    expect(state.targets.sonnet.pending).toBeUndefined();
  });

  it('a utilisation alarm adds units within the maximum and the reconciler provisions them', async () => {
    const { deps, clock, state } = setup();
    await settle(deps, clock);
    const handler = makeReconcileHandler(deps);
    await handler({ source: 'aws.cloudwatch', alarmData: { alarmName: 'mangaassist-prod-provisioned-utilisation-sonnet', state: { value: 'ALARM' } } });
    expect(state.scaleUps).toEqual([{ tier: 'sonnet', extraUnits: 4, until: clock.now() + DEFAULT_CAPACITY_CONFIG.scaleUp.durationMs }]);
    await settle(deps, clock);
    expect(state.targets.sonnet.provisioned).toEqual([{ arn: expect.any(String), units: 19 }]);
    expect(await handler({ source: 'aws.cloudwatch', alarmData: { alarmName: 'x-provisioned-utilisation-sonnet', state: { value: 'OK' } } })).toEqual({ ignored: expect.any(String) });
    await expect(handler({ hello: 'world' })).rejects.toThrow(/not a capacity schedule payload/);
  });
});

describe('checkCapacityHealth', () => {
  it('reports a mismatch once the plan has been in force for a lead time, and none before', async () => {
    const { deps, clock, metrics } = setup('2026-12-02T17:10:00+09:00');
    const early = await checkCapacityHealth(deps);
    expect(early.tiers.find((t) => t.tier === 'sonnet')).toEqual(expect.objectContaining({ expectedUnits: 15, actualUnits: 0, checked: false }));
    expect(metrics.sum('CapacityMismatch', { Tier: 'sonnet' })).toBe(0);
    clock.current = at('2026-12-02T17:45:00+09:00');
    await checkCapacityHealth(deps);
    expect(metrics.sum('CapacityMismatch', { Tier: 'sonnet' })).toBe(15);
  });

  it('reports no mismatch once the reconciler has done its work, and publishes the provisioned TPS', async () => {
    const { deps, clock, metrics } = setup('2026-12-02T18:00:00+09:00');
    await settle(deps, clock);
    const report = await checkCapacityHealth(deps);
    expect(report.tiers.map((t) => t.mismatchUnits)).toEqual([0, 0]);
    expect(metrics.records.filter((r) => r.name === 'ProvisionedCapacityTps' && r.dimensions['Tier'] === 'sonnet').map((r) => r.value)).toEqual([15_000]);
  });

  it('raises SchedulerErrors when the control plane refuses it, and still publishes mitigation mode', async () => {
    const { deps, control, metrics } = setup();
    control.failNext('list', 'access_denied');
    const report = await checkCapacityHealth(deps);
    expect(report.errors).toHaveLength(1);
    expect(metrics.sum('SchedulerErrors', { Operation: 'list' })).toBe(1);
    expect(metrics.records.some((r) => r.name === 'MitigationMode')).toBe(true);
  });
});

describe('checkCapacityHealth ahead of a busier period', () => {
  it('does not count capacity provisioned a lead ahead of an event as a surplus', async () => {
    const { deps, clock, calendar, metrics } = setup('2026-12-06T19:35:00+09:00');
    await calendar.add({ id: 'weekly-release', name: 'Release', kind: 'weekly', weekday: 'monday', at: '00:00', durationMs: 3 * 3600_000, multiplier: 4, leadMs: 4 * 3600_000 });
    await settle(deps, clock, 60_000);
    const report = await checkCapacityHealth(deps);
    expect(report.tiers.find((t) => t.tier === 'sonnet')).toEqual(expect.objectContaining({ actualUnits: 30, mismatchUnits: 0 }));
    expect(metrics.records.filter((r) => r.name === 'CapacityMismatch').at(-1)?.value).toBe(0);
  });
});
