import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simulateCommand, type SimulateCommandIo } from '../../local/cli/simulate';

const REPO_ROOT = resolve(__dirname, '..', '..');
const NORMAL_DAY = resolve(REPO_ROOT, 'scenarios', 'normal-day.json');

const io = (files: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  const deps: SimulateCommandIo = {
    readFile: (path) => {
      if (path in files) return files[path]!;
      return readFileSync(path, 'utf8');
    },
    writeFile: (path, content) => {
      if (path.startsWith('/nonexistent/')) throw Object.assign(new Error('no such directory'), { code: 'ENOENT' });
      written.set(path, content);
    },
    write: (text) => out.push(text),
    error: (text) => err.push(text),
  };
  return { deps, out, err, written };
};

describe('cli simulate', () => {
  it('prints one JSON object with the figures the issue asks for', () => {
    const { deps, out, err } = io();
    expect(simulateCommand(['--scenario', NORMAL_DAY], deps)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]!.endsWith('\n')).toBe(true);
    const result = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['totalCostUsd', 'costByTier', 'hourly', 'budgetExhaustedAt', 'minutesInMode', 'perIntent', 'budget']),
    );
    expect(result['policy']).toBe('ramp');
    expect(result['hourly']).toHaveLength(24);
    expect((result['hourly'] as Record<string, unknown>[])[0]).toEqual({
      hour: 0,
      messages: expect.any(Number),
      spendUsd: expect.any(Number),
      cumulativeUsd: expect.any(Number),
      mode: expect.stringMatching(/^(normal|conserve|emergency|exhausted)$/),
      strongShare: expect.any(Number),
      refused: 0,
    });
    expect((result['perIntent'] as Record<string, unknown>)['recommendation']).toEqual(
      expect.objectContaining({ messages: expect.any(Number), shareBelowDefaultTier: expect.any(Number) }),
    );
  });

  it('gives the same output for the same file', () => {
    const first = io();
    const second = io();
    simulateCommand(['--scenario', NORMAL_DAY, '--policy', 'cliff'], first.deps);
    simulateCommand(['--scenario', NORMAL_DAY, '--policy', 'cliff'], second.deps);
    expect(first.out[0]).toBe(second.out[0]);
    expect(JSON.parse(first.out[0]!)).toMatchObject({ policy: 'cliff' });
  });

  it('writes the plot when asked, before printing', () => {
    const { deps, out, written } = io();
    expect(simulateCommand(['--scenario', NORMAL_DAY, '--plot', 'day.svg'], deps)).toBe(0);
    expect(written.get('day.svg')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*id="budget-line"[\s\S]*<\/svg>\n$/);
    expect(out).toHaveLength(1);
  });

  it('without arguments prints the usage with exit 2', () => {
    const { deps, out, err } = io();
    expect(simulateCommand([], deps)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(/^usage: mangaassist simulate --scenario FILE/);
  });

  it.each([
    [['--policy', 'ramp'], /--scenario FILE is required/],
    [['--scenario', NORMAL_DAY, '--policy', 'panic'], /--policy must be one of ramp, cliff, got "panic"/],
    [['--scenario', NORMAL_DAY, '--plot', 'day.png'], /only SVG is drawn; name the file \*\.svg/],
    [['--scenario', NORMAL_DAY, '--plot', 'day.pdf'], /must name an \.svg file/],
    [['--scenario', NORMAL_DAY, '--speed', '2'], /Unknown option '--speed'/],
    [['--scenario', 'missing.json'], /scenario missing\.json: file not found/],
    [['--scenario', 'bad.json'], /scenario bad\.json: budget\.dailyUsd: .*; mix: /],
    [['--scenario', NORMAL_DAY, '--plot', '/nonexistent/day.svg'], /cannot write the plot to "\/nonexistent\/day\.svg" \(ENOENT\)/],
  ])('exits 2 with one clear line and no output for %j', (args, message) => {
    const bad = JSON.stringify({ name: 'bad', date: '2026-03-31', messages: 10, catalogProfile: 'seed', budget: { dailyUsd: -1 }, mix: [] });
    const { deps, out, err } = io({ 'bad.json': bad });
    expect(simulateCommand(args, deps)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).toMatch(/^mangaassist simulate: [^\n]+\n$/);
  });

  it('prints its help with exit 0', () => {
    const { deps, err } = io();
    expect(simulateCommand(['--help'], deps)).toBe(0);
    expect(err.join('')).toContain('--policy P');
  });

  it('runs through bin/cli.ts: JSON on stdout, and exit 2 for a bad scenario file', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [resolve(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), resolve(REPO_ROOT, 'bin', 'cli.ts'), 'simulate', ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const good = run(['--scenario', 'scenarios/manga-matsuri-with-calendar.json']);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ scenario: 'manga-matsuri-with-calendar', budgetExhaustedAt: null });
    const bad = run(['--scenario', 'package.json']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^mangaassist simulate: scenario package\.json: /);
  });
});
