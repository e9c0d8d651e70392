/**
 * Cold-start benchmark of the Lambda bundles (`npm run bench:coldstart`; BENCH_RUNS=n, default 7).
 *
 * For each handler of HANDLER_ENTRIES and SCHEDULED_ENTRIES: bundle it with the very esbuild settings the stack deploys
 * (lib/bundling.ts), report the minified size and which AWS SDK clients it contains, then start a fresh
 * `node` process N times that requires the bundle with the environment a deployed function has, and time
 * the module init (the require) inside that process. Each run is done with and without
 * NODE_OPTIONS=--enable-source-maps, which the functions set, to show what it costs at init.
 *
 * It prints figures and asserts nothing. Local figures are relative: Lambda runs Node 22 on Graviton with a
 * CPU share proportional to memory (256 MB is a fraction of a vCPU), so absolute times there differ.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { HANDLER_ENTRIES, SCHEDULED_ENTRIES, type HandlerName, type ScheduledName } from '../lambdas/runtime/env-names';
import { ESBUILD_OPTIONS, REPO_ROOT, entryPath } from '../lib/bundling';
import { DEFAULT_CAPACITY_CONFIG } from '../lambdas/core/capacity/config';
import { HANDLER_SPECS, RUNTIME_ENVIRONMENT, SCHEDULED_SPECS, handlerEnvironment, scheduledEnvironment } from '../lib/handler-specs';
import { parseParameters, resolveModelCatalog } from '../lib/parameters';

const OUT_DIR = path.join(REPO_ROOT, '.bench', 'coldstart');

const runs = (() => {
  const raw = process.env.BENCH_RUNS ?? '7';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_RUNS must be a positive integer, got "${raw}"`);
  return value;
})();

/** Runs inside the child: nothing but the require is timed. */
const CHILD_SCRIPT = `
const start = process.hrtime.bigint();
require(process.env.BENCH_BUNDLE);
const initMs = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ initMs }));
process.exit(0);
`;

type FunctionName = HandlerName | ScheduledName;
const ENTRIES: Readonly<Record<FunctionName, string>> = { ...HANDLER_ENTRIES, ...SCHEDULED_ENTRIES };
const isScheduled = (name: FunctionName): name is ScheduledName => name in SCHEDULED_ENTRIES;

interface Bundle {
  readonly name: FunctionName;
  readonly file: string;
  readonly sizeKb: number;
  readonly mapKb: number;
  readonly sdkClients: string[];
  readonly largestPackages: string[];
}

const packageOf = (input: string): string | undefined => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
};

const bundle = async (name: FunctionName): Promise<Bundle> => {
  const file = path.join(OUT_DIR, name, 'index.js');
  const result = await build({
    ...ESBUILD_OPTIONS,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    external: [...ESBUILD_OPTIONS.external],
    entryPoints: [entryPath(ENTRIES[name])],
    outfile: file,
    bundle: true,
    metafile: true,
    logLevel: 'error',
  });
  const metafile: Metafile = result.metafile;
  const inputs = Object.keys(metafile.inputs);
  const sdkClients = [...new Set(inputs.map(packageOf).filter((pkg): pkg is string => pkg?.startsWith('@aws-sdk/client-') ?? false))].sort();

  const bytesByPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input) ?? '(own code)';
      bytesByPackage.set(pkg, (bytesByPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  const largestPackages = [...bytesByPackage.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 4)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)}`);

  return {
    name,
    file,
    sizeKb: statSync(file).size / 1024,
    mapKb: statSync(`${file}.map`).size / 1024,
    sdkClients,
    largestPackages,
  };
};

/** The environment of the deployed function: fake table names, the default catalog, a cache nobody listens on. */
const deployedEnvironment = (name: FunctionName, sourceMaps: boolean): NodeJS.ProcessEnv => {
  const params = parseParameters(undefined);
  const { NODE_OPTIONS, ...runtime } = RUNTIME_ENVIRONMENT;
  const values = {
    tableNames: { sessions: 'bench-sessions', routingConfig: 'bench-routing-config', routingVersions: 'bench-routing-versions', orders: 'bench-orders', calendar: 'bench-calendar', capacityState: 'bench-capacity', faq: 'bench-faq', experiments: 'bench-experiments' },
    modelCatalogJson: JSON.stringify(resolveModelCatalog(params)),
    // Port 1 on loopback: init must not connect (ioredis is lazy); a connect attempt would show as an error.
    redisUrl: 'rediss://127.0.0.1:1',
    dailyBudgetUsd: params.dailyBudgetUsd,
    capacityConfigJson: JSON.stringify(DEFAULT_CAPACITY_CONFIG),
  };
  return {
    PATH: process.env.PATH,
    AWS_REGION: params.region,
    AWS_DEFAULT_REGION: params.region,
    AWS_LAMBDA_FUNCTION_NAME: `mangaassist-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(isScheduled(name) ? SCHEDULED_SPECS[name].memoryMb : HANDLER_SPECS[name].memoryMb),
    // Nothing at init may reach for credentials or the network; make sure IMDS is not even tried.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...runtime,
    ...(sourceMaps && NODE_OPTIONS !== undefined && { NODE_OPTIONS }),
    ...(isScheduled(name) ? scheduledEnvironment(name, values) : handlerEnvironment(name, values)),
  };
};

const measureInit = (target: Bundle, sourceMaps: boolean): number => {
  const child = spawnSync(process.execPath, ['-e', CHILD_SCRIPT], {
    env: { ...deployedEnvironment(target.name, sourceMaps), BENCH_BUNDLE: target.file },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (child.status !== 0) {
    throw new Error(`init of ${target.name} failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
  }
  return (JSON.parse(child.stdout) as { initMs: number }).initMs;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A plain-text table; columns listed in `numeric` are right-aligned. */
const table = (header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (numeric.includes(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
};

const main = async (): Promise<void> => {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const names = Object.keys(ENTRIES) as FunctionName[];

  console.log(`cold start: ${runs} fresh node processes per handler and mode; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(`esbuild: ${JSON.stringify(ESBUILD_OPTIONS)}\n`);

  const bundles: Bundle[] = [];
  for (const name of names) bundles.push(await bundle(name));

  const rows: string[][] = [];
  for (const target of bundles) {
    const withMaps: number[] = [];
    const withoutMaps: number[] = [];
    // Interleaved, so drift in machine load hits both modes alike.
    for (let run = 0; run < runs; run += 1) {
      withMaps.push(measureInit(target, true));
      withoutMaps.push(measureInit(target, false));
    }
    rows.push([
      target.name,
      target.sizeKb.toFixed(1),
      target.mapKb.toFixed(1),
      median(withMaps).toFixed(1),
      `${Math.min(...withMaps).toFixed(1)}-${Math.max(...withMaps).toFixed(1)}`,
      median(withoutMaps).toFixed(1),
      `${Math.min(...withoutMaps).toFixed(1)}-${Math.max(...withoutMaps).toFixed(1)}`,
    ]);
  }

  console.log(
    table(
      ['handler', 'bundle KB', 'map KB', 'init ms (median)', 'min-max', 'no source maps: median', 'min-max'],
      rows,
      [1, 2, 3, 4, 5, 6],
    ),
  );
  console.log('\n"init ms" is the require of the bundle with the deployed environment, NODE_OPTIONS=--enable-source-maps included.\n');
  console.log(
    table(
      ['handler', '@aws-sdk clients bundled', 'largest packages (KB in bundle)'],
      bundles.map((target) => [target.name, target.sdkClients.join(', ') || '(none)', target.largestPackages.join(', ')]),
    ),
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
