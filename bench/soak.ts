/**
 * `npm run bench:soak`: SOAK_ANSWERS answers (default 20,000) through the process `npm start` runs (bin/local.ts,
 * its own process, started here with the same code and defaults), reporting its RSS as it goes: the sum over that
 * process and its children (the local Bedrock endpoint's and dynalite's processes, LOCAL_EMULATORS). Model
 * calls are forwarded (LOCAL_BEDROCK_FORWARD_URL) to the bench's streaming stub with no delays (20 deltas of 8
 * characters), so the soak measures what the gateway keeps, not model time. SOAK_CLIENTS clients (default 16) send
 * unique messages one after another and reconnect every SOAK_RECONNECT answers (default 50), so per-connection
 * state (sessions, guest limits, emulator records) turns over as with real visitors. The guest limits are raised and
 * the budget is large, so the gateway never refuses the soak's own traffic.
 *
 * Prints RSS every SOAK_SAMPLE answers (default 1,000) and at the end the RSS after warm-up, the peak and the last,
 * and fails (exit 1) when the peak passes SOAK_RSS_LIMIT_MB (default 768, the bound the README states for the three
 * processes together; each counts its own Node runtime, ~100 MB at start).
 */
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import type { ServerFrame } from '../lambdas/core/protocol';

const intEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const ANSWERS = intEnv('SOAK_ANSWERS', 20_000);
const CLIENTS = intEnv('SOAK_CLIENTS', 16);
const RECONNECT = intEnv('SOAK_RECONNECT', 50);
const SAMPLE = intEnv('SOAK_SAMPLE', 1000);
const WARMUP = Math.min(1000, Math.floor(ANSWERS / 10));
const RSS_LIMIT_MB = intEnv('SOAK_RSS_LIMIT_MB', 768);

const ownRssMb = (pid: number | string): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
};

/** The emulator processes `pid` forked (not tsx's esbuild service). */
const childPids = (pid: number): string[] =>
  fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const parent = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1];
      return parent === String(pid) && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('local/processes/');
    } catch {
      return false;
    }
  });

/** The stack's RSS: its process and its children's (each counts the node binary's pages it maps, so it is an upper bound). */
const rssMb = (pid: number): number => childPids(pid).reduce((sum, child) => sum + (fs.existsSync(`/proc/${child}/status`) ? ownRssMb(child) : 0), ownRssMb(pid));

/** Each process's share: "stack 250 + processes/bedrock.ts 120 + processes/dynamo.ts 180". */
const rssByProcess = (pid: number): string =>
  [
    `stack ${ownRssMb(pid).toFixed(0)}`,
    ...childPids(pid).map((child) => `${/processes\/\w+\.ts/.exec(fs.readFileSync(`/proc/${child}/cmdline`, 'utf8'))?.[0] ?? child} ${ownRssMb(child).toFixed(0)}`),
  ].join(' + ');

const connect = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

let sequence = 0;
const ask = (socket: WebSocket): Promise<string | undefined> =>
  new Promise((resolve) => {
    sequence += 1;
    const requestId = `soak-${sequence}`;
    const onMessage = (data: RawData) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.requestId !== requestId || (frame.type !== 'done' && frame.type !== 'error')) return;
      socket.off('message', onMessage);
      resolve(frame.type === 'error' ? frame.code : frame.cacheHit || frame.tier === 'template' ? 'not_a_model_answer' : undefined);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ action: 'invoke', message: `Recommend manga like Berserk but less dark and more hopeful, for reader ${sequence}`, requestId }));
  });

const main = async (): Promise<void> => {
  const stub = fork(path.join(__dirname, 'openai-stub-server.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stubPort = await new Promise<number>((resolve) => stub.once('message', (message) => resolve((message as { port: number }).port)));
  await new Promise<void>((resolve) => {
    stub.once('message', () => resolve());
    stub.send({ ttftMs: 0, deltas: 20, gapMs: 0, deltaChars: 8 });
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mangaassist-soak-'));
  // SOAK_SERVER_FLAGS: node flags for the server only, e.g. "--heap-prof --heap-prof-dir=/tmp/soak" to see what it keeps.
  // --trace-gc (logging only): each full GC prints the heap it kept, so the report can tell live memory from RSS.
  const serverFlags = ['--trace-gc', ...(process.env['SOAK_SERVER_FLAGS'] ?? '').split(' ').filter((flag) => flag.length > 0)];
  const server = spawn(process.execPath, [...serverFlags, '--import', 'tsx', path.join(__dirname, '..', 'bin', 'local.ts')], {
    env: {
      ...process.env,
      PORT: '0',
      DEMO_PORT: '0',
      LOG_LEVEL: 'error',
      LOCAL_BEDROCK_FORWARD_URL: `http://127.0.0.1:${stubPort}`,
      LOCAL_BEDROCK_FORWARD_MODEL: 'stub',
      DAILY_BUDGET_USD: '1000000000',
      LIMITS_CONFIG: JSON.stringify({ guest: { messagesPerMinute: 100_000, invokesInFlight: 4, strongAnswersPerHour: 100_000, dailySpendUsd: 1_000_000 } }),
      MANGAASSIST_ISSUER_FILE: path.join(scratch, 'issuer.json'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  /** The V8 heap (MB) the last full GC kept: `Mark-Compact 180.2 (210.5) -> 45.1 (200.3) MB`. */
  let liveHeapMb = Number.NaN;
  let peakLiveHeapMb = 0;
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    let listening = false;
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (text: string) => {
      output += text;
      for (const match of output.matchAll(/Mark-Compact[^\n]*?-> ([\d.]+) \(/g)) {
        liveHeapMb = Number(match[1]);
        peakLiveHeapMb = Math.max(peakLiveHeapMb, liveHeapMb);
      }
      const match = /listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1] && !listening) {
        listening = true;
        resolve(match[1]);
      }
      // Only the unfinished last line is kept for the next chunk.
      output = output.slice(output.lastIndexOf('\n') + 1);
    });
    server.once('exit', (code) => reject(new Error(`npm start's process exited (${String(code)}) before listening`)));
  });
  const pid = server.pid ?? 0;
  const failures = new Map<string, number>();
  const samples: { answers: number; seconds: number; rss: number }[] = [];
  const started = performance.now();
  let answered = 0;
  let warmRss = Number.NaN;
  process.stdout.write(`soak: ${ANSWERS} answers, ${CLIENTS} clients reconnecting every ${RECONNECT}, against pid ${pid} (${url}); RSS at start ${rssMb(pid).toFixed(0)} MB\n`);
  try {
    const perClient = Math.ceil(ANSWERS / CLIENTS);
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        let socket = await connect(url);
        for (let i = 0; i < perClient; i += 1) {
          if (i > 0 && i % RECONNECT === 0) {
            socket.close();
            socket = await connect(url);
          }
          const failure = await ask(socket);
          if (failure !== undefined) failures.set(failure, (failures.get(failure) ?? 0) + 1);
          answered += 1;
          if (answered === WARMUP) warmRss = rssMb(pid);
          if (answered % SAMPLE === 0) {
            const sample = { answers: answered, seconds: (performance.now() - started) / 1000, rss: rssMb(pid) };
            samples.push(sample);
            process.stdout.write(
              `  ${String(sample.answers).padStart(6)} answers  ${sample.seconds.toFixed(0).padStart(5)} s  RSS ${sample.rss.toFixed(0)} MB (${rssByProcess(pid)})  heap kept by the stack process's last full GC ${liveHeapMb.toFixed(0)} MB\n`,
            );
          }
        }
        socket.close();
      }),
    );
  } finally {
    server.kill('SIGTERM');
    stub.disconnect();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const peak = Math.max(...samples.map((sample) => sample.rss));
  const last = samples.at(-1);
  const half = samples[Math.floor(samples.length / 2)];
  const slope = last && half && last.answers > half.answers ? ((last.rss - half.rss) * 1024) / (last.answers - half.answers) : Number.NaN;
  const failed = [...failures.values()].reduce((sum, n) => sum + n, 0);
  process.stdout.write(
    `soak done: ${answered} answers in ${((performance.now() - started) / 1000).toFixed(0)} s, ${failed} failed${failed > 0 ? ` (${[...failures].map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}; ` +
      `RSS after ${WARMUP} answers ${warmRss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, last ${last?.rss.toFixed(0) ?? '?'} MB; ` +
      `second half ${Number.isFinite(slope) ? `${slope.toFixed(1)} KB per answer` : 'n/a'}; bound ${RSS_LIMIT_MB} MB; ` +
      `heap kept by full GCs: last ${liveHeapMb.toFixed(0)} MB, largest ${peakLiveHeapMb.toFixed(0)} MB\n`,
  );
  if (peak > RSS_LIMIT_MB || failed > 0) process.exitCode = 1;
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:soak failed: ${String(error)}\n`);
  process.exit(1);
});
