import { parseArgs } from 'node:util';
import { DynamoExperimentStore } from '../../lambdas/adapters/dynamodb-experiments';
import { evaluateExperiments } from '../../lambdas/app/experiments/evaluate';
import { listExperiments, showExperiment, startExperiment, stopExperiment } from '../../lambdas/app/experiments/manage';
import type { RoutingChangeDeps } from '../../lambdas/app/routing-changes';
import type { ExperimentConfig } from '../../lambdas/core/experiments/config';
import { evaluateGates } from '../../lambdas/core/experiments/gates';
import { ExperimentError, type Experiment } from '../../lambdas/core/experiments/model';
import type { Clock, Log, MetricsSink } from '../../lambdas/ports';
import type { ExperimentStore } from '../../lambdas/ports/experiments';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { parseExperimentConfig } from '../../lambdas/runtime/experiments-config';
import { systemClock } from '../../lambdas/runtime/system';
import { CliUsageError } from './capacity';
import { routingStoresFromEnv } from './routing-env';
import { LOCAL_CREDENTIALS } from '../dynamo';
import { runningStackState } from '../issuer-state';
import { EXPERIMENTS_TABLE } from '../../lambdas/schema/tables';

/**
 * `mangaassist routing experiment ...`: routing changes tried as experiments before they become versions (issue 12).
 * JSON on stdout. Exit codes: 0 done; 2 a usage error or a refused start/stop (`refused <code>: <message>` on stderr).
 */
export const EXPERIMENT_COMMANDS = ['start', 'stop', 'show', 'evaluate', 'rollbacks'] as const;

export const EXPERIMENT_USAGE = `usage: mangaassist routing experiment <command>

  start <intent> <tier> [--stages 10,25,100 | --stages gradual] --reason R [--by NAME]
                                  try moving one intent to <tier> on a growing share of its customers (sticky per
                                  customer, per session for guests): stages from configuration (default A/B 10% for
                                  48 h and n >= 2,000, canary 25% for 24 h, then full = a new routing version).
                                  Refused for a locked intent, its current tier, or an intent already in one
  stop <id> --reason R [--by NAME] end it now: every principal is back on the control tier within 30 s
  show [<id>]                     every intent's latest experiment, or one with its stage's counters, the gates
                                  as they stand and its decisions
  evaluate                        run the evaluator once now (what the 15-minute schedule does): promote, hold,
                                  stop, roll back; prints each decision with why
  rollbacks [--limit 20]          the automatic rollbacks, newest first, with versions and figures

--by defaults to $USER. Tables: EXPERIMENTS_TABLE with ROUTING_VERSIONS_TABLE and ROUTING_TABLE (AWS credentials,
AWS_REGION; DYNAMODB_ENDPOINT for another endpoint), EXPERIMENTS_CONFIG for the stages and gates; without them,
the running npm start's dynalite.`;

export interface ExperimentCliStores {
  readonly experiments: ExperimentStore;
  readonly routing: RoutingChangeDeps;
}

export interface ExperimentCliDeps {
  readonly stores: () => Promise<ExperimentCliStores>;
  readonly config: ExperimentConfig;
  readonly clock: Clock;
  readonly write: (line: string) => void;
  readonly err: (line: string) => void;
  readonly operator: string;
  /** The evaluator's log and metrics when run from the command line (stderr; none). */
  readonly log: Log;
  readonly metrics: MetricsSink;
}

const parse = (args: readonly string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) => {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
};
const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** One line per experiment: what `show` without an id lists. */
const summary = (experiment: Experiment) => ({
  id: experiment.id,
  intent: experiment.intent,
  status: experiment.status,
  change: `${experiment.controlTier} -> ${experiment.treatmentTier}`,
  stage: experiment.stage,
  share: experiment.stages[experiment.stage]?.share ?? null,
  stages: experiment.stages.map((stage) => stage.share),
  startedAt: new Date(experiment.startedAt).toISOString(),
  startedBy: experiment.startedBy,
  reason: experiment.reason,
  ...(experiment.lastDecision && { lastDecision: { kind: experiment.lastDecision.kind, reason: experiment.lastDecision.reason, at: new Date(experiment.lastDecision.at).toISOString() } }),
  ...(experiment.promotedVersion !== undefined && { promotedVersion: experiment.promotedVersion, previousVersion: experiment.previousVersion }),
  ...(experiment.endReason !== undefined && { endReason: experiment.endReason }),
});

const start = async (deps: ExperimentCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { stages: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } });
  if (positionals.length !== 2) throw new CliUsageError('start takes <intent> <tier>: routing experiment start manga_qa haiku --reason R');
  const reason = text(values['reason']);
  if (reason === undefined || reason.trim() === '') throw new CliUsageError('start needs --reason');
  const stores = await deps.stores();
  const stages = text(values['stages']);
  const experiment = await startExperiment(
    { experiments: stores.experiments, routing: stores.routing, config: deps.config, clock: deps.clock },
    { intent: positionals[0] ?? '', tier: positionals[1] ?? '', reason, by: text(values['by']) ?? deps.operator, ...(stages !== undefined && { stages }) },
  );
  deps.write(`${JSON.stringify({ started: true, ...summary(experiment), plan: experiment.stages })}\n`);
  return 0;
};

const stop = async (deps: ExperimentCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { reason: { type: 'string' }, by: { type: 'string' } });
  if (positionals.length !== 1) throw new CliUsageError('stop takes the experiment id: routing experiment stop <id> --reason R');
  const reason = text(values['reason']);
  if (reason === undefined || reason.trim() === '') throw new CliUsageError('stop needs --reason');
  const stores = await deps.stores();
  const stopped = await stopExperiment({ experiments: stores.experiments, routing: stores.routing, config: deps.config, clock: deps.clock }, positionals[0] ?? '', reason, text(values['by']) ?? deps.operator);
  deps.write(`${JSON.stringify({ stopped: true, ...summary(stopped) })}\n`);
  return 0;
};

const show = async (deps: ExperimentCliDeps, args: readonly string[]): Promise<number> => {
  const { positionals } = parse(args, {});
  if (positionals.length > 1) throw new CliUsageError('show takes at most one experiment id');
  const stores = await deps.stores();
  const id = positionals[0];
  if (id === undefined) {
    deps.write(`${JSON.stringify({ experiments: (await listExperiments(stores)).map(summary) })}\n`);
    return 0;
  }
  const view = await showExperiment(stores, id);
  deps.write(
    `${JSON.stringify({
      ...summary(view.experiment),
      plan: view.experiment.stages,
      counters: view.counters,
      gates: evaluateGates(view.counters, deps.config.gates),
      decisions: view.decisions.map((decision) => ({ ...decision, at: new Date(decision.at).toISOString() })),
    })}\n`,
  );
  return 0;
};

const evaluate = async (deps: ExperimentCliDeps, args: readonly string[]): Promise<number> => {
  const { positionals } = parse(args, {});
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
  const stores = await deps.stores();
  const report = await evaluateExperiments({ ...stores, config: deps.config, clock: deps.clock, log: deps.log, metrics: deps.metrics });
  deps.write(`${JSON.stringify(report)}\n`);
  return 0;
};

const rollbacks = async (deps: ExperimentCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { limit: { type: 'string' } });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
  const limit = Number(text(values['limit']) ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliUsageError('--limit must be 1-1000');
  const records = await (await deps.stores()).experiments.rollbacks(limit);
  deps.write(`${JSON.stringify({ rollbacks: records.map((record) => ({ ...record, at: new Date(record.at).toISOString() })) })}\n`);
  return 0;
};

/** Runs one experiment command; a refused start or stop is exit 2 with its code, nothing written. */
export const runExperiment = async (argv: readonly string[], deps: ExperimentCliDeps): Promise<number> => {
  const [command, ...rest] = argv;
  try {
    switch (command ?? '') {
      case 'start':
        return await start(deps, rest);
      case 'stop':
        return await stop(deps, rest);
      case 'show':
        return await show(deps, rest);
      case 'evaluate':
        return await evaluate(deps, rest);
      case 'rollbacks':
        return await rollbacks(deps, rest);
      default:
        throw new CliUsageError(command === undefined ? 'an experiment command is required' : `unknown experiment command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ExperimentError) {
      deps.err(`refused ${error.code}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
};


/**
 * The command's stores: EXPERIMENTS_TABLE next to the routing tables (routingStoresFromEnv, which the same rules
 * choose), or the running npm start's dynalite, whose Experiments table has the prefix of its RoutingVersions table
 * (local/dynamo.ts names every table `<prefix><logical name>`).
 */
export const experimentCliDeps = (
  env: Readonly<Record<string, string | undefined>>,
  io: { readonly write: (line: string) => void; readonly err: (line: string) => void },
): ExperimentCliDeps & { close(): void } => {
  const routing = routingStoresFromEnv(env);
  let documents: ReturnType<typeof createDocumentClient> | undefined;
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    const error = extra?.['error'];
    io.err(`${JSON.stringify({ level, message, ...extra, ...(error instanceof Error && { error: error.message }) })}\n`);
  };
  return {
    stores: async () => {
      const routingDeps = await routing.stores();
      const stack = env['EXPERIMENTS_TABLE'] === undefined ? runningStackState(env) : undefined;
      const table = env['EXPERIMENTS_TABLE'] ?? stack?.routingVersionsTable?.replace(/RoutingVersions$/, EXPERIMENTS_TABLE.logicalName);
      if (table === undefined) throw new CliUsageError('set EXPERIMENTS_TABLE (with the routing tables), or start the offline gateway with npm start');
      const endpoint = stack ? stack.dynamoEndpoint : env['DYNAMODB_ENDPOINT'];
      const local = endpoint !== undefined && env['AWS_ACCESS_KEY_ID'] === undefined ? { credentials: LOCAL_CREDENTIALS } : {};
      documents ??= createDocumentClient({ region: env['AWS_REGION'] ?? 'ap-northeast-1', ...local, ...(endpoint !== undefined && { endpoint }) });
      return { experiments: new DynamoExperimentStore(documents, table), routing: routingDeps };
    },
    config: parseExperimentConfig(env['EXPERIMENTS_CONFIG']),
    clock: systemClock,
    write: io.write,
    err: io.err,
    operator: env['USER'] ?? 'unknown',
    log: { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') },
    metrics: { record: () => undefined },
    close: () => {
      routing.close();
      documents?.destroy();
    },
  };
};
