import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerHelp } from '../../local/cli/help';
import { EVAL_COMMANDS, EVAL_USAGE, parseEvalArgs } from '../../local/cli/eval';

const REPO_ROOT = resolve(__dirname, '..', '..');

describe('cli eval: the process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // No running stack is consulted and no endpoint is set: a bad argument must fail before any Bedrock client exists.
  const cli = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'bin/cli.ts', 'eval', ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, MANGAASSIST_ISSUER_FILE: join(dir, 'none.json'), BEDROCK_ENDPOINT: 'http://127.0.0.1:9' },
    });

  it.each([
    [['route', '--intent', 'manga_questions', '--tier', 'haiku'], /^mangaassist eval: unknown intent "manga_questions": one of greeting, /],
    [['route', '--intent', 'manga_qa', '--tier', 'opus'], /^mangaassist eval: unknown tier "opus"/],
    [['route', '--intent', 'manga_qa', '--tier', 'sonnet'], /^mangaassist eval: manga_qa is already on sonnet \(the embedded default routing map/],
  ])('exits 2 with a clear reason for %j, writing nothing on stdout', (args, message) => {
    const run = cli(...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('exits 1 when Bedrock does not answer at all, saying where it looked', () => {
    const run = cli('route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '2', '--timeout-ms', '2000');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no answer from either tier \(local Bedrock http:\/\/127\.0\.0\.1:9\)/);
  });
});

describe('cli eval: arguments', () => {
  it('defaults: 100 samples, seed 5, four calls in flight, the table', () => {
    expect(parseEvalArgs(['route', '--intent', 'manga_qa', '--tier', 'haiku'])).toMatchObject({ intent: 'manga_qa', tier: 'haiku', n: 100, seed: 5, concurrency: 4, json: false, aws: false });
    expect(parseEvalArgs(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--traffic-per-day', '5000', '--json'])).toMatchObject({ trafficPerDay: 5000, json: true });
  });

  it.each([
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '2.5'], /--n must be a whole number/],
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--concurrency', '64'], /--concurrency must be a whole number from 1 to 16/],
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--traffic-per-day=-3'], /--traffic-per-day must be a whole number/],
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (args, message) => {
    expect(() => parseEvalArgs(args)).toThrow(message);
  });

  it('"eval route --help" prints the usage and runs nothing', () => {
    expect(answerHelp(['eval', 'route', '--intent', 'x', '--help'], { eval: { usage: EVAL_USAGE, subcommands: EVAL_COMMANDS } }, 'top')).toEqual({ code: 0, text: `${EVAL_USAGE}\n` });
    expect(EVAL_USAGE).toContain('DETERMINISTIC STAND-IN');
  });
});
