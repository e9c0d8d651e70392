#!/usr/bin/env -S npx tsx
/**
 * `npm start`: the whole gateway offline on embedded defaults. Environment:
 *   PORT                      WebSocket port (default 3001; 0 picks a free one)
 *   REDIS_URL                 use a real Redis for cache and spend counters (default: in-process store)
 *   MODEL_CATALOG_PROFILE     current | seed (default current)
 *   LOCAL_BEDROCK_FORWARD_URL forward model calls to an OpenAI-compatible server (Ollama, vLLM, llama.cpp)
 *   LOCAL_BEDROCK_FORWARD_MODEL  the model name to ask that server for
 *   LOCAL_BEDROCK_FAULTS      JSON fault config, e.g. {"throttleRate":0.1,"midStreamErrorRate":0.05}
 *   LOCAL_BEDROCK_SEED        seed of the simulated models (default 42)
 *   LOG_LEVEL                 debug | info | warn | error | silent (default info)
 */
import { CATALOG_PROFILES, type CatalogProfile } from '../lambdas/core/catalog';
import { consoleLog, isLogLevel } from '../local/console-log';
import { startLocalStack } from '../local/stack';

const fail = (message: string): never => {
  process.stderr.write(`mangaassist: ${message}\n`);
  process.exit(2);
};

const parsePort = (value: string | undefined): number => {
  if (value === undefined || value === '') return 3001;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : fail(`PORT must be an integer 0-65535, got "${value}"`);
};

const parseFaults = (value: string | undefined): Record<string, unknown> | undefined => {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  return fail(`LOCAL_BEDROCK_FAULTS must be a JSON object, got "${value}"`);
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
  const faults = parseFaults(env['LOCAL_BEDROCK_FAULTS']);

  const log = consoleLog(isLogLevel(level) ? level : 'info');
  const stack = await startLocalStack({
    port: parsePort(env['PORT']),
    ...(env['REDIS_URL'] && { redisUrl: env['REDIS_URL'] }),
    catalogProfile: profile as CatalogProfile,
    log,
    bedrock: {
      seed,
      latencyScale: 1,
      ...(forwardUrl && { forward: { baseUrl: forwardUrl, ...(env['LOCAL_BEDROCK_FORWARD_MODEL'] && { model: env['LOCAL_BEDROCK_FORWARD_MODEL'] }) } }),
      ...(faults && { faults }),
    },
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    return fail(code === 'EADDRINUSE' ? `port ${env['PORT'] ?? 3001} is in use; set PORT to another one (or 0)` : `could not start: ${String(error)}`);
  });

  process.stdout.write(
    [
      `MangaAssist gateway (offline) listening on ${stack.url}`,
      `  Bedrock Runtime (local): ${stack.bedrock.url}${forwardUrl ? ` -> forwarding to ${forwardUrl}` : ' (simulated models)'}`,
      `  DynamoDB (dynalite): ${stack.dynamo.endpoint}; cache and spend: ${env['REDIS_URL'] ? 'Redis' : 'in-process store'}`,
      `  try: npm run chat -- ${stack.url}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: shutting down\n`);
    void stack.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

void main();
