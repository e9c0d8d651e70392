import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TrafficSource } from '../../lambdas/ports/audit';
import { runAudit, type AuditCliDeps } from '../../local/cli/audit';
import { CliUsageError } from '../../local/cli/capacity';
import { answerHelp } from '../../local/cli/help';
import { RecordingMetrics } from '../../local/console-log';

const REPO_ROOT = resolve(__dirname, '..', '..');
const NOW = Date.parse('2026-12-07T00:00:00Z');
const DAY = 86_400_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A metrics file as the local stack writes it: manga_review-like traffic as `unknown` on haiku, and mapped traffic. */
const writeTraffic = (at: number): string => {
  const path = join(dir, 'metrics.jsonl');
  const metrics = new RecordingMetrics({ path, clock: { now: () => at } });
  for (let i = 0; i < 3; i += 1) metrics.record('Requests', 1, 'Count', { Intent: 'unknown', Tier: 'haiku' });
  metrics.record('Requests', 1, 'Count', { Intent: 'recommendation', Tier: 'sonnet' });
  metrics.record('ModelCostMicroUsd', 3000, 'Count', { Tier: 'haiku' });
  metrics.record('ModelCostMicroUsd', 20_000, 'Count', { Tier: 'sonnet' });
  metrics.record('RequestLatency', 800, 'Milliseconds', { Tier: 'haiku' });
  return path;
};

const cliDeps = (overrides: Partial<AuditCliDeps> = {}) => {
  const lines: string[] = [];
  const deps: AuditCliDeps = {
    clock: { now: () => NOW },
    readFile: (path) => readFileSync(path, 'utf8'),
    cloudWatch: () => {
      throw new Error('CloudWatch must not be asked for with --metrics-file');
    },
    write: (line) => lines.push(line),
    ...overrides,
  };
  return { deps, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
};

describe('audit unmapped', () => {
  it('lists the catch-all label of the local stack metrics file with volume and cost, then a summary', async () => {
    // Prepare
    const file = writeTraffic(NOW - DAY);
    const { deps, json } = cliDeps();

    // Act
    const code = await runAudit(['unmapped', '--metrics-file', file], deps);

    // Assess
    expect(code).toBe(0);
    expect(json()).toEqual([
      { label: 'unknown', reason: 'catch_all', requests: 3, share: 0.75, costUsd: 0.003, requestsByTier: { haiku: 3 } },
      {
        from: '2026-11-30T00:00:00.000Z',
        to: '2026-12-07T00:00:00.000Z',
        totalRequests: 4,
        totalCostUsd: 0.023,
        unmappedRequests: 3,
        unmappedCostUsd: 0.003,
        source: file,
      },
    ]);
  });

  it('counts only the datapoints inside --days', async () => {
    // Prepare
    const file = writeTraffic(NOW - 3 * DAY);
    const { deps, json } = cliDeps();

    // Act
    await runAudit(['unmapped', '--days', '2', '--metrics-file', file], deps);

    // Assess
    expect(json()).toEqual([expect.objectContaining({ totalRequests: 0, unmappedRequests: 0 })]);
  });

  it('reads CloudWatch without --metrics-file', async () => {
    // Prepare
    const source: TrafficSource = { read: async () => ({ answers: [{ label: 'fan_fiction', tier: 'sonnet', requests: 5 }], tierCostUsd: { sonnet: 1 } }) };
    const { deps, json } = cliDeps({ cloudWatch: () => source });

    // Act
    await runAudit(['unmapped'], deps);

    // Assess
    expect(json()[0]).toMatchObject({ label: 'fan_fiction', reason: 'not_in_map', requests: 5, costUsd: 1 });
    expect(json()[1]).toMatchObject({ source: 'cloudwatch' });
  });

  it.each([
    [['unmapped', '--days', '15'], /--days must be a number of days from 1 to 14/],
    [['unmapped', '--days', 'week'], /--days must be a number/],
    [['unmapped', '--frob'], /Unknown option '--frob'/],
    [['unmapped', '--metrics-file', '/nonexistent/metrics.jsonl'], /cannot read --metrics-file/],
    [['frob'], /unknown audit command "frob"/],
    [[], /missing audit command/],
  ])('refuses %j with a usage error', async (argv, message) => {
    // Act
    const run = runAudit(argv, cliDeps().deps);

    // Assess
    await expect(run).rejects.toThrow(CliUsageError);
    await expect(runAudit(argv, cliDeps().deps)).rejects.toThrow(message);
  });

  it('names the line of a metrics file it cannot read', async () => {
    // Prepare
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"name":"Requests","value":1,"dimensions":{"Intent":"unknown","Tier":"haiku"}}\n{"name":"Requests","value":"1"}\n');

    // Act
    const run = runAudit(['unmapped', '--metrics-file', file], cliDeps().deps);

    // Assess
    await expect(run).rejects.toThrow(`${file} line 2: needs {"name": string, "value": number`);
  });
});

describe('answerHelp', () => {
  const commands = { capacity: { usage: 'CAPACITY', subcommands: ['mitigate', 'status'] }, simulate: { usage: 'SIMULATE' } };

  it.each([
    [['--help'], 0, 'TOP'],
    [['help'], 0, 'TOP'],
    [['capacity', '--help'], 0, 'CAPACITY\n'],
    [['capacity', 'mitigate', '--for', '30m', '--reason', 'x', '-h'], 0, 'CAPACITY\n'],
    [['simulate', '--scenario', 'x.json', '--help'], 0, 'SIMULATE\n'],
  ])('answers %j with exit %i and the usage', (argv, code, text) => {
    // Assess
    expect(answerHelp(argv, commands, 'TOP')).toEqual({ code, text });
  });

  it('refuses help for a subcommand that does not exist, with exit 2', () => {
    // Act
    const answer = answerHelp(['capacity', 'resize', '--help'], commands, 'TOP');

    // Assess
    expect(answer).toEqual({ code: 2, text: expect.stringContaining('unknown capacity command "resize"') as unknown });
  });

  it.each([[['capacity', 'status']], [['frob', '--help']], [[]]])('leaves %j to the command itself', (argv) => {
    // Assess
    expect(answerHelp(argv, commands, 'TOP')).toBeUndefined();
  });
});

describe('bin/cli.ts audit', () => {
  it('runs audit unmapped on a metrics file as a child process', () => {
    // Prepare
    const file = writeTraffic(Date.now() - 60_000);

    // Act
    const run = spawnSync('npx', ['tsx', 'bin/cli.ts', 'audit', 'unmapped', '--metrics-file', file], { cwd: REPO_ROOT, encoding: 'utf8' });

    // Assess
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.split('\n')[0]!)).toMatchObject({ label: 'unknown', requests: 3 });
  });

  it('exits 2 with the reason for a bad option, writing nothing on stdout', () => {
    // Act
    const run = spawnSync('npx', ['tsx', 'bin/cli.ts', 'audit', 'unmapped', '--days', '0'], { cwd: REPO_ROOT, encoding: 'utf8' });

    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^mangaassist audit: --days must be a number of days from 1 to 14/);
  });
});
