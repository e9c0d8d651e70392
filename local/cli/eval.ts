import { parseArgs } from 'node:util';
import { evaluateRouteChange, type EvaluateRouteResult } from '../../lambdas/app/evaluate-route';
import type { TokenBudget } from '../../lambdas/core/budget/config';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import {
  DEFAULT_EVAL_GATE,
  DEFAULT_SAMPLE_SEED,
  intentMessagesPerDay,
  parseSampleLines,
  selectSamples,
  type LabelledExample,
  type RouteEvaluation,
  type TierSummary,
  type TrafficCategory,
} from '../../lambdas/core/judge';
import { INTENTS, isIntent, type Intent, type ModelTier, type RoutingMap } from '../../lambdas/core/vocabulary';
import type { ModelClient } from '../../lambdas/ports';
import type { AnswerJudge } from '../../lambdas/ports/judge';
import { STAND_IN_REASON_PREFIX } from '../bedrock/judge-tool';
import { CliUsageError } from './capacity';

export const EVAL_COMMANDS = ['route'] as const;

export const DEFAULT_EVAL_SAMPLES = 100;
export const MAX_EVAL_SAMPLES = 1000;
export const DEFAULT_EVAL_CONCURRENCY = 4;
export const MAX_EVAL_CONCURRENCY = 16;
export const DEFAULT_ANSWER_TIMEOUT_MS = 60_000;
export const DEFAULT_JUDGE_TIMEOUT_MS = 30_000;
const MODEL_TIERS: readonly ModelTier[] = ['haiku', 'sonnet'];

export const EVAL_USAGE = `usage: mangaassist eval <command>

  route --intent INTENT --tier haiku|sonnet [--samples FILE | --n N] [--seed S] [--traffic-per-day N]
        [--concurrency C] [--timeout-ms MS] [--json]
      the offline evaluation of a routing change, before any experiment: sample questions of INTENT are answered by
      the intent's current tier (the active routing map) and by the proposed --tier, with the gateway's own prompt
      through Bedrock ConverseStream; a judge (the catalog's sonnet through Converse, a rubric for a manga store's
      answers, a forced tool returning {"score": 1-10, "reason"}) scores every answer. Prints per tier: samples,
      answer failures, judged, judge failures, mean quality, p10, cost per request (token usage x catalog prices);
      the gap, the projected savings per day, and the gate of seed 000 (quality drop < 10%: "within gate").
      Exit 0 when the run completed (whatever the verdict), 2 for bad arguments, 1 when Bedrock did not answer.

  --intent INTENT       one of the vocabulary's intents whose current tier is a model tier
  --tier TIER           the proposed tier: haiku or sonnet, not the intent's current one
  --samples FILE        JSON lines {"text": "..."} (at most ${MAX_EVAL_SAMPLES}); bad lines are reported by number and skipped
  --n N                 questions picked from training/intents.jsonl and training/intents-generated.jsonl
                        (1-${MAX_EVAL_SAMPLES}, default ${DEFAULT_EVAL_SAMPLES}); a seeded, deterministic pick (--seed, default ${DEFAULT_SAMPLE_SEED})
  --traffic-per-day N   messages of INTENT per day for the savings; default: the intent's share of
                        scenarios/normal-day.json's day (the seeds' 1M messages), as \`cli simulate\` reads it
  --concurrency C       calls in flight (1-${MAX_EVAL_CONCURRENCY}, default ${DEFAULT_EVAL_CONCURRENCY})
  --timeout-ms MS       limit of one answer call (default ${DEFAULT_ANSWER_TIMEOUT_MS}); a judge call gets ${DEFAULT_JUDGE_TIMEOUT_MS} ms
  --aws                 real Bedrock (AWS credentials, AWS_REGION) even when an npm start is running; with
                        GUARDRAIL_ID and GUARDRAIL_VERSION the answers go through that guardrail, as the gateway's do
  --json                one JSON object (figures, verdict and every sample's scores) instead of the table

  Where it runs: BEDROCK_ENDPOINT if set; else the running npm start's local Bedrock endpoint (its state file);
  else AWS. Offline, the local endpoint's simulated models answer and a DETERMINISTIC STAND-IN scores (from the
  answer's length, not a model: it exercises the pipeline, it measures nothing), unless npm start forwards to an
  OpenAI-compatible server (LOCAL_BEDROCK_FORWARD_URL), whose model then answers and judges.`;

/** Where the model calls go, for the report. */
export interface EvalTarget {
  /** e.g. `local Bedrock http://127.0.0.1:4010` or `AWS Bedrock ap-northeast-1`. */
  readonly description: string;
}

export interface EvalTraffic {
  readonly source: string;
  readonly dailyMessages: number;
  readonly mix: readonly TrafficCategory[];
}

export interface EvalCliDeps {
  readonly catalog: ModelCatalog;
  readonly tokenBudgets: Readonly<Partial<Record<Intent, TokenBudget>>>;
  /** The active routing map and where it was read from. */
  readonly routing: () => Promise<{ readonly map: RoutingMap; readonly source: string }>;
  /** The project's labelled examples, and the files they came from. */
  readonly examples: () => { readonly rows: readonly LabelledExample[]; readonly sources: readonly string[] };
  readonly traffic: () => EvalTraffic;
  readonly readFile: (path: string) => string;
  /** Built only once the arguments are valid: bad arguments never need credentials or a running stack. */
  readonly bedrock: () => { readonly models: ModelClient; readonly judge: AnswerJudge; readonly target: EvalTarget };
  readonly write: (text: string) => void;
  /** Progress and the bad lines of a samples file (stderr, so that --json stays one object on stdout). */
  readonly err: (text: string) => void;
}

interface EvalArgs {
  readonly intent: Intent;
  readonly tier: ModelTier;
  readonly samplesFile?: string;
  readonly n: number;
  readonly seed: number;
  readonly trafficPerDay?: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly json: boolean;
}

const wholeNumber = (text: string | undefined, flag: string, min: number, max: number): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
};

export const parseEvalArgs = (args: readonly string[]): EvalArgs & { readonly aws: boolean } => {
  const [command, ...rest] = args;
  if (command !== 'route') throw new CliUsageError(command === undefined ? 'missing command: route' : `unknown eval command "${command}"`);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        intent: { type: 'string' },
        tier: { type: 'string' },
        samples: { type: 'string' },
        n: { type: 'string' },
        seed: { type: 'string' },
        'traffic-per-day': { type: 'string' },
        concurrency: { type: 'string' },
        'timeout-ms': { type: 'string' },
        aws: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.intent === undefined) throw new CliUsageError('--intent is required');
  if (!isIntent(values.intent)) throw new CliUsageError(`unknown intent "${values.intent}": one of ${INTENTS.join(', ')}`);
  if (values.tier === undefined) throw new CliUsageError('--tier is required (the proposed tier: haiku or sonnet)');
  if (!(MODEL_TIERS as readonly string[]).includes(values.tier)) {
    throw new CliUsageError(`unknown tier "${values.tier}": the proposed tier must be a model tier, ${MODEL_TIERS.join(' or ')} (a template has no model to judge)`);
  }
  if (values.samples !== undefined && values.n !== undefined) throw new CliUsageError('give --samples FILE or --n N, not both');
  return {
    intent: values.intent,
    tier: values.tier as ModelTier,
    ...(values.samples !== undefined && { samplesFile: values.samples }),
    n: wholeNumber(values.n, '--n', 1, MAX_EVAL_SAMPLES) ?? DEFAULT_EVAL_SAMPLES,
    seed: wholeNumber(values.seed, '--seed', 0, 2 ** 32 - 1) ?? DEFAULT_SAMPLE_SEED,
    ...(values['traffic-per-day'] !== undefined && { trafficPerDay: wholeNumber(values['traffic-per-day'], '--traffic-per-day', 0, 1e12) }),
    concurrency: wholeNumber(values.concurrency, '--concurrency', 1, MAX_EVAL_CONCURRENCY) ?? DEFAULT_EVAL_CONCURRENCY,
    timeoutMs: wholeNumber(values['timeout-ms'], '--timeout-ms', 100, 600_000) ?? DEFAULT_ANSWER_TIMEOUT_MS,
    aws: values.aws ?? false,
    json: values.json ?? false,
  };
};

/** The questions to ask: the samples file's good lines (bad ones reported), or the seeded pick of the project's examples. */
const loadSamples = (deps: EvalCliDeps, args: EvalArgs): { samples: string[]; source: string; badLines: number } => {
  if (args.samplesFile !== undefined) {
    let content: string;
    try {
      content = deps.readFile(args.samplesFile);
    } catch (error) {
      throw new CliUsageError(`cannot read --samples ${args.samplesFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { samples, errors } = parseSampleLines(content);
    for (const bad of errors) deps.err(`mangaassist eval: ${args.samplesFile} line ${bad.line}: ${bad.message} (skipped)\n`);
    if (samples.length === 0) throw new CliUsageError(`${args.samplesFile} has no usable line: JSON lines {"text": "..."}`);
    // Every sample costs three model calls (two answers and a judge's): a huge file is a mistake, not an evaluation.
    if (samples.length > MAX_EVAL_SAMPLES) throw new CliUsageError(`${args.samplesFile} has ${samples.length} usable lines; at most ${MAX_EVAL_SAMPLES}`);
    return { samples, source: `${args.samplesFile} (${samples.length} lines used, ${errors.length} skipped)`, badLines: errors.length };
  }
  const { rows, sources } = deps.examples();
  const samples = selectSamples(rows, args.intent, args.n, args.seed);
  if (samples.length === 0) throw new CliUsageError(`the project's examples (${sources.join(', ')}) have no question of intent ${args.intent}: give --samples FILE`);
  const short = samples.length < args.n ? ` (only ${samples.length} distinct examples of ${args.intent})` : '';
  return { samples, source: `${samples.length} of ${args.intent}'s examples in ${sources.join(', ')}, seed ${args.seed}${short}`, badLines: 0 };
};

const usd = (value: number | null, digits = 6): string => (value === null ? '-' : `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(digits)}`);
const num = (value: number | null, digits = 2): string => (value === null ? '-' : value.toFixed(digits));
const pct = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const count = (value: number): string => Math.round(value).toLocaleString('en-US');

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd()).join('\n');
};

const tierRow = (summary: TierSummary, role: string): string[] => [
  `${summary.tier} (${role})`,
  String(summary.samples),
  String(summary.answerFailures),
  String(summary.judged),
  String(summary.judgeFailures),
  num(summary.meanQuality),
  num(summary.p10Quality, 0),
  usd(summary.costPerRequestUsd),
];

const RECOMMENDATION: Readonly<Record<RouteEvaluation['verdict'], string>> = {
  within_gate: 'within gate',
  fails_gate: 'fails gate',
  no_verdict: 'no verdict',
};

const NEXT_STEP: Readonly<Record<RouteEvaluation['verdict'], string>> = {
  within_gate: 'the change may go on to an A/B experiment (10%, then canary); this offline figure alone never applies it',
  fails_gate: 'do not start an experiment with this change',
  no_verdict: 'rerun with more samples or fix the judge failures before deciding',
};

export const renderEvaluation = (
  result: EvaluateRouteResult,
  context: {
    readonly routingSource: string;
    readonly samplesSource: string;
    readonly traffic: string;
    readonly target: EvalTarget;
    readonly judgeModel: string;
    /** Verdicts that came from the local endpoint's stand-in rather than a model (their reason says so). */
    readonly standInVerdicts: number;
  },
): string => {
  const { evaluation } = result;
  const { current, proposed } = evaluation;
  const failures = [current, proposed]
    .filter((summary) => summary.judgeFailures > 0)
    .map((summary) => `${summary.tier}: ${Object.entries(summary.judgeFailuresByCode).map(([code, n]) => `${code} x${n}`).join(', ')}`);
  const answerErrors = result.samples.flatMap((sample) => [sample.current.answerError, sample.proposed.answerError]).filter((e): e is string => e !== undefined);
  return [
    `eval route ${evaluation.intent}: ${current.tier} (current) -> ${proposed.tier} (proposed)`,
    `  routing:  ${context.routingSource}`,
    `  samples:  ${context.samplesSource}`,
    `  models:   ${context.target.description}; ${current.tier} ${current.modelId}, ${proposed.tier} ${proposed.modelId}`,
    `  judge:    ${context.standInVerdicts > 0 ? `the local endpoint's DETERMINISTIC STAND-IN for ${context.judgeModel} (${context.standInVerdicts} verdicts: a score from the answer's length and a hash, not a model; these figures exercise the pipeline, they do not measure quality)` : `${context.judgeModel} through Converse, forced tool score_answer (rubric: helpfulness, accuracy, store-appropriateness, 1-10)`}`,
    '',
    table([
      ['tier', 'samples', 'answer failures', 'judged', 'judge failures', 'mean quality', 'p10', 'cost/request'],
      tierRow(current, 'current'),
      tierRow(proposed, 'proposed'),
    ]),
    ...(failures.length > 0 ? [`  judge failures: ${failures.join('; ')}`] : []),
    ...(answerErrors.length > 0 ? [`  first answer failure: ${answerErrors[0]}`] : []),
    '',
    `gap:                ${num(evaluation.gap)} (${proposed.tier} - ${current.tier}); quality drop ${pct(evaluation.qualityDrop)}`,
    `cost per request:   ${usd(current.costPerRequestUsd)} -> ${usd(proposed.costPerRequestUsd)} (${usd(evaluation.savingsPerRequestUsd)} saved per request)`,
    `traffic:            ${count(evaluation.messagesPerDay)} ${evaluation.intent} messages/day (${context.traffic})`,
    `projected savings:  ${usd(evaluation.savingsPerDayUsd, 2)}/day (before the answer cache's hits, which cost nothing on either tier)`,
    `eval cost:          ${usd(current.evalCostUsd + proposed.evalCostUsd, 4)} (answers and judge calls, at the catalog's prices)`,
    `recommendation:     ${RECOMMENDATION[evaluation.verdict]}: ${evaluation.verdictReason} (seed 000 gate: drop < ${pct(DEFAULT_EVAL_GATE.maxQualityDrop)}); ${NEXT_STEP[evaluation.verdict]}`,
    '',
  ].join('\n');
};

/** `eval route ...`: exit 0 when the evaluation ran (any verdict), 2 on bad arguments (CliUsageError, thrown). */
export const runEval = async (args: readonly string[], deps: EvalCliDeps): Promise<number> => {
  const parsed = parseEvalArgs(args);
  const routing = await deps.routing();
  const currentTier = routing.map[parsed.intent].tier;
  if (currentTier === 'template') {
    throw new CliUsageError(`${parsed.intent} is answered by the template tier (${routing.source}): there is no model answer to compare`);
  }
  if (currentTier === parsed.tier) throw new CliUsageError(`${parsed.intent} is already on ${currentTier} (${routing.source}): --tier must be another tier`);
  const { samples, source: samplesSource } = loadSamples(deps, parsed);
  let messagesPerDay: number;
  let traffic: string;
  if (parsed.trafficPerDay !== undefined) {
    messagesPerDay = parsed.trafficPerDay;
    traffic = '--traffic-per-day';
  } else {
    const day = deps.traffic();
    messagesPerDay = intentMessagesPerDay(day.mix, parsed.intent, day.dailyMessages);
    traffic = `${pct(day.dailyMessages > 0 ? messagesPerDay / day.dailyMessages : 0)} of ${day.source}'s ${count(day.dailyMessages)}`;
  }
  const { models, judge, target } = deps.bedrock();
  let lastReported = 0;
  const result = await evaluateRouteChange(
    {
      models,
      judge,
      catalog: deps.catalog,
      tokenBudgets: deps.tokenBudgets,
      concurrency: parsed.concurrency,
      answerTimeoutMs: parsed.timeoutMs,
      judgeTimeoutMs: DEFAULT_JUDGE_TIMEOUT_MS,
      onProgress: (done, total) => {
        // About every 10% on stderr: a 100-sample run against real Bedrock takes minutes.
        if (done === total || done - lastReported >= Math.max(1, Math.ceil(total / 10))) {
          lastReported = done;
          deps.err(`mangaassist eval: ${done}/${total} answers judged\n`);
        }
      },
    },
    { intent: parsed.intent, currentTier, proposedTier: parsed.tier, samples, messagesPerDay },
  );
  const { current, proposed } = result.evaluation;
  if (current.answered === 0 && proposed.answered === 0) {
    deps.err(`mangaassist eval: no answer from either tier (${target.description}): ${result.samples[0]?.current.answerError ?? 'no sample'}\n`);
    return 1;
  }
  const standInVerdicts = result.samples.flatMap((s) => [s.current.reason, s.proposed.reason]).filter((reason) => reason?.startsWith(STAND_IN_REASON_PREFIX)).length;
  if (standInVerdicts > 0) deps.err(`mangaassist eval: ${standInVerdicts} verdicts came from the local endpoint's deterministic stand-in judge, not a model\n`);
  if (parsed.json) {
    deps.write(`${JSON.stringify({ ...result.evaluation, routing: routing.source, samplesSource, traffic, target: target.description, standInVerdicts, samples: result.samples })}\n`);
  } else {
    deps.write(renderEvaluation(result, { routingSource: routing.source, samplesSource, traffic, target, judgeModel: deps.catalog.sonnet.modelId, standInVerdicts }));
  }
  return 0;
};
