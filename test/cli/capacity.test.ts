import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { WEEKLY_RELEASE } from '../../lambdas/core/capacity/calendar';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { CliUsageError, runCapacity, type CapacityCliDeps } from '../../local/cli/capacity';
import { RecordingMetrics } from '../../local/console-log';
import { FakeCapacityControl, MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { ManualClock, silentLog } from '../support/fakes';

const REPO_ROOT = resolve(__dirname, '..', '..');

const setup = () => {
  const output: string[] = [];
  const calendar = new MemoryCalendar([WEEKLY_RELEASE]);
  const state = new MemoryCapacityState();
  const control = new FakeCapacityControl();
  const clock = new ManualClock(parseInstant('2026-12-02T20:00:00+09:00'));
  const deps: CapacityCliDeps = {
    config: DEFAULT_CAPACITY_CONFIG,
    catalog: MODEL_CATALOGS.current,
    clock,
    stores: async () => ({ calendar, state, control }),
    log: silentLog,
    metrics: new RecordingMetrics(),
    write: (line) => output.push(line),
    operator: 'tester',
  };
  const lines = () => output.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { deps, calendar, state, control, clock, lines };
};

describe('capacity plan', () => {
  it('prints one JSON line per change, in time order, with ISO times in JST', async () => {
    const { deps, lines } = setup();
    expect(await runCapacity(['plan', '--from', '2026-12-06T12:00+09:00', '--to', '2026-12-06T21:00+09:00'], deps)).toBe(0);
    expect(lines().map((l) => `${String(l['at'])} ${String(l['tier'])} ${String(l['units'])}`)).toEqual([
      '2026-12-06T12:00:00+09:00 haiku 3',
      '2026-12-06T12:00:00+09:00 sonnet 8',
      '2026-12-06T17:00:00+09:00 haiku 5',
      '2026-12-06T17:00:00+09:00 sonnet 15',
      '2026-12-06T20:00:00+09:00 haiku 10',
      '2026-12-06T20:00:00+09:00 sonnet 30',
    ]);
    expect(lines()[4]?.['reasons']).toEqual(expect.arrayContaining(['event:weekly-release:x4:lead']));
  });

  it.each([
    [['plan', '--from', '2026-02-30', '--to', '2026-03-02'], /--from "2026-02-30" is not a date/],
    [['plan', '--from', '2026-12-07'], /--to is required/],
    [['plan', '--from', '2026-12-07', '--to', '2026-12-06'], /--to must be after --from/],
    [['plan', '--from', '2026-12-07', '--to', '2026-12-08', '--tier', 'opus'], /unknown tier "opus": use haiku or sonnet/],
    [['plan', '--from', '2026-12-07', '--to', '2026-12-08', '--tiers', 'haiku'], /Unknown option '--tiers'/],
  ])('refuses %j with a clear error', async (argv, message) => {
    const { deps } = setup();
    await expect(runCapacity(argv, deps)).rejects.toThrow(message);
  });
});

describe('capacity calendar', () => {
  it('adds a one-off final chapter night and lists it', async () => {
    const { deps, calendar, lines } = setup();
    await runCapacity(['calendar', 'add', '--id', 'final-chapter', '--name', 'Final chapter night', '--multiplier', '5', '--lead', '4h', '--start', '2026-12-11T21:00+09:00', '--end', '2026-12-12T01:00+09:00'], deps);
    expect(calendar.events.map((e) => e.id)).toEqual(['weekly-release', 'final-chapter']);
    await runCapacity(['calendar', 'list'], deps);
    expect(lines().at(-1)).toEqual(expect.objectContaining({ id: 'final-chapter', start: '2026-12-11T21:00:00+09:00', multiplier: 5, leadMinutes: 240 }));
  });

  it('lists a row it cannot plan from as skipped, with why', async () => {
    const { deps, calendar, lines } = setup();
    calendar.rejected = [{ id: 'typo', problems: ['at must be an HH:MM time, got "25:00"'] }];
    await runCapacity(['calendar', 'list'], deps);
    expect(lines().at(-1)).toEqual({ id: 'typo', source: 'table', skipped: ['at must be an HH:MM time, got "25:00"'] });
  });

  it('refuses an event overlapping another one-off and changes nothing', async () => {
    const { deps, calendar } = setup();
    const add = (id: string, start: string, end: string) => ['calendar', 'add', '--id', id, '--name', id, '--multiplier', '2', '--start', start, '--end', end];
    await runCapacity(add('sale', '2026-12-10T10:00+09:00', '2026-12-10T20:00+09:00'), deps);
    await expect(runCapacity(add('flash', '2026-12-10T19:00+09:00', '2026-12-10T22:00+09:00'), deps)).rejects.toThrow(/overlaps "sale"/);
    expect(calendar.events.map((e) => e.id)).toEqual(['weekly-release', 'sale']);
  });

  it('lets an event replace the embedded weekly release by taking its id', async () => {
    const { deps, calendar, lines } = setup();
    calendar.events = [];
    await runCapacity(['calendar', 'list'], deps);
    expect(lines()).toEqual([expect.objectContaining({ id: 'weekly-release', source: 'default', multiplier: 4 })]);
    await runCapacity(['calendar', 'add', '--id', 'weekly-release', '--name', 'Release', '--multiplier', '3', '--weekly', 'monday', '--at', '00:00', '--duration', '3h', '--lead', '2h'], deps);
    await runCapacity(['calendar', 'list'], deps);
    expect(lines().at(-1)).toEqual(expect.objectContaining({ id: 'weekly-release', source: 'table', multiplier: 3 }));
  });

  it('refuses a bad weekday, a bad date and a missing event on remove', async () => {
    const { deps } = setup();
    await expect(runCapacity(['calendar', 'add', '--id', 'w', '--name', 'x', '--multiplier', '2', '--weekly', 'funday', '--at', '10:00', '--duration', '1h'], deps)).rejects.toThrow(/--weekly must be one of/);
    await expect(runCapacity(['calendar', 'add', '--id', 'w', '--name', 'x', '--multiplier', '2', '--start', 'soon', '--end', '2026-12-08'], deps)).rejects.toThrow(CliUsageError);
    await expect(runCapacity(['calendar', 'remove', 'nope'], deps)).rejects.toThrow(/no event with id "nope"/);
  });
});

describe('capacity mitigate, status and reconcile', () => {
  it('starts mitigation for a while, shows it in status, and turns it off', async () => {
    const { deps, state, clock, lines } = setup();
    await runCapacity(['mitigate', '--for', '30m', '--reason', 'release night'], deps);
    expect(state.mitigation).toEqual({ until: clock.now() + 1_800_000, reason: 'release night', setBy: 'operator:tester', startedAt: clock.now() });
    await runCapacity(['status'], deps);
    expect(lines().at(-1)).toEqual({ mitigation: expect.objectContaining({ active: true, reason: 'release night' }) });
    await runCapacity(['mitigate', '--off'], deps);
    expect(state.mitigation).toBeUndefined();
    await expect(runCapacity(['mitigate', '--for', '3d'], deps)).rejects.toThrow(/at most 24h/);
  });

  it('reconcile --dry-run prints the actions it would take and changes nothing', async () => {
    const { deps, control, lines } = setup();
    expect(await runCapacity(['reconcile', '--dry-run'], deps)).toBe(0);
    expect(lines().filter((l) => l['kind'] === 'create').map((l) => [l['tier'], l['units'], l['outcome']])).toEqual([
      ['haiku', 5, 'skipped'],
      ['sonnet', 15, 'skipped'],
    ]);
    expect(control.throughputs.size).toBe(0);
  });

  it('status shows desired and serving units per tier', async () => {
    const { deps, lines } = setup();
    await runCapacity(['status'], deps);
    expect(lines()[1]).toEqual(expect.objectContaining({ tier: 'sonnet', desiredUnits: 15, servingUnits: 0, target: 'on_demand', pending: null }));
  });
});

describe('the capacity command line', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolvePromise) => {
      const child = spawn(process.execPath, [resolve(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(REPO_ROOT, 'bin/cli.ts'), 'capacity', ...args], {
        env: { PATH: process.env['PATH'] ?? '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    });

  it('prints the plan on embedded defaults and exits 0; a bad date exits 2 with one line on stderr and no output', async () => {
    const ok = await run(['plan', '--from', '2026-12-06T19:00+09:00', '--to', '2026-12-06T21:00+09:00', '--tier', 'sonnet']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { units: number }).units)).toEqual([15, 30]);
    const bad = await run(['plan', '--from', '2026-13-01', '--to', '2026-12-08']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^mangaassist capacity: --from "2026-13-01" is not a date/) });
    const unconfigured = await run(['status']);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toMatch(/set CAPACITY_TABLE and CALENDAR_TABLE/);
  });
});

describe('a reconcile that changes throughput', () => {
  it('is refused without the deployed capacity configuration, and allowed as a dry run', async () => {
    const { deps, control } = setup();
    const implicit = { ...deps, configIsExplicit: false };
    await expect(runCapacity(['reconcile'], implicit)).rejects.toThrow(/set CAPACITY_CONFIG to the deployed functions' value/);
    expect(control.calls).toEqual([]);
    expect(await runCapacity(['reconcile', '--dry-run'], implicit)).toBe(0);
  });
});
