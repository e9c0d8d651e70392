/**
 * `npm run bench:auth`: what the `$connect` authorizer adds (BENCH_RUNS=n cold runs, default 7; BENCH_WARM=n warm
 * verifications and handshakes, default 300). Prints figures, asserts nothing.
 *
 * 1. bundle: lambdas/entry/authorize.ts bundled with the deployed esbuild settings (lib/bundling.ts): size, largest
 *    packages, and the module init (a fresh `node` requiring the bundle with a deployed AUTH_CONFIG);
 * 2. the authorizer handler in process against the local issuer (RS256, JWKS over loopback HTTP):
 *    cold = a new verifier per call (JWKS fetch, key import, verify: a cold container's first connection),
 *    warm = the same verifier (JWKS cached: every later connection);
 * 3. `$connect` end to end through the offline stack with real WebSockets: the handshake with a token (authorizer
 *    verifies) against the handshake of a guest (authorizer admits without verifying) on the same stack.
 *
 * Local figures are relative: a 256 MB Lambda has a fraction of a vCPU, and API Gateway's own hop is not emulated.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { WebSocket } from 'ws';
import { JwtTokenVerifier } from '../lambdas/adapters/jwt-token-verifier';
import type { ConnectAuthPolicy } from '../lambdas/core/auth';
import { makeAuthorizerHandler } from '../lambdas/handlers/authorize';
import { AUTHORIZER_ENTRIES, ENV } from '../lambdas/runtime/env-names';
import { RUNTIME_ENVIRONMENT } from '../lib/handler-specs';
import { ESBUILD_OPTIONS, REPO_ROOT, entryPath } from '../lib/bundling';
import { RecordingMetrics, consoleLog } from '../local/console-log';
import { startLocalIssuer } from '../local/issuer';
import { startLocalStack } from '../local/stack';

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};
const COLD_RUNS = positiveInt('BENCH_RUNS', 7);
const WARM_RUNS = positiveInt('BENCH_WARM', 300);
const OUT_DIR = path.join(REPO_ROOT, '.bench', 'auth');

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};
const ms = (value: number): string => value.toFixed(2);
const summary = (values: readonly number[]): string => `p50 ${ms(percentile(values, 50))} ms, p99 ${ms(percentile(values, 99))} ms, max ${ms(Math.max(...values))} ms (n=${values.length})`;
const elapsed = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

const bundleFigures = async (): Promise<void> => {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'index.js');
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external],
    entryPoints: [entryPath(AUTHORIZER_ENTRIES.authorize)],
    outfile: file,
    bundle: true,
    metafile: true,
    logLevel: 'error',
  });
  const bytesByPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? '(own code)';
      bytesByPackage.set(pkg, (bytesByPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  const largest = [...bytesByPackage.entries()].sort(([, a], [, b]) => b - a).slice(0, 5).map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)} KB`);
  console.log(`bundle: ${(statSync(file).size / 1024).toFixed(0)} KB minified (+ ${(statSync(`${file}.map`).size / 1024).toFixed(0)} KB source map); largest: ${largest.join(', ')}`);

  const authConfig = JSON.stringify({ issuer: 'https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_Example', audience: 'client-abc', tokenUse: 'access' });
  const child = `const s = process.hrtime.bigint(); require(process.env.BENCH_BUNDLE); process.stdout.write(String(Number(process.hrtime.bigint() - s) / 1e6));`;
  const inits: number[] = [];
  for (let run = 0; run < COLD_RUNS; run += 1) {
    const out = spawnSync(process.execPath, ['-e', child], {
      env: { PATH: process.env['PATH'], AWS_REGION: 'ap-northeast-1', ...RUNTIME_ENVIRONMENT, [ENV.authConfig]: authConfig, BENCH_BUNDLE: file },
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (out.status !== 0) throw new Error(`authorizer bundle init failed: ${out.stderr}`);
    inits.push(Number(out.stdout));
  }
  console.log(`module init (require of the bundle, source maps on, fresh process): ${summary(inits)}`);
};

const handlerFigures = async (): Promise<void> => {
  const issuer = await startLocalIssuer();
  try {
    const policy: ConnectAuthPolicy = { issuer: issuer.issuer, audiences: [issuer.audience], tokenUse: 'access', customerIdClaim: 'sub', allowedOrigins: [], allowGuests: false };
    const deps = (verifier: JwtTokenVerifier) => ({ verifier, policy, clock: { now: () => Date.now() }, log: consoleLog('silent'), metrics: new RecordingMetrics() });
    const event = (token: string) => ({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:ap-northeast-1:1:a/prod/$connect', headers: {}, queryStringParameters: { token }, requestContext: { connectionId: 'c' } });
    const token = issuer.sign({ customerId: 'demo-customer-1' });

    const cold: number[] = [];
    for (let run = 0; run < COLD_RUNS; run += 1) {
      const handler = makeAuthorizerHandler(deps(new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true })));
      const start = process.hrtime.bigint();
      await handler(event(token));
      cold.push(elapsed(start));
    }
    const handler = makeAuthorizerHandler(deps(new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true })));
    await handler(event(token));
    const warm: number[] = [];
    for (let run = 0; run < WARM_RUNS; run += 1) {
      // A fresh token each time, as every connection brings its own (no verification result is cached).
      const fresh = issuer.sign({ customerId: `c-${run}` });
      const start = process.hrtime.bigint();
      await handler(event(fresh));
      warm.push(elapsed(start));
    }
    console.log(`authorizer handler, cold (new verifier: JWKS fetch + key import + RS256 verify): ${summary(cold)}`);
    console.log(`authorizer handler, warm (JWKS cached: RS256 verify + policy):                 ${summary(warm)}`);
  } finally {
    await issuer.close();
  }
};

const handshake = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const socket = new WebSocket(url);
    socket.once('open', () => {
      const took = elapsed(start);
      socket.once('close', () => resolve(took));
      socket.close();
    });
    socket.once('error', reject);
  });

const endToEndFigures = async (): Promise<void> => {
  const stack = await startLocalStack({ port: 0, log: consoleLog('silent'), llmClassifier: false });
  try {
    const tokens = Array.from({ length: WARM_RUNS }, (_, run) => stack.issuer.sign({ customerId: `bench-${run}` }));
    // Warm both paths first (JWKS fetched, modules loaded, dynalite tables touched).
    await handshake(`${stack.url}/?token=${tokens[0]}`);
    await handshake(stack.url);
    const signed: number[] = [];
    const guests: number[] = [];
    for (let run = 0; run < WARM_RUNS; run += 1) {
      // Interleaved, so drift (GC, other processes on the machine) hits both alike.
      signed.push(await handshake(`${stack.url}/?token=${tokens[run]}`));
      guests.push(await handshake(stack.url));
    }
    console.log(`$connect handshake through the offline stack, with a token (verified): ${summary(signed)}`);
    console.log(`$connect handshake through the offline stack, guest (not verified):    ${summary(guests)}`);
    console.log(`added by verifying the token: p50 ${ms(percentile(signed, 50) - percentile(guests, 50))} ms, p99 ${ms(percentile(signed, 99) - percentile(guests, 99))} ms`);
  } finally {
    await stack.close();
  }
};

const main = async (): Promise<void> => {
  console.log(`bench:auth: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}; cold runs ${COLD_RUNS}, warm runs ${WARM_RUNS}\n`);
  await bundleFigures();
  await handlerFigures();
  await endToEndFigures();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
