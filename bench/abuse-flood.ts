/**
 * One hostile socket against the others (`npx tsx bench/abuse-flood.ts`): a client floods the offline stack with
 * garbage text frames (each one a `$default` invocation and an `invalid_json` error frame) while another client asks
 * a strong-tier question. Prints the bystander's time to `done` without a flood, with the flood under a per-connection
 * cap of 2 and of 64 frames in flight (the emulator's default), and with the cap lifted (every frame at once, as API
 * Gateway would run them, but here in one process). Loopback only; asserts nothing. Figures depend on the machine's
 * load: every client shares one Node.js process, so the cap bounds one socket's concurrent work, not its CPU share.
 *
 * BENCH_ROUNDS (default 6) rounds per scenario, BENCH_FLOOD_FRAMES (default 1000) garbage frames per round.
 */
import { WebSocket } from 'ws';
import type { ServerFrame } from '../lambdas/core/protocol';
import { consoleLog } from '../local/console-log';
import { startLocalStack } from '../local/stack';

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

const ROUNDS = positiveInt('BENCH_ROUNDS', 6);
const FLOOD_FRAMES = positiveInt('BENCH_FLOOD_FRAMES', 1000);
const QUESTION = 'Can you recommend manga like Berserk but less dark and more hopeful?';

const open = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

/** Sends the question and resolves with the last frame of its answer and the time it took. */
const ask = (socket: WebSocket, requestId: string): Promise<{ ms: number; last: ServerFrame }> =>
  new Promise((resolve) => {
    const started = performance.now();
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.requestId === requestId && (frame.type === 'done' || frame.type === 'error')) resolve({ ms: performance.now() - started, last: frame });
    });
    socket.send(JSON.stringify({ action: 'invoke', message: QUESTION, requestId }));
  });

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

const scenario = async (label: string, flood: boolean, maxFramesInFlightPerConnection?: number): Promise<void> => {
  const stack = await startLocalStack({
    port: 0,
    log: consoleLog('silent'),
    bedrock: { seed: 5, latencyScale: 0.05 },
    llmClassifier: false,
    ...(maxFramesInFlightPerConnection !== undefined && { maxFramesInFlightPerConnection }),
  });
  const times: number[] = [];
  const outcomes = new Map<string, number>();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const flooder = await open(stack.url);
      flooder.on('message', () => undefined);
      const bystander = await open(stack.url);
      if (flood) for (let i = 0; i < FLOOD_FRAMES; i += 1) flooder.send(`garbage ${i} {{{`);
      const { ms, last } = await ask(bystander, `round-${round}`);
      times.push(ms);
      const outcome = last.type === 'error' ? `error:${last.code}` : 'done';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      flooder.terminate();
      bystander.terminate();
      // Let the previous round's flood drain so rounds do not pile up.
      await new Promise((resolve) => setTimeout(resolve, flood ? 1500 : 100));
    }
  } finally {
    await stack.close();
  }
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  process.stdout.write(
    `${label.padEnd(48)} p50 ${fmt(percentile(times, 0.5)).padStart(8)}  max ${fmt(times.at(-1) ?? NaN).padStart(8)}  ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
  );
};

const main = async (): Promise<void> => {
  process.stdout.write(`bystander's strong-tier answer, ${ROUNDS} rounds; flood = ${FLOOD_FRAMES} garbage frames on another socket\n`);
  await scenario('no flood', false);
  await scenario('flood, cap 2 frames per connection', true, 2);
  await scenario('flood, emulator cap 64 frames per connection', true);
  await scenario('flood, cap lifted (every frame at once)', true, Number.MAX_SAFE_INTEGER);
};

void main();
