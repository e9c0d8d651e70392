/**
 * End-to-end benchmark of the offline gateway (`npm run bench:gateway`): real WebSocket clients against the local
 * stack (emulated API Gateway, dynalite, in-process store, local Bedrock endpoint with realistic simulated
 * latencies), loopback only, a bounded number of requests. Prints per tier: time to first chunk and to `done`
 * (p50 / p95 / p99), chunk frames per answer against model text deltas (what coalescing saves in
 * `postToConnection` calls), and cost. It asserts nothing.
 *
 * BENCH_REQUESTS (default 120) requests, BENCH_CONCURRENCY (default 12) clients at a time.
 */
import { WebSocket } from 'ws';
import type { ServerFrame } from '../lambdas/core/protocol';
import type { Tier } from '../lambdas/core/vocabulary';
import { consoleLog } from '../local/console-log';
import { startLocalStack } from '../local/stack';

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const REQUESTS = positiveInt('BENCH_REQUESTS', 120);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 12);

/** A release-night-like mix: mostly cheap questions, a share of recommendations and comparisons. */
const MESSAGES = [
  'where is my order 12345',
  '注文番号９８７６５はどこ？',
  'hello!',
  'How long does shipping to Osaka take and how much does it cost?',
  'Can I return a damaged volume?',
  'Do you have the Chainsaw Man box set in stock?',
  'Recommend manga like Berserk but less dark and more hopeful',
  'Compare the Viz and Kodansha editions of Akira',
  'Which payment methods do you accept?',
  '進撃の巨人みたいな漫画を教えて',
];

interface Sample {
  readonly tier: Tier;
  readonly firstChunkMs: number;
  readonly doneMs: number;
  readonly chunks: number;
  readonly costUsd: number;
  readonly cacheHit: boolean;
}

const runOne = (url: string, message: string, index: number): Promise<Sample | string> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url);
    const requestId = `bench-${index}`;
    let sentAt = 0;
    let firstChunkMs = -1;
    let chunks = 0;
    const finish = (result: Sample | string) => {
      socket.close();
      resolve(result);
    };
    socket.once('error', (error) => finish(`socket error: ${error.message}`));
    socket.once('open', () => {
      sentAt = performance.now();
      socket.send(JSON.stringify({ action: 'invoke', message, requestId }));
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.requestId !== requestId) return;
      const elapsed = performance.now() - sentAt;
      if (frame.type === 'chunk') {
        chunks += 1;
        if (firstChunkMs < 0) firstChunkMs = elapsed;
      } else if (frame.type === 'done') {
        finish({ tier: frame.tier, firstChunkMs, doneMs: elapsed, chunks, costUsd: frame.costUsd, cacheHit: frame.cacheHit });
      } else if (frame.type === 'error') {
        finish(`error ${frame.code}`);
      }
    });
  });

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const main = async (): Promise<void> => {
  const stack = await startLocalStack({ port: 0, log: consoleLog('error'), bedrock: { seed: 1, latencyScale: 1 } });
  const samples: Sample[] = [];
  const failures: string[] = [];
  const started = performance.now();
  try {
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const result = await runOne(stack.url, MESSAGES[index % MESSAGES.length] ?? 'hello', index);
        if (typeof result === 'string') failures.push(result);
        else samples.push(result);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await stack.close();
  }
  const wallS = (performance.now() - started) / 1000;
  const stats = stack.bedrock.stats();
  const deltas = stats.simulations.reduce((sum, s) => sum + s.outputTokens, 0);

  process.stdout.write(`gateway benchmark: ${REQUESTS} requests, ${CONCURRENCY} concurrent clients, ${wallS.toFixed(1)} s, ${(REQUESTS / wallS).toFixed(1)} req/s\n`);
  process.stdout.write(`simulated models: ${stats.requests.total} calls; failures: ${failures.length}${failures.length ? ` (${[...new Set(failures)].join(', ')})` : ''}\n\n`);
  const rows = [['tier', 'n', 'first chunk p50/p95/p99 ms', 'done p50/p95/p99 ms', 'chunks/answer', 'mean cost $']];
  const groups = ['template', 'haiku', 'sonnet'].flatMap((tier) => [
    { label: tier, of: samples.filter((s) => s.tier === tier && !s.cacheHit) },
    { label: `${tier} (cache hit)`, of: samples.filter((s) => s.tier === tier && s.cacheHit) },
  ]);
  for (const { label, of } of groups) {
    if (of.length === 0) continue;
    const triple = (values: number[]) => [50, 95, 99].map((p) => percentile(values, p).toFixed(0)).join(' / ');
    rows.push([
      label,
      String(of.length),
      triple(of.map((s) => s.firstChunkMs)),
      triple(of.map((s) => s.doneMs)),
      (of.reduce((sum, s) => sum + s.chunks, 0) / of.length).toFixed(1),
      (of.reduce((sum, s) => sum + s.costUsd, 0) / of.length).toFixed(6),
    ]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`);
  const modelChunks = samples.filter((s) => s.tier !== 'template' && !s.cacheHit).reduce((sum, s) => sum + s.chunks, 0);
  process.stdout.write(`\ncoalescing: ${modelChunks} chunk frames posted for ${deltas} simulated output tokens (${(deltas / Math.max(1, modelChunks)).toFixed(1)} tokens per post)\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:gateway failed: ${String(error)}\n`);
  process.exit(1);
});
