/**
 * What the gateway adds on top of the model (`npm run bench:overhead`). A fixed-latency streaming OpenAI-compatible
 * server (bench/openai-stub-server.ts, its own process) stands in for the model; the offline stack forwards its
 * model calls to it (the LOCAL_BEDROCK_FORWARD_URL path), and the same server called directly is the baseline.
 * Gateway and direct rounds alternate within one run, so machine noise hits both. Per phase (clients x answer
 * shape): time to the first chunk and to the end, gateway minus direct (p50 / p95 / p99), throughput of each,
 * chunk frames per answer, and CPU ms per request of every process of the stack, split by process: this one (the
 * gateway handlers, the emulated API Gateway and the bench's own clients; the direct rounds' CPU is the clients'
 * own share), and the local Bedrock endpoint's and dynalite's own processes (`process.cpuUsage()` of each, read
 * over IPC before and after every round). `--emulators in_process` (or LOCAL_EMULATORS=in_process) runs them in this
 * process instead, as before they had their own (then the by-process column is empty and the profile splits them).
 * This process's CPU is split by a sampling profile taken during the gateway rounds (node:inspector, 1 ms interval;
 * bench/cpu-profile.ts): each sample goes to the nearest frame of lambdas/, an emulator (local/websocket-emulator.ts,
 * local/bedrock/, dynalite) or bench/ on its stack; AWS SDK frames with no such caller (work resumed after an
 * await) count for the gateway, the only SDK user in the process; node internals, ws and GC with no such caller are
 * shown as shared. `--no-profile` skips it; `--profile-report` prints the top functions per area too.
 *
 * Every message is unique and asks for a recommendation, so it reaches a model tier: the bench checks each `done`
 * (tier not template, cacheHit false) and reports any that did not. Limits are off and the budget is large, so
 * the gateway never refuses the bench's own traffic; the LLM classifier is off (the stub is no classifier).
 *
 * Options: --requests N per client per mode and phase (default 24), --clients 1,16, --ttft 50, --deltas 20, --gap 5,
 * --delta-chars 8 (the short answer, 160 chars), --long-deltas 80 --long-delta-chars 20 (the long one; 0 skips it),
 * --soak N: afterwards N more answers through the gateway at 16 clients (the stub with no delays), printing RSS
 * before and after (run with NODE_OPTIONS=--expose-gc to collect garbage before each reading); --requests 0 runs
 * the soak alone.
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import http from 'node:http';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import type { ServerFrame } from '../lambdas/core/protocol';
import { consoleLog } from '../local/console-log';
import { startLocalStack, type ChildProcessLocalStack, type LocalStack } from '../local/stack';
import { AREAS, report, summarise, type Area, type ProfileSummary } from './cpu-profile';
import { DEFAULT_STUB_SHAPE, type StubShape } from './openai-stub-server';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index < 0 ? undefined : args[index + 1];
};
const numberOption = (name: string, fallback: number): number => {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got "${raw}"`);
  return value;
};

const REQUESTS = numberOption('requests', 24);
const CLIENTS = (option('clients') ?? '1,16').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const SOAK = numberOption('soak', 0);
const PROFILE = !args.includes('--no-profile');
const PROFILE_REPORT = args.includes('--profile-report');
const EMULATORS = option('emulators') ?? process.env['LOCAL_EMULATORS'] ?? 'child_processes';
if (EMULATORS !== 'child_processes' && EMULATORS !== 'in_process') throw new Error(`--emulators must be child_processes or in_process, got "${EMULATORS}"`);
const SHORT: StubShape = {
  ttftMs: numberOption('ttft', DEFAULT_STUB_SHAPE.ttftMs),
  deltas: numberOption('deltas', DEFAULT_STUB_SHAPE.deltas),
  gapMs: numberOption('gap', DEFAULT_STUB_SHAPE.gapMs),
  deltaChars: numberOption('delta-chars', DEFAULT_STUB_SHAPE.deltaChars),
};
const LONG: StubShape = { ...SHORT, deltas: numberOption('long-deltas', 80), deltaChars: numberOption('long-delta-chars', 20) };

interface Timing {
  readonly firstMs: number;
  readonly endMs: number;
  readonly chunks: number;
}
type Outcome = Timing | { readonly failure: string };

let sequence = 0;
/** Unique, and a recommendation: no template answers it and no cache entry matches it. */
const uniqueMessage = (): string => `Recommend manga like Berserk but less dark and more hopeful, something for reader ${(sequence += 1)}`;

const viaGateway = (socket: WebSocket): Promise<Outcome> =>
  new Promise((resolve) => {
    const requestId = `overhead-${sequence}`;
    const sentAt = performance.now();
    let firstMs = -1;
    let chunks = 0;
    const onMessage = (data: RawData) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.requestId !== requestId) return;
      const elapsed = performance.now() - sentAt;
      if (frame.type === 'chunk') {
        chunks += 1;
        if (firstMs < 0) firstMs = elapsed;
        return;
      }
      if (frame.type !== 'done' && frame.type !== 'error') return;
      socket.off('message', onMessage);
      if (frame.type === 'error') resolve({ failure: `error ${frame.code}` });
      else if (frame.tier === 'template' || frame.cacheHit) resolve({ failure: `not a model answer (tier ${frame.tier}, cacheHit ${String(frame.cacheHit)})` });
      else resolve({ firstMs, endMs: elapsed, chunks });
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ action: 'invoke', message: uniqueMessage(), requestId }));
  });

const direct = (baseUrl: string): Promise<Outcome> =>
  new Promise((resolve) => {
    const body = JSON.stringify({ model: 'stub', messages: [{ role: 'user', content: uniqueMessage() }], stream: true });
    const sentAt = performance.now();
    let firstMs = -1;
    let chunks = 0;
    // A fresh connection per call, as the local endpoint's forwarding makes.
    const request = http.request(`${baseUrl}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        if (!text.includes('"content"')) return;
        chunks += 1;
        if (firstMs < 0) firstMs = performance.now() - sentAt;
      });
      response.on('end', () => resolve({ firstMs, endMs: performance.now() - sentAt, chunks }));
    });
    request.once('error', (error) => resolve({ failure: `direct: ${error.message}` }));
    request.end(body);
  });

const connect = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

interface ModeResult {
  readonly timings: Timing[];
  readonly failures: string[];
  wallMs: number;
  /** CPU of this process (gateway handlers, API Gateway emulator, bench clients; all emulators when in process). */
  cpuMs: number;
  /** CPU of the emulators' own processes (child_processes). */
  bedrockCpuMs: number;
  dynamoCpuMs: number;
  /** Sampled ms per area (owner attribution) over the rounds profiled. */
  readonly profiled?: Map<Area, number>;
  /** Self time per function over the rounds profiled (for --profile-report). */
  readonly functions?: Map<string, { area: Area; ms: number }>;
}

/** The in-process sampling profiler, started around each gateway round only (never the direct ones). */
const profiler = new Session();
let profilerConnected = false;
const startProfile = async (): Promise<void> => {
  if (!profilerConnected) profiler.connect();
  profilerConnected = true;
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 1000 });
  await profiler.post('Profiler.start');
};
const stopProfile = async (into: ModeResult): Promise<void> => {
  const { profile } = await profiler.post('Profiler.stop');
  const summary: ProfileSummary = summarise(profile as Parameters<typeof summarise>[0]);
  for (const [area, ms] of summary.ownerMs) into.profiled?.set(area, (into.profiled.get(area) ?? 0) + ms);
  for (const [name, entry] of summary.functions) {
    const kept = into.functions?.get(name) ?? { area: entry.area, ms: 0 };
    kept.ms += entry.ms;
    into.functions?.set(name, kept);
  }
};

/** The split of the CPU: gateway, emulators, the bench's clients, and what the profile cannot place. */
const SPLIT: readonly { readonly label: string; readonly areas: readonly Area[] }[] = [
  { label: 'gateway', areas: ['gateway (lambdas/)', 'AWS SDK (@aws-sdk, @smithy)', 'other local/ (stack wiring, console log)'] },
  { label: 'emulators', areas: ['emulator: API Gateway WebSocket (local/websocket-emulator.ts)', 'emulator: Bedrock endpoint (local/bedrock/)', 'emulator: dynalite'] },
  { label: 'bench clients', areas: ['bench clients (bench/)'] },
  { label: 'shared', areas: ['node internals', 'ws library', 'other node_modules', 'garbage collector', 'program (V8/native, no JS frame)'] },
];

/** CPU ms per request by SPLIT, the measured CPU shared out by the profile's samples. */
const cpuSplit = (result: ModeResult): string => {
  const profiled = result.profiled;
  if (profiled === undefined || profiled.size === 0) return 'n/a';
  const total = [...profiled.values()].reduce((sum, ms) => sum + ms, 0);
  const perRequest = result.cpuMs / Math.max(1, result.timings.length);
  return SPLIT.map(({ areas }) => (perRequest * areas.reduce((sum, area) => sum + (profiled.get(area) ?? 0), 0)) / total)
    .map((ms) => ms.toFixed(1))
    .join(' / ');
};

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** The emulator processes' CPU so far (ms); zeros when they run in this process. */
let emulatorCpu = async (): Promise<{ bedrock: number; dynamo: number }> => ({ bedrock: 0, dynamo: 0 });

const newResult = (): ModeResult => ({ timings: [], failures: [], wallMs: 0, cpuMs: 0, bedrockCpuMs: 0, dynamoCpuMs: 0 });

/** One round: every client makes `perClient` calls one after the other, all clients at once. */
const round = async (clients: number, perClient: number, call: (client: number) => Promise<Outcome>, into: ModeResult): Promise<void> => {
  if (into.profiled) await startProfile();
  const children = await emulatorCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i += 1) {
        const outcome = await call(client);
        if ('failure' in outcome) into.failures.push(outcome.failure);
        else into.timings.push(outcome);
      }
    }),
  );
  into.wallMs += performance.now() - started;
  into.cpuMs += cpuMsSince(cpu);
  const childrenAfter = await emulatorCpu();
  into.bedrockCpuMs += childrenAfter.bedrock - children.bedrock;
  into.dynamoCpuMs += childrenAfter.dynamo - children.dynamo;
  if (into.profiled) await stopProfile(into);
};

const setShape = (stub: ReturnType<typeof fork>, shape: StubShape): Promise<void> =>
  new Promise((resolve) => {
    stub.once('message', () => resolve());
    stub.send(shape);
  });

const fmt = (value: number): string => (value >= 0 ? `+${value.toFixed(0)}` : value.toFixed(0));

const runPhase = async (stack: LocalStack | ChildProcessLocalStack, stubUrl: string, clients: number): Promise<{ gateway: ModeResult; direct: ModeResult }> => {
  const sockets = await Promise.all(Array.from({ length: clients }, () => connect(stack.url)));
  const gateway: ModeResult = { ...newResult(), ...(PROFILE && { profiled: new Map(), functions: new Map() }) };
  const baseline = newResult();
  // Warm-up (connections, JIT, the routing and capacity caches), not counted.
  await round(clients, 2, (client) => viaGateway(sockets[client] as WebSocket), newResult());
  const perRound = 4;
  for (let done = 0; done < REQUESTS; done += perRound) {
    const n = Math.min(perRound, REQUESTS - done);
    await round(clients, n, () => direct(stubUrl), baseline);
    await round(clients, n, (client) => viaGateway(sockets[client] as WebSocket), gateway);
  }
  for (const socket of sockets) socket.close();
  return { gateway, direct: baseline };
};

const selfByArea = (functions: ReadonlyMap<string, { readonly area: Area; readonly ms: number }>): Map<Area, number> => {
  const self = new Map<Area, number>(AREAS.map((area) => [area, 0]));
  for (const { area, ms } of functions.values()) self.set(area, (self.get(area) ?? 0) + ms);
  return self;
};

const rss = (): string => `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`;

const main = async (): Promise<void> => {
  const stub = fork(path.join(__dirname, 'openai-stub-server.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    stub.once('message', (message) => resolve((message as { port: number }).port));
    stub.once('error', reject);
  });
  const stubUrl = `http://127.0.0.1:${port}`;
  const stackOptions = {
    port: 0,
    log: consoleLog('error'),
    bedrock: { forward: { baseUrl: stubUrl, model: 'stub' } },
    llmClassifier: false,
    dailyBudgetUsd: 1_000_000_000,
  } as const;
  let stack: LocalStack | ChildProcessLocalStack;
  if (EMULATORS === 'child_processes') {
    const children = await startLocalStack({ ...stackOptions, emulators: 'child_processes' });
    emulatorCpu = async () => {
      const [bedrock, dynamo] = await Promise.all([children.bedrock.cpuUsage(), children.dynamo.cpuUsage()]);
      return { bedrock: cpuMs(bedrock), dynamo: cpuMs(dynamo) };
    };
    stack = children;
  } else {
    stack = await startLocalStack({ ...stackOptions, emulators: 'in_process' });
  }
  const rows: string[][] = [];
  const profileReports: string[] = [];
  const failures: string[] = [];
  try {
    const shapes = LONG.deltas > 0 ? [['short', SHORT] as const, ['long', LONG] as const] : [['short', SHORT] as const];
    for (const [label, shape] of REQUESTS > 0 ? shapes : []) {
      await setShape(stub, shape);
      for (const clients of CLIENTS) {
        const { gateway, direct: baseline } = await runPhase(stack, stubUrl, clients);
        failures.push(...gateway.failures, ...baseline.failures);
        const added = (pick: (t: Timing) => number) =>
          [50, 95, 99].map((p) => fmt(percentile(gateway.timings.map(pick), p) - percentile(baseline.timings.map(pick), p))).join(' / ');
        const perRequest = (result: ModeResult, ms = result.cpuMs + result.bedrockCpuMs + result.dynamoCpuMs) => ms / Math.max(1, result.timings.length);
        rows.push([
          `${label} (${shape.deltas * shape.deltaChars} chars)`,
          String(clients),
          String(gateway.timings.length),
          added((t) => t.firstMs),
          added((t) => t.endMs),
          `${((gateway.timings.length / gateway.wallMs) * 1000).toFixed(0)} / ${((baseline.timings.length / baseline.wallMs) * 1000).toFixed(0)}`,
          (gateway.timings.reduce((sum, t) => sum + t.chunks, 0) / Math.max(1, gateway.timings.length)).toFixed(1),
          `${perRequest(gateway).toFixed(1)} / ${perRequest(baseline).toFixed(1)}`,
          EMULATORS === 'child_processes'
            ? [gateway.cpuMs, gateway.bedrockCpuMs, gateway.dynamoCpuMs].map((ms) => perRequest(gateway, ms).toFixed(1)).join(' / ')
            : 'one process',
          cpuSplit(gateway),
        ]);
        if (PROFILE_REPORT && gateway.profiled && gateway.functions) {
          const summary: ProfileSummary = { busyMs: [...gateway.profiled.values()].reduce((a, b) => a + b, 0), selfMs: selfByArea(gateway.functions), ownerMs: gateway.profiled, functions: gateway.functions };
          profileReports.push(`### ${label}, ${clients} clients (sampled ms per gateway request)\n\n${report(summary, gateway.timings.length, 8)}\n`);
        }
      }
    }
    if (SOAK > 0) {
      await setShape(stub, { ...SHORT, ttftMs: 0, gapMs: 0 });
      global.gc?.();
      const before = rss();
      const sockets = await Promise.all(Array.from({ length: 16 }, () => connect(stack.url)));
      const soak = newResult();
      await round(16, Math.ceil(SOAK / 16), (client) => viaGateway(sockets[client] as WebSocket), soak);
      for (const socket of sockets) socket.close();
      global.gc?.();
      process.stdout.write(
        `soak: ${soak.timings.length} answers (${soak.failures.length} failed) in ${(soak.wallMs / 1000).toFixed(1)} s; RSS ${before} before, ${rss()} after; metric datapoints kept ${stack.metrics.records.length}\n`,
      );
      failures.push(...soak.failures);
    }
  } finally {
    await stack.close();
    stub.disconnect();
  }
  const header = [
    'answer',
    'clients',
    'n',
    'added first chunk p50/p95/p99 ms',
    'added end p50/p95/p99 ms',
    'req/s gateway / direct',
    'chunk frames/answer',
    'CPU ms/req gateway rounds / direct rounds',
    'by process: stack / Bedrock / dynalite',
    `stack process by profile: ${SPLIT.map(({ label }) => label).join(' / ')}`,
  ];
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  process.stdout.write(
    `overhead benchmark: stub answers after ${SHORT.ttftMs} ms, deltas ${SHORT.gapMs} ms apart; gateway and direct rounds interleaved; emulators ${EMULATORS === 'child_processes' ? 'in child processes' : 'in this process'}\n`,
  );
  for (const row of table) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`);
  const distinct = [...new Set(failures)];
  process.stdout.write(
    failures.length === 0
      ? 'every gateway answer came from a model tier (tier not template, cacheHit false); no failures\n'
      : `${failures.length} answers failed or did not reach a model tier: ${distinct.join(', ')}\n`,
  );
  process.stdout.write(
    PROFILE
      ? `CPU is every process of the stack (this one${EMULATORS === 'child_processes' ? ', the local Bedrock endpoint\'s and dynalite\'s' : ''}); this process's share is split by a 1 ms sampling profile of the gateway rounds (bench/cpu-profile.ts): gateway = lambdas/ + the AWS SDK + stack wiring, emulators = ${SPLIT[1]?.areas.join(', ')} (those running here), shared = node internals, ws, GC with no caller of ours on the stack\n`
      : 'CPU is every process of the stack; --no-profile: this process is not split\n',
  );
  if (profileReports.length > 0) process.stdout.write(`\n${profileReports.join('\n')}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:overhead failed: ${String(error)}\n`);
  process.exit(1);
});
