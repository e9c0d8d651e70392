import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BedrockAnswerJudge } from '../../lambdas/adapters/bedrock-answer-judge';
import { BedrockModelClient } from '../../lambdas/adapters/bedrock-model-client';
import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { RoutingMapSource } from '../../lambdas/app/routing-map-source';
import { KeywordClassifier } from '../../lambdas/core/classifier';
import type { LabelledExample } from '../../lambdas/core/judge';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import type { Log, RoutingConfigStore } from '../../lambdas/ports';
import { BudgetConfigError, parseBudgetConfig } from '../../lambdas/runtime/budget-config';
import { createBedrockRuntimeClient } from '../../lambdas/runtime/clients/bedrock';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../../lambdas/runtime/system';
import { LOCAL_CREDENTIALS } from '../dynamo';
import { runningStackState } from '../issuer-state';
import { loadScenario } from '../simulate/scenario';
import { CliUsageError } from './capacity';
import { catalogFrom } from './capacity-env';
import type { EvalCliDeps, EvalTarget } from './eval';

const ROOT = path.join(__dirname, '..', '..');

/** The project's own labelled examples (never the held-out datasets of ../shared: those measure the classifier). */
export const EXAMPLE_FILES = ['training/intents.jsonl', 'training/intents-generated.jsonl'] as const;

/** The day whose mix the savings are projected over: the seeds' ordinary day (1M messages, seed 001's mix). */
export const TRAFFIC_SCENARIO = 'scenarios/normal-day.json';

export const readExamples = (root: string = ROOT): { rows: LabelledExample[]; sources: string[] } => {
  const rows: LabelledExample[] = [];
  for (const file of EXAMPLE_FILES) {
    for (const line of readFileSync(path.join(root, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as Partial<LabelledExample>;
      if (typeof row.text === 'string' && typeof row.intent === 'string') rows.push({ text: row.text, intent: row.intent });
    }
  }
  return { rows, sources: [...EXAMPLE_FILES] };
};

/** Warnings of the routing source (a table row ignored, an unreadable table) go to stderr, as the CLI's notes do. */
const stderrLog = (err: (text: string) => void): Log => {
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) => err(`mangaassist eval: ${level}: ${message}${extra ? ` ${JSON.stringify(extra, (_, v: unknown) => (v instanceof Error ? v.message : v))}` : ''}\n`);
  return { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
};


/**
 * The eval CLI's dependencies from the environment. Bedrock: BEDROCK_ENDPOINT, else the running npm start's local
 * endpoint (local/issuer-state.ts), else AWS (AWS_REGION, the default credential chain); `--aws` skips the local
 * stack. The routing map: ROUTING_VERSIONS_TABLE / ROUTING_TABLE (and DYNAMODB_ENDPOINT), else the running stack's
 * tables, else the embedded defaults, read through the gateway's own RoutingMapSource (the active version). MODEL_CATALOG / MODEL_CATALOG_PROFILE and
 * BUDGET_CONFIG as the deployed functions have them.
 */
export const evalCliDeps = (
  env: Readonly<Record<string, string | undefined>>,
  io: { readonly write: (text: string) => void; readonly err: (text: string) => void; readonly aws: boolean },
): EvalCliDeps => {
  const catalog = catalogFrom(env);
  let budget;
  try {
    budget = parseBudgetConfig(env['BUDGET_CONFIG'], Number(env['DAILY_BUDGET_USD'] ?? '2500'));
  } catch (error) {
    throw new CliUsageError(`BUDGET_CONFIG: ${error instanceof BudgetConfigError ? error.message : String(error)}`);
  }
  const region = env['AWS_REGION'] ?? 'ap-northeast-1';
  const stack = io.aws ? undefined : runningStackState(env);
  const localCredentials = env['AWS_ACCESS_KEY_ID'] === undefined ? { credentials: LOCAL_CREDENTIALS } : {};
  const log = stderrLog(io.err);
  return {
    catalog,
    tokenBudgets: budget.tokenBudgets,
    routing: async () => {
      // The same tables as `cli routing` (local/cli/routing-env.ts): explicit ones first, else the running npm start's.
      const explicit = env['ROUTING_VERSIONS_TABLE'] !== undefined || env['ROUTING_TABLE'] !== undefined;
      const versionsTable = explicit ? env['ROUTING_VERSIONS_TABLE'] : stack?.routingVersionsTable;
      const legacyTable = explicit ? env['ROUTING_TABLE'] : stack?.routingTable;
      if (versionsTable === undefined && legacyTable === undefined) {
        return { map: DEFAULT_ROUTING_MAP, source: 'the embedded default routing map (no ROUTING_VERSIONS_TABLE, no running npm start)' };
      }
      const endpoint = explicit ? env['DYNAMODB_ENDPOINT'] : (stack?.dynamoEndpoint ?? env['DYNAMODB_ENDPOINT']);
      const documents = createDocumentClient({ region, ...(endpoint !== undefined && { endpoint, ...localCredentials }) });
      try {
        // The gateway's own source: the newest routing version, else version 0 (the defaults with the legacy rows).
        const noRows: RoutingConfigStore = { loadOverrides: async () => [] };
        const source = new RoutingMapSource(
          legacyTable === undefined ? noRows : new DynamoRoutingConfigStore(documents, legacyTable),
          systemClock,
          log,
          undefined,
          versionsTable === undefined ? undefined : new DynamoRoutingVersionStore(documents, versionsTable),
        );
        const { map, version } = await source.current();
        return { map, source: `routing version ${version} (${versionsTable ?? legacyTable}${endpoint ? ` at ${endpoint}` : ''})` };
      } finally {
        documents.destroy();
      }
    },
    examples: () => readExamples(),
    traffic: () => {
      const scenario = loadScenario(path.join(ROOT, TRAFFIC_SCENARIO));
      // The keyword rules, as `cli simulate` reads the same scenario: the two tools agree on an intent's volume.
      const classifier = new KeywordClassifier();
      return {
        source: TRAFFIC_SCENARIO,
        dailyMessages: scenario.messages * scenario.trafficMultiplier,
        mix: scenario.mix.map((category) => ({ share: category.share, intents: category.utterances.map((text) => classifier.classify(text).intent) })),
      };
    },
    readFile: (file) => readFileSync(file, 'utf8'),
    bedrock: () => {
      const endpoint = env['BEDROCK_ENDPOINT'] ?? stack?.bedrockEndpoint;
      const forward = env['BEDROCK_ENDPOINT'] === undefined ? stack?.bedrockForwardUrl : undefined;
      const target: EvalTarget = {
        description: endpoint === undefined ? `AWS Bedrock ${region}` : `local Bedrock ${endpoint}${forward !== undefined ? ` forwarding to ${forward}` : ''}`,
      };
      const guardrailId = env['GUARDRAIL_ID'];
      const guardrailVersion = env['GUARDRAIL_VERSION'];
      const guardrail = guardrailId !== undefined && guardrailVersion !== undefined ? { identifier: guardrailId, version: guardrailVersion } : undefined;
      const client = createBedrockRuntimeClient({
        region,
        requestTimeoutMs: 120_000,
        ...(endpoint !== undefined && { endpoint, ...localCredentials }),
      });
      return {
        // The deployed guardrail when named (GUARDRAIL_ID / GUARDRAIL_VERSION, as the invoke function has them): an answer it
        // blocks is an answer failure of that tier, as the customer would see it.
        models: new BedrockModelClient(client, { streamIdleTimeoutMs: 30_000, ...(guardrail !== undefined && { guardrail }) }),
        judge: new BedrockAnswerJudge(client, catalog.sonnet.modelId),
        target,
      };
    },
    write: io.write,
    err: io.err,
  };
};
