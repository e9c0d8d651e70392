import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { designAlarms, EXTRA_ALARMS } from '../../lib/design-alarms';

/**
 * The runbooks are executable documentation: every `npm run cli -- ...` command they show (in a code span or a
 * fenced block) must exist. Each is run as the operator would, with `--help` appended: the CLI answers `--help`
 * after any command or subcommand with its usage and exit 0, runs nothing, and exits 2 for a subcommand it does not
 * have. Every other `npm run <script>` they show must be a script of package.json.
 */
const REPO_ROOT = resolve(__dirname, '..', '..');
const RUNBOOKS = join(REPO_ROOT, 'docs', 'runbooks');

const runbooks = readdirSync(RUNBOOKS)
  .filter((file) => file.endsWith('.md'))
  .map((file) => ({ file, text: readFileSync(join(RUNBOOKS, file), 'utf8') }));

/** The code in a markdown text: fenced blocks, then inline code spans of the rest. */
const codeOf = (markdown: string): string[] => {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
  const rest = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const spans = [...rest.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');
  return [...fenced, ...spans];
};

/**
 * The words of a shell command line after `cli --`, quotes removed, up to the end of the command (a pipe, `;`, `&&`,
 * a redirection or a closing parenthesis). `...` in a command means "and so on": the command is what precedes it.
 */
const cliWords = (line: string): string[] => {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  const push = () => {
    if (started) words.push(word);
    word = '';
    started = false;
  };
  for (const char of line) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      push();
    } else if ('|;&>)'.includes(char)) {
      break;
    } else {
      word += char;
      started = true;
    }
  }
  push();
  const ellipsis = words.findIndex((w) => w === '...' || w.endsWith('...'));
  return ellipsis === -1 ? words : words.slice(0, ellipsis);
};

interface ShownCommand {
  readonly file: string;
  readonly words: readonly string[];
}

const shown: ShownCommand[] = runbooks.flatMap(({ file, text }) =>
  codeOf(text).flatMap((code) =>
    [...code.matchAll(/npm run (?:--silent )?cli -- ([^\n]*)/g)].map((match) => ({ file, words: cliWords(match[1] ?? '') })),
  ),
);

/** `capacity mitigate`, `audit unmapped`, `classify`: what decides the usage the CLI answers with. */
const commandKey = (words: readonly string[]): string => words.slice(0, words[1] !== undefined && !words[1].startsWith('-') ? 2 : 1).join(' ');

const distinct = [...new Map(shown.map((command) => [commandKey(command.words), command])).values()];

const scripts = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const otherScripts = runbooks.flatMap(({ file, text }) =>
  codeOf(text).flatMap((code) => [...code.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)].map((match) => ({ file, script: match[1] ?? '' }))),
);

/** Runbooks whose alarm no CLI command acts on, and why. */
const WITHOUT_CLI_LEVER: Readonly<Record<string, string>> = {
  'queue-wait': 'the wait before a model call (cold starts, cache, DynamoDB) is fixed in the stack, not by an operator command',
};

describe('the runbooks', () => {
  it('show CLI commands (the parser finds them)', () => {
    // Assess
    expect(shown.length).toBeGreaterThan(30);
    expect(distinct.map((command) => commandKey(command.words))).toEqual(expect.arrayContaining(['capacity mitigate', 'budget override', 'audit unmapped', 'classify']));
  });

  it.each(distinct.map((command) => [commandKey(command.words), command] as const))('show "%s", which exists: --help exits 0 with its usage', (_key, command) => {
    // Prepare
    expect(command.words.length).toBeGreaterThan(0);

    // Act
    const run = spawnSync('npx', ['tsx', 'bin/cli.ts', ...command.words, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });

    // Assess
    expect({ file: command.file, words: command.words, status: run.status, stderr: run.stderr.split('\n')[0] }).toEqual({
      file: command.file,
      words: command.words,
      status: 0,
      stderr: expect.stringMatching(/^usage: mangaassist/) as unknown,
    });
    expect(run.stdout).toBe('');
  });

  it('name only scripts that package.json has', () => {
    // Assess
    expect(otherScripts.filter(({ script }) => !scripts.includes(script))).toEqual([]);
  });

  it.each(
    [...new Set([...designAlarms({ dailyBudgetUsd: 2500, strongTierDailyProjectionUsd: 1500 }).map((row) => row.runbook), ...Object.values(EXTRA_ALARMS).map((extra) => extra.runbook)])].map(
      (runbook) => [runbook],
    ),
  )('have a complete %s.md: the signal, a Logs Insights query, what to do with the CLI, how to prevent', (runbook) => {
    // Prepare
    const text = runbooks.find((entry) => entry.file === `${runbook}.md`)?.text ?? '';

    // Assess
    // The signal: a **Signal.** paragraph, or a table of the runbook's alarms with their signals.
    expect(text).toMatch(/^\*\*Signal\.\*\*|^\| alarm `[^`]+` \| signal \|/m);
    expect(text).toMatch(/insights "\$[A-Z_]+_LOGS" '/);
    expect(/npm run --silent cli -- /.test(text) || runbook in WITHOUT_CLI_LEVER).toBe(true);
    expect(text).toMatch(/^## Prevent$/m);
  });
});

describe('the runbook parser', () => {
  it('reads quoted words, stops at a pipe and drops what follows an ellipsis', () => {
    // Assess
    expect(cliWords('capacity mitigate --for 30m --reason "INC-<id> bedrock throttles <tier>"')).toEqual(['capacity', 'mitigate', '--for', '30m', '--reason', 'INC-<id> bedrock throttles <tier>']);
    expect(cliWords("classify | jq '.intent'")).toEqual(['classify']);
    expect(cliWords('budget status|override|calendar ...')).toEqual(['budget', 'status']);
    expect(cliWords('capacity ...')).toEqual(['capacity']);
  });

  it('finds code in fenced blocks and in spans', () => {
    // Assess
    expect(codeOf('a `x` b\n```bash\ny\n```\n')).toEqual(['y\n', 'x']);
  });
});
