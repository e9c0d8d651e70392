#!/usr/bin/env -S npx tsx
/**
 * `npm start`: the whole gateway offline on embedded defaults. Environment:
 *   PORT                      WebSocket port (default 3001; 0 picks a free one)
 *   DEMO_PORT                 the demo store page with the chat widget (default 3000; 0 picks a free one; its origins are allowed)
 *   REDIS_URL                 use a real Redis for cache and spend counters (default: in-process store)
 *   MODEL_CATALOG_PROFILE     current | seed (default current)
 *   LOCAL_BEDROCK_FORWARD_URL forward model calls to an OpenAI-compatible server (Ollama, vLLM, llama.cpp)
 *   LOCAL_BEDROCK_FORWARD_MODEL  the model name to ask that server for
 *   LOCAL_BEDROCK_FAULTS      JSON fault config, e.g. {"throttleRate":0.1,"midStreamErrorRate":0.05}
 *   LOCAL_BEDROCK_SEED        seed of the simulated models (default 42)
 *   LOCAL_BEDROCK_QUOTAS      JSON tokens-per-minute quotas by model id substring, e.g. {"sonnet":200000}
 *   LOCAL_EXPERIMENT_EVALUATOR_MS  how often the experiment evaluator runs (default 900000: every 15 minutes, as in AWS)
 *   EXPERIMENTS_CONFIG        JSON experiment stages, gates and rollback rule over the defaults
 *   LOCAL_GUARDRAIL           on (default) | off: send the guardrail with every answer; the endpoint simulates it
 *   LOCAL_GUARDRAIL_WORDS     comma-separated words the simulated guardrail blocks as a denied topic
 *                             (default: guardrail-test-block, torrent, scanlation, 海賊版, 漫画村)
 *   CAPACITY_CONFIG           JSON capacity configuration over the embedded defaults (schedule, units, mitigation)
 *   DAILY_BUDGET_USD          the budget guardian's daily budget (default 2500)
 *   BUDGET_CONFIG             JSON budget guardian configuration over the embedded defaults (ramp, token budgets)
 *   CASCADE_CONFIG            JSON confidence cascade configuration, e.g. {"intents":["comparison"]} (default: off)
 *   LIMITS_CONFIG             JSON limits per principal over the defaults, e.g. {"guest":{"messagesPerMinute":10}}
 *   LOCAL_CAPACITY_CLOCK      real (default) | fast (an hour every 10 s) | a speed factor: the capacity scheduler's clock
 *   LOCAL_CAPACITY_START      where the scheduler's clock starts, e.g. 2026-12-06T16:00+09:00 (default: now)
 *   LOCAL_METRICS_WINDOW      metric datapoints kept in memory, most recent (default 10000; LOCAL_METRICS_FILE gets all)
 *   LOCAL_CACHE_ENTRIES       answers the in-process cache keeps at most (default 10000; without REDIS_URL)
 *   LOCAL_MAX_ANSWERS_IN_FLIGHT  answers the process serves at once; the excess gets gateway_busy at once (default 256)
 *   LOCAL_EMULATORS           child_processes (default): the local Bedrock endpoint and dynalite each in their own process
 *                             (a second core for the gateway) | in_process: everything in this one process
 *   LOCAL_MESSENGER           in_process (default): frames go to the emulator directly | sdk: through the signed management API over HTTP, as in AWS
 *   LOG_LEVEL                 debug | info | warn | error | silent (default info)
 *   AUTH_ALLOW_GUESTS         1 (default offline) | 0: a connection without a token is a guest, or is refused (401)
 *   AUTH_ALLOWED_ORIGINS      comma-separated browser origins allowed to connect (default: none; non-browser clients send none)
 *   MANGAASSIST_ISSUER_FILE   where the local issuer's token endpoint is written for chat and `cli token` (default .mangaassist/local-issuer.json)
 *   LOG_MESSAGE_TEXT          1 adds customer message text to the `frame received` debug entries (offline debugging
 *                             only; default 0: message text and tokens are never logged)
 */
import { parseExperimentConfig } from '../lambdas/runtime/experiments-config';
import { EVALUATOR_EVERY_MS } from '../local/experiment-evaluator';
import { CATALOG_PROFILES, type CatalogProfile } from '../lambdas/core/catalog';
import { parseInstant } from '../lambdas/core/capacity/jst';
import { BudgetConfigError, parseBudgetConfig } from '../lambdas/runtime/budget-config';
import { CascadeConfigError, parseCascadeConfig } from '../lambdas/runtime/cascade-config';
import { CapacityConfigError, parseCapacityConfig } from '../lambdas/runtime/capacity-config';
import { LimitsConfigError, parseLimitsConfig } from '../lambdas/runtime/limits-config';
import { parseCapacityClock } from '../local/capacity-scheduler';
import { consoleLog, isLogLevel } from '../local/console-log';
import { DEMO_CUSTOMERS } from '../local/dynamo';
import { startDemoServer } from '../local/demo-server';
import { issuerStateFile, removeIssuerState, writeIssuerState } from '../local/issuer-state';
import { startLocalStack } from '../local/stack';

const fail = (message: string): never => {
  process.stderr.write(`mangaassist: ${message}\n`);
  process.exit(2);
};

const parsePort = (value: string | undefined, fallback = 3001, name = 'PORT'): number => {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : fail(`${name} must be an integer 0-65535, got "${value}"`);
};

const parsePositiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fail(`${name} must be a positive integer, got "${value}"`);
};

const parseMessenger = (value: string | undefined): 'in_process' | 'sdk' => {
  if (value === undefined || value === '' || value === 'in_process') return 'in_process';
  return value === 'sdk' ? 'sdk' : fail(`LOCAL_MESSENGER must be in_process or sdk, got "${value}"`);
};

const parseEmulators = (value: string | undefined): 'in_process' | 'child_processes' => {
  if (value === undefined || value === '' || value === 'child_processes') return 'child_processes';
  return value === 'in_process' ? 'in_process' : fail(`LOCAL_EMULATORS must be child_processes or in_process, got "${value}"`);
};

const parseJsonObject = (name: string, value: string | undefined): Record<string, unknown> | undefined => {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  return fail(`${name} must be a JSON object, got "${value}"`);
};

const parseQuotas = (value: string | undefined): Record<string, number> | undefined => {
  const quotas = parseJsonObject('LOCAL_BEDROCK_QUOTAS', value);
  if (quotas === undefined) return undefined;
  for (const [model, limit] of Object.entries(quotas)) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit <= 0) fail(`LOCAL_BEDROCK_QUOTAS.${model} must be a positive integer (tokens per minute)`);
  }
  return quotas as Record<string, number>;
};

const main = async (): Promise<void> => {
  const env = process.env;
  const level = env['LOG_LEVEL'] ?? 'info';
  if (!isLogLevel(level)) fail(`LOG_LEVEL must be debug, info, warn, error or silent, got "${level}"`);
  const profile = env['MODEL_CATALOG_PROFILE'] ?? 'current';
  if (!(CATALOG_PROFILES as readonly string[]).includes(profile)) fail(`MODEL_CATALOG_PROFILE must be one of ${CATALOG_PROFILES.join(', ')}`);
  const seed = Number(env['LOCAL_BEDROCK_SEED'] ?? 42);
  if (!Number.isFinite(seed)) fail('LOCAL_BEDROCK_SEED must be a number');
  const forwardUrl = env['LOCAL_BEDROCK_FORWARD_URL'];
  const faults = parseJsonObject('LOCAL_BEDROCK_FAULTS', env['LOCAL_BEDROCK_FAULTS']);
  const quotas = parseQuotas(env['LOCAL_BEDROCK_QUOTAS']);
  const guardrailSwitch = env['LOCAL_GUARDRAIL'] ?? 'on';
  if (guardrailSwitch !== 'on' && guardrailSwitch !== 'off') fail(`LOCAL_GUARDRAIL must be on or off, got "${guardrailSwitch}"`);
  const deniedWordsText = env['LOCAL_GUARDRAIL_WORDS'];
  const deniedWords = deniedWordsText === undefined ? undefined : deniedWordsText.split(',').map((word) => word.trim()).filter((word) => word.length > 0);
  if (deniedWords !== undefined && deniedWords.length === 0) fail('LOCAL_GUARDRAIL_WORDS must name at least one word (comma-separated)');
  const speed = parseCapacityClock(env['LOCAL_CAPACITY_CLOCK']) ?? fail('LOCAL_CAPACITY_CLOCK must be real, fast or a speed factor from 1 to 10000');
  const dailyText = env['DAILY_BUDGET_USD'] ?? '2500';
  const dailyBudgetUsd = Number(dailyText);
  if (!(dailyBudgetUsd > 0) || !Number.isFinite(dailyBudgetUsd)) fail(`DAILY_BUDGET_USD must be a positive amount, got "${dailyText}"`);
  let budgetConfig;
  try {
    budgetConfig = parseBudgetConfig(env['BUDGET_CONFIG'], dailyBudgetUsd);
  } catch (error) {
    fail(error instanceof BudgetConfigError ? `BUDGET_CONFIG: ${error.message}` : String(error));
  }
  let cascade;
  try {
    cascade = parseCascadeConfig(env['CASCADE_CONFIG']);
  } catch (error) {
    fail(error instanceof CascadeConfigError ? `CASCADE_CONFIG: ${error.message}` : String(error));
  }
  let limits;
  try {
    limits = parseLimitsConfig(env['LIMITS_CONFIG']);
  } catch (error) {
    fail(error instanceof LimitsConfigError ? `LIMITS_CONFIG: ${error.message}` : String(error));
  }
  const startText = env['LOCAL_CAPACITY_START'];
  const startAt = startText ? (parseInstant(startText) ?? fail(`LOCAL_CAPACITY_START must be a date or an ISO time with an offset, got "${startText}"`)) : undefined;
  let capacityConfig;
  try {
    capacityConfig = parseCapacityConfig(env['CAPACITY_CONFIG']);
  } catch (error) {
    fail(error instanceof CapacityConfigError ? `CAPACITY_CONFIG: ${error.message}` : String(error));
  }

  const messageTextSwitch = env['LOG_MESSAGE_TEXT'] ?? '0';
  if (messageTextSwitch !== '0' && messageTextSwitch !== '1') fail(`LOG_MESSAGE_TEXT must be 0 or 1, got "${messageTextSwitch}"`);
  const logMessageText = messageTextSwitch === '1';
  if (logMessageText) {
    process.stderr.write(
      `mangaassist: WARNING LOG_MESSAGE_TEXT=1: customer message text goes to the log${level === 'debug' ? '' : ' (in "frame received" entries: set LOG_LEVEL=debug to see them)'}. Offline debugging only; Lambda ignores it.\n`,
    );
  }

  const guestsSwitch = env['AUTH_ALLOW_GUESTS'] ?? '1';
  if (guestsSwitch !== '0' && guestsSwitch !== '1') fail(`AUTH_ALLOW_GUESTS must be 0 or 1, got "${guestsSwitch}"`);
  const allowedOrigins = (env['AUTH_ALLOWED_ORIGINS'] ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of allowedOrigins) if (!/^https?:\/\/[^/\s?#]+$/.test(origin)) fail(`AUTH_ALLOWED_ORIGINS: "${origin}" is not an origin such as http://localhost:5173 (no path)`);

  const log = consoleLog(isLogLevel(level) ? level : 'info');
  // The demo store page listens first: the gateway must know its origins to let its browser in.
  const demoPort = parsePort(env['DEMO_PORT'], 3000, 'DEMO_PORT');
  const demo = await startDemoServer({ port: demoPort }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    return fail(code === 'EADDRINUSE' ? `port ${demoPort} (the demo page) is in use; set DEMO_PORT to another one (or 0)` : `could not start the demo page: ${String(error)}`);
  });
  const stack = await startLocalStack({
    auth: { allowGuests: guestsSwitch === '1', allowedOrigins: [...allowedOrigins, ...demo.origins] },
    port: parsePort(env['PORT']),
    ...(env['REDIS_URL'] && { redisUrl: env['REDIS_URL'] }),
    catalogProfile: profile as CatalogProfile,
    log,
    logMessageText,
    ...(env['LOCAL_METRICS_FILE'] && { metricsFile: env['LOCAL_METRICS_FILE'] }),
    metricsWindow: parsePositiveInt('LOCAL_METRICS_WINDOW', env['LOCAL_METRICS_WINDOW']),
    cacheEntries: parsePositiveInt('LOCAL_CACHE_ENTRIES', env['LOCAL_CACHE_ENTRIES']),
    maxAnswersInFlight: parsePositiveInt('LOCAL_MAX_ANSWERS_IN_FLIGHT', env['LOCAL_MAX_ANSWERS_IN_FLIGHT']),
    messenger: parseMessenger(env['LOCAL_MESSENGER']),
    emulators: parseEmulators(env['LOCAL_EMULATORS']),
    // Without its model endpoint or its tables the gateway only fails: say which process died and stop.
    onEmulatorCrash: (error) => {
      process.stderr.write(`mangaassist: ${error.message}; stopping\n`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    },
    bedrock: {
      seed,
      latencyScale: 1,
      ...(forwardUrl && { forward: { baseUrl: forwardUrl, ...(env['LOCAL_BEDROCK_FORWARD_MODEL'] && { model: env['LOCAL_BEDROCK_FORWARD_MODEL'] }) } }),
      ...(faults && { faults }),
      ...(quotas && { quotas }),
      ...(deniedWords && { guardrail: { deniedWords } }),
    },
    ...(guardrailSwitch === 'off' && { guardrail: false }),
    ...(capacityConfig && { capacityConfig }),
    ...(budgetConfig && { budgetConfig }),
    dailyBudgetUsd,
    ...(cascade && { answer: { cascade } }),
    ...(limits && { limits }),
    capacityScheduler: { speed, ...(startAt !== undefined && { startAt }) },
    // The experiment evaluator as the 15-minute schedule runs it in AWS; LOCAL_EXPERIMENT_EVALUATOR_MS shortens it.
    experimentEvaluator: { intervalMs: Number(env['LOCAL_EXPERIMENT_EVALUATOR_MS'] ?? '') || EVALUATOR_EVERY_MS, config: parseExperimentConfig(env['EXPERIMENTS_CONFIG']) },
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    return fail(code === 'EADDRINUSE' ? `port ${env['PORT'] ?? 3001} is in use; set PORT to another one (or 0)` : `could not start: ${String(error)}`);
  });
  demo.attach({ endpoint: stack.url, customers: DEMO_CUSTOMERS, signToken: (customerId) => stack.issuer.sign({ customerId }) });

  // Chat and `cli token` read this to get tokens the running stack accepts (its key pair is new at every start).
  const issuerFile = issuerStateFile(env);
  writeIssuerState(issuerFile, {
    url: stack.url,
    issuer: stack.issuer.issuer,
    audience: stack.issuer.audience,
    tokenEndpoint: stack.issuer.tokenEndpoint,
    pid: process.pid,
    bedrockEndpoint: stack.bedrock.url,
    ...(forwardUrl && { bedrockForwardUrl: forwardUrl }),
    dynamoEndpoint: stack.dynamo.endpoint,
    routingTable: stack.tables.routing,
    routingVersionsTable: stack.tables.routingVersions,
  });
  process.stdout.write(
    [
      `MangaAssist gateway (offline) listening on ${stack.url}`,
      `  demo store with the chat widget: ${demo.url} (widget ${(demo.widgetBytes.gzip / 1024).toFixed(1)} KB gzipped; sign in as a demo customer or a guest)`,
      `  @connections management API (loopback only, signed with the stack's per-start key): ${stack.emulator.managementEndpoint}`,
      `  Bedrock Runtime (local): ${stack.bedrock.url}${forwardUrl ? ` -> forwarding to ${forwardUrl}` : ' (simulated models)'}`,
      `  DynamoDB (dynalite): ${stack.dynamo.endpoint}; cache and budget ledger: ${env['REDIS_URL'] ? 'Redis' : 'in-process store'}; daily budget $${dailyBudgetUsd}`,
      `  capacity scheduler: every 15 min of a ${speed === 1 ? 'real-time' : `${speed}x`} clock against the local control plane`,
      `  capacity CLI: export AWS_REGION=ap-northeast-1 DYNAMODB_ENDPOINT=${stack.dynamo.endpoint} BEDROCK_CONTROL_ENDPOINT=${stack.bedrock.url} CAPACITY_TABLE=${stack.tables.capacity} CALENDAR_TABLE=${stack.tables.calendar} CAPACITY_CONFIG='${env['CAPACITY_CONFIG'] ?? '{}'}'`,
      `  routing: npm run --silent cli -- routing show | history | set <intent> <tier> | rollback (this stack's RoutingVersions ${stack.tables.routingVersions}; handlers follow a new version within 30 s)`,
      ...(env['LOCAL_METRICS_FILE'] ? [`  metrics appended to ${env['LOCAL_METRICS_FILE']}: npm run --silent cli -- audit unmapped --metrics-file ${env['LOCAL_METRICS_FILE']}`] : []),
      `  $connect authorizer: tokens of the local issuer ${stack.issuer.issuer} (JWKS ${stack.issuer.jwksUri}, audience ${stack.issuer.audience}); guests ${guestsSwitch === '1' ? 'allowed' : 'refused'}; origins: ${[...allowedOrigins, ...demo.origins].join(', ')}`,
      `  token endpoint written to ${issuerFile}: npm run --silent cli -- token --customer demo-customer-1`,
      `  try: npm run chat (signs in as demo-customer-1; --customer ID, --guest)`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: shutting down\n`);
    removeIssuerState(issuerFile, process.pid);
    void Promise.all([stack.close(), demo.close()]).then(() => process.exit(process.exitCode ?? 0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

void main();
