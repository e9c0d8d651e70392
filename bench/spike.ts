/**
 * `npm run bench:spike`: seed 003 scenario 1 against the offline stack. A release-night burst at five times the
 * normal rate hits a sonnet tier whose provisioned throughput (1 unit) and on-demand quota (emulator tokens-per-minute)
 * were sized for the normal rate. Loopback only, bounded in count and time. Prints: share answered, p50 / p99
 * end-to-end latency of the answered, throttles seen, seconds until mitigation engaged, seconds until the scale-up
 * (a stand-in for the utilisation alarm: 80% of the provisioned window for 2 s instead of 2 min) was requested and
 * until the new units served, and whether every invoke ended in exactly one `done` or `error` frame. Then the
 * simulated week's waste ratio with and without the schedule (bench/capacity-week.ts). Asserts nothing.
 *
 * SPIKE_NORMAL_RPS (default 2), SPIKE_NORMAL_S (8), SPIKE_BURST_S (20): the burst runs at 5 x SPIKE_NORMAL_RPS.
 */
import { WebSocket } from 'ws';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { makeReconcileHandler } from '../lambdas/handlers/capacity';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../lambdas/core/capacity/config';
import type { ServerFrame } from '../lambdas/core/protocol';
import { createDocumentClient } from '../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../lambdas/runtime/system';
import { consoleLog } from '../local/console-log';
import { LOCAL_CREDENTIALS } from '../local/dynamo';
import { startLocalStack } from '../local/stack';
import { printWeek, simulateWeek } from './capacity-week';

const number = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 60) throw new Error(`${name} must be a number in (0, 60], got "${raw}"`);
  return value;
};

const NORMAL_RPS = number('SPIKE_NORMAL_RPS', 2);
const NORMAL_S = number('SPIKE_NORMAL_S', 8);
const BURST_S = number('SPIKE_BURST_S', 20);

/** Release night: most of it wants the strong tier (an operator had FAQ on Sonnet too, as in the seed). */
const MESSAGES = [
  'Compare the Viz and Kodansha editions of Akira',
  'Recommend manga like Berserk but less dark and more hopeful',
  'How long does shipping to Osaka take?',
  'Who is the real antagonist of the final arc of Attack on Titan?',
  'What are your shipping costs to Hokkaido?',
  'hello!',
  'Do you have the Chainsaw Man box set in stock?',
  '進撃の巨人みたいな漫画を教えて',
];

/** One unit's worth of sonnet traffic all day, so the plan is exactly one unit; no haiku provisioning. */
const BENCH_CAPACITY: CapacityConfig = {
  ...DEFAULT_CAPACITY_CONFIG,
  windows: [{ name: 'all-day', from: '00:00', to: '00:00', expectedTps: { haiku: 0, sonnet: 800 } }],
};

interface Outcome {
  readonly startedAt: number;
  readonly doneMs?: number;
  readonly terminalFrames: number;
  readonly error?: string;
  readonly target?: string | null;
  readonly tier?: string;
}

const invokeOnce = (url: string, message: string, requestId: string, startedAt: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url);
    let terminal = 0;
    let result: Omit<Outcome, 'terminalFrames' | 'startedAt'> = {};
    const sentAt = performance.now();
    const finish = () => {
      clearTimeout(timer);
      socket.close();
      resolve({ startedAt, terminalFrames: terminal, ...result });
    };
    // A missing final frame is what this benchmark exists to catch: wait long enough to be sure, then count it.
    const timer = setTimeout(finish, 40_000);
    socket.once('error', (error) => {
      result = { error: `socket: ${error.message}` };
      finish();
    });
    socket.once('open', () => socket.send(JSON.stringify({ action: 'invoke', message, requestId })));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.requestId !== requestId) return;
      if (frame.type === 'done') {
        terminal += 1;
        result = { doneMs: performance.now() - sentAt, target: frame.target, tier: frame.tier };
        // Linger briefly: a second terminal frame would be a bug worth seeing.
        setTimeout(finish, 200);
      } else if (frame.type === 'error') {
        terminal += 1;
        result = { error: frame.code };
        setTimeout(finish, 200);
      }
    });
  });

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const main = async (): Promise<void> => {
  const log = consoleLog('error');
  const stack = await startLocalStack({
    port: 0,
    log,
    bedrock: { seed: 3, latencyScale: 1, creationDelayMs: 3000, unitTokensPerMinute: 30_000, quotas: { sonnet: 20_000 } },
    capacityConfig: BENCH_CAPACITY,
    capacityScheduler: { speed: 1, autoStart: false },
    servingCacheTtlMs: 1000,
    routingCacheTtlMs: 1000,
  });
  const scheduler = stack.scheduler;
  if (!scheduler) throw new Error('the local stack started without its scheduler');
  const documents = createDocumentClient({ region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, endpoint: stack.dynamo.endpoint });
  if (!stack.capacityDeps) throw new Error('the local stack started without its capacity dependencies');
  // The utilisation alarm's action, as in AWS: the reconcile handler with a CloudWatch alarm event.
  const reconcile = makeReconcileHandler({ ...stack.capacityDeps, clock: systemClock });
  try {
    // The seeds' setup: FAQ routed to Sonnet; one sonnet unit provisioned and serving before the night starts.
    await documents.send(new PutCommand({ TableName: stack.tables.routing, Item: { intent: 'shipping_info', tier: 'sonnet', locked: false } }));
    await scheduler.runOnce();
    await sleep(3200);
    await scheduler.runOnce();
    const initial = (await stack.capacityState.readServingState()).targets.sonnet.provisioned;
    if (initial.length !== 1) throw new Error(`sonnet is not on provisioned throughput before the burst: ${JSON.stringify(initial)}`);

    const t0 = performance.now();
    const burstAt = NORMAL_S * 1000;
    let mitigationAt: number | undefined;
    let scaleUpAt: number | undefined;
    let scaledServingAt: number | undefined;
    let hot = 0;
    const watcher = setInterval(() => {
      const now = performance.now() - t0;
      if (mitigationAt === undefined && stack.metrics.sum('MitigationStarted') > 0) mitigationAt = now;
      void (async () => {
        const serving = (await stack.capacityState.readServingState()).targets.sonnet.provisioned;
        if (scaleUpAt !== undefined && scaledServingAt === undefined && serving.reduce((sum, t) => sum + t.units, 0) > 1) scaledServingAt = now;
        const arn = serving[0]?.arn;
        const meter = arn ? stack.bedrock.stats().throughput.byModel[arn] : undefined;
        const used = meter && meter.limitTokensPerMinute ? meter.windowTokens / meter.limitTokensPerMinute : 0;
        hot = used > 0.8 ? hot + 1 : 0;
        if (hot >= 2 && scaleUpAt === undefined) {
          scaleUpAt = now;
          await reconcile({ source: 'aws.cloudwatch', alarmData: { alarmName: 'mangaassist-local-provisioned-utilisation-sonnet', state: { value: 'ALARM' } } });
        }
        // The 15-minute schedule, compressed: progress a requested change.
        if (scaleUpAt !== undefined && scaledServingAt === undefined) await scheduler.runOnce();
      })().catch((error: unknown) => log.error('watcher', { error }));
    }, 1000);

    const pending: Promise<Outcome>[] = [];
    const total = NORMAL_S * NORMAL_RPS + BURST_S * NORMAL_RPS * 5;
    for (let i = 0; i < total; i++) {
      const inBurst = i >= NORMAL_S * NORMAL_RPS;
      const at = inBurst ? burstAt + ((i - NORMAL_S * NORMAL_RPS) * 1000) / (NORMAL_RPS * 5) : (i * 1000) / NORMAL_RPS;
      const wait = at - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
      // 40 variants of each question: some repeat (the answer cache helps, more so under mitigation), most do not.
      const message = `${MESSAGES[i % MESSAGES.length] ?? 'hello'} (volume ${Math.floor(i / MESSAGES.length) % 40})`;
      pending.push(invokeOnce(stack.url, message, `spike-${i}`, at));
    }
    const outcomes = await Promise.all(pending);
    clearInterval(watcher);

    const answered = outcomes.filter((o) => o.doneMs !== undefined);
    const burst = outcomes.filter((o) => o.startedAt >= burstAt);
    const stats = stack.bedrock.stats();
    const ms = (values: number[]) => `${percentile(values, 50).toFixed(0)} / ${percentile(values, 99).toFixed(0)} ms`;
    const s = (value: number | undefined, from = burstAt) => (value === undefined ? 'never' : `${((value - from) / 1000).toFixed(1)} s after the burst began`);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`spike benchmark: ${NORMAL_S} s at ${NORMAL_RPS} invokes/s, then ${BURST_S} s at ${NORMAL_RPS * 5}/s; ${total} invokes`);
    out(`  sonnet: 1 provisioned unit (30,000 tokens/min in the emulator), on-demand quota 20,000 tokens/min; haiku on-demand unlimited`);
    out(`answered (done):           ${answered.length}/${total} (${((100 * answered.length) / total).toFixed(1)}%); in the burst ${burst.filter((o) => o.doneMs !== undefined).length}/${burst.length}`);
    out(`errors:                    ${outcomes.length - answered.length}${outcomes.some((o) => o.error) ? ` (${[...new Set(outcomes.filter((o) => o.error).map((o) => o.error))].join(', ')})` : ''}`);
    out(`latency p50 / p99:         all ${ms(answered.map((o) => o.doneMs ?? 0))}; burst ${ms(burst.flatMap((o) => (o.doneMs === undefined ? [] : [o.doneMs])))}`);
    out(`answered by:               ${Object.entries(answered.reduce<Record<string, number>>((acc, o) => ({ ...acc, [`${o.tier}/${o.target ?? 'none'}`]: (acc[`${o.tier}/${o.target ?? 'none'}`] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    out(`throttles seen (emulator): ${stats.throttles.quota} quota, ${stats.throttles.injected} injected; gateway fallbacks: ${stack.metrics.sum('TargetFallbacks')} provisioned->on-demand, ${stack.metrics.sum('ModelFallbacks')} sonnet->haiku`);
    out(`mitigation engaged:        ${s(mitigationAt)}`);
    out(`scale-up requested:        ${s(scaleUpAt)}; new units serving ${s(scaledServingAt)}`);
    const exactlyOne = outcomes.every((o) => o.terminalFrames === 1);
    out(`one done/error per invoke: ${exactlyOne ? 'yes' : `NO: ${outcomes.filter((o) => o.terminalFrames !== 1).length} invokes ended with ${[...new Set(outcomes.map((o) => o.terminalFrames))].join('/')} terminal frames`}`);
  } finally {
    documents.destroy();
    await stack.close();
  }
  printWeek(simulateWeek());
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:spike failed: ${String(error)}\n`);
  process.exit(1);
});
