#!/usr/bin/env -S npx tsx
/**
 * `npm run --silent cli -- classify`: the MangaAssist command line (DESIGN section 3). The logic lives in
 * local/cli so it can be tested without a process.
 */
import { readFileSync } from 'node:fs';
import { cloudWatchReader, CloudWatchTrafficSource } from '../lambdas/adapters/cloudwatch-traffic';
import { defaultIntentClassifier } from '../lambdas/core/intent-model';
import { createCloudWatchClient } from '../lambdas/runtime/clients/cloudwatch';
import { systemClock } from '../lambdas/runtime/system';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '../lib/handler-specs';
import { AUDIT_COMMANDS, AUDIT_USAGE, runAudit } from '../local/cli/audit';
import { BUDGET_COMMANDS, BUDGET_USAGE, runBudget } from '../local/cli/budget';
import { budgetCliDeps } from '../local/cli/budget-env';
import { CAPACITY_COMMANDS, CAPACITY_USAGE, CliUsageError, runCapacity } from '../local/cli/capacity';
import { capacityCliDeps } from '../local/cli/capacity-env';
import { runClassify } from '../local/cli/classify';
import { EVAL_COMMANDS, EVAL_USAGE, runEval } from '../local/cli/eval';
import { evalCliDeps } from '../local/cli/eval-env';
import { answerHelp, type CommandHelp } from '../local/cli/help';
import { SIMULATE_USAGE, simulateCommand } from '../local/cli/simulate';
import { ROUTING_COMMANDS, ROUTING_USAGE, runRouting } from '../local/cli/routing';
import { routingCliDeps } from '../local/cli/routing-env';
import { EXPERIMENT_COMMANDS, EXPERIMENT_USAGE, experimentCliDeps, runExperiment } from '../local/cli/experiments';
import { runToken, TOKEN_USAGE } from '../local/cli/token';
import { CalendarError } from '../lambdas/core/capacity/calendar';

const USAGE = `usage: mangaassist <command>

commands:
  classify   read JSON lines {"text": "..."} on stdin; write one JSON line per input line on stdout:
             {"text","intent","tier","complexity","confidence","source","needsLlm"}, or
             {"error":{"code","message"},"line"} for a line that is not JSON or has no string "text". Blank lines
             are skipped. The gateway's default classifier (rules + trained model); "source" is "rules" or "model";
             "needsLlm" is true below the LLM fallback's threshold (no model is called: the fast path's answer).
  capacity   provisioned-throughput planning and operations: "capacity --help" lists its commands.
  budget     the budget guardian's day, overrides and the event calendar: "budget --help".
  simulate   replay one JST day of a scenario through the classifier, routing and budget guardian (no network):
             "simulate --help" for the options.
  token      a token of the running npm start's local issuer for a customer: "token --customer demo-customer-1"
             (prints one line; connect with ?token=<it>): "token --help".
  audit      audits of the traffic: "audit unmapped" lists the intents or labels the routing map does not name,
             with volume and cost (CloudWatch, or the local stack's metrics file): "audit --help".
  routing    versioned routing: "routing show | history | diff A B | set <intent> <tier> | rollback [--to N]";
             one intent per change (--force and a reason for more), locked intents only with --unlock and a
             reason; a conflicting change writes nothing (exit 3): "routing --help". "routing experiment start
             <intent> <tier> | stop <id> | show [<id>] | evaluate | rollbacks": a change tried on a growing share
             of customers behind quality gates, promoted or rolled back by the evaluator: "routing experiment --help".
  eval       offline evaluation of a routing change before any experiment: "eval route --intent manga_qa --tier haiku
             --n 100" answers sample questions on the current and the proposed tier and scores both with an LLM
             judge (offline: a deterministic stand-in): quality, gap, cost, savings per day, the gate: "eval --help".

"--help" after any command or subcommand prints its usage and runs nothing.

options:
  -h, --help show this help
`;

/** Every command's `--help` (classify's is the top-level usage, which documents it). */
const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  classify: { usage: USAGE, subcommands: [] },
  capacity: { usage: CAPACITY_USAGE, subcommands: CAPACITY_COMMANDS },
  budget: { usage: BUDGET_USAGE, subcommands: BUDGET_COMMANDS },
  simulate: { usage: SIMULATE_USAGE },
  audit: { usage: AUDIT_USAGE, subcommands: AUDIT_COMMANDS },
  token: { usage: TOKEN_USAGE },
  eval: { usage: EVAL_USAGE, subcommands: EVAL_COMMANDS },
  routing: { usage: ROUTING_USAGE, subcommands: ROUTING_COMMANDS },
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [command, ...rest] = argv;
  // `routing experiment ...` (local/cli/experiments.ts) answers its own --help, before routing's subcommand check.
  if (command === 'routing' && rest[0] === 'experiment') return experimentCommand(rest.slice(1));
  const help = answerHelp(argv, COMMAND_HELP, USAGE);
  if (help) {
    process.stderr.write(help.text);
    return help.code;
  }
  if (command === 'classify' && rest.length === 0) {
    // A closed pipe downstream (`| head`) is the reader's choice, not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
    await runClassify(process.stdin, process.stdout, defaultIntentClassifier());
    return 0;
  }
  if (command === 'simulate') return simulateCommand(rest);
  if (command === 'token') {
    return runToken(rest, { env: process.env, out: (line) => process.stdout.write(line), err: (line) => process.stderr.write(line) });
  }
  if (command === 'capacity') {
    if (rest.length === 0 || rest[0] === '-h' || rest[0] === '--help' || rest[0] === 'help') {
      process.stderr.write(`${CAPACITY_USAGE}\n`);
      return rest.length === 0 ? 2 : 0;
    }
    try {
      return await runCapacity(rest, capacityCliDeps(process.env, (line) => process.stdout.write(line)));
    } catch (error) {
      if (error instanceof CliUsageError || error instanceof CalendarError) {
        process.stderr.write(`mangaassist capacity: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
  }
  if (command === 'budget') {
    if (rest.length === 0 || rest[0] === '-h' || rest[0] === '--help' || rest[0] === 'help') {
      process.stderr.write(`${BUDGET_USAGE}\n`);
      return rest.length === 0 ? 2 : 0;
    }
    let deps: ReturnType<typeof budgetCliDeps> | undefined;
    try {
      deps = budgetCliDeps(process.env, (line) => process.stdout.write(line));
      return await runBudget(rest, deps);
    } catch (error) {
      if (error instanceof CliUsageError || error instanceof CalendarError) {
        process.stderr.write(`mangaassist budget: ${error.message}\n`);
        return 2;
      }
      // Most likely the ledger's Redis: say where the command failed, not only what ioredis said.
      process.stderr.write(`mangaassist budget: the ledger or calendar did not answer (REDIS_URL, CALENDAR_TABLE): ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    } finally {
      await deps?.close();
    }
  }
  if (command === 'audit') {
    if (rest.length === 0) {
      process.stderr.write(`${AUDIT_USAGE}\n`);
      return 2;
    }
    try {
      return await runAudit(rest, {
        clock: systemClock,
        readFile: (path) => readFileSync(path, 'utf8'),
        cloudWatch: () =>
          new CloudWatchTrafficSource(
            cloudWatchReader(createCloudWatchClient({ region: process.env['AWS_REGION'] ?? 'ap-northeast-1' })),
            METRICS_NAMESPACE,
            POWERTOOLS_SERVICE_NAME,
          ),
        write: (line) => process.stdout.write(line),
      });
    } catch (error) {
      if (error instanceof CliUsageError) {
        process.stderr.write(`mangaassist audit: ${error.message}\n`);
        return 2;
      }
      process.stderr.write(`mangaassist audit: CloudWatch did not answer (AWS credentials, AWS_REGION): ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  if (command === 'routing') {
    if (rest.length === 0) {
      process.stderr.write(`${ROUTING_USAGE}\n`);
      return 2;
    }
    const deps = routingCliDeps(process.env, { write: (line) => process.stdout.write(line), err: (line) => process.stderr.write(line) });
    try {
      return await runRouting(rest, deps);
    } catch (error) {
      if (error instanceof CliUsageError) {
        process.stderr.write(`mangaassist routing: ${error.message}\n`);
        return 2;
      }
      process.stderr.write(`mangaassist routing: the routing tables did not answer (ROUTING_VERSIONS_TABLE, AWS credentials, or npm start): ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    } finally {
      deps.close();
    }
  }
  if (command === 'eval') {
    if (rest.length === 0) {
      process.stderr.write(`${EVAL_USAGE}\n`);
      return 2;
    }
    try {
      const io = { write: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text), aws: rest.includes('--aws') };
      return await runEval(rest, evalCliDeps(process.env, io));
    } catch (error) {
      if (error instanceof CliUsageError) {
        process.stderr.write(`mangaassist eval: ${error.message}\n`);
        return 2;
      }
      process.stderr.write(`mangaassist eval: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  process.stderr.write(command === undefined ? USAGE : `mangaassist: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
  return 2;
};

const experimentCommand = async (args: readonly string[]): Promise<number> => {
  const help = answerHelp(['experiment', ...args], { experiment: { usage: EXPERIMENT_USAGE, subcommands: EXPERIMENT_COMMANDS } }, EXPERIMENT_USAGE);
  if (help || args.length === 0) {
    process.stderr.write(help?.text ?? `${EXPERIMENT_USAGE}\n`);
    return help?.code ?? 2;
  }
  const deps = experimentCliDeps(process.env, { write: (line) => process.stdout.write(line), err: (line) => process.stderr.write(line) });
  try {
    return await runExperiment(args, deps);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`mangaassist routing experiment: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`mangaassist routing experiment: the tables did not answer (EXPERIMENTS_TABLE, ROUTING_VERSIONS_TABLE, AWS credentials, or npm start): ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    deps.close();
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mangaassist: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
