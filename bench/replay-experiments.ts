/**
 * Seed 000 scenario 4 replayed through the real offline gateway (`npm run bench:experiments`): the blanket
 * change (manga_qa and comparison from sonnet to haiku) as two per-intent experiments, on the seed's stages and gates
 * (10% for 48 h and 2,000 answers, 25% for 24 h, up-rate drop under 5%), then a regression after the promotion
 * rolled back within the hour. Real WebSocket clients (guests, each in its own session: the arm is sticky per
 * session), the real handlers, dynalite, the local Bedrock endpoint; the stack's clock is moved forward between
 * stages. The customers' ratings are the one thing simulated: each answer is rated by a seeded draw, with the
 * thumbs-up probability the seed's incident implies for the tier that answered (manga_qa: 0.86 on sonnet, 0.74 on
 * haiku; comparison: 0.85 on both, then 0.62 on haiku after the promotion), from a generator seeded per session
 * (REPLAY_SEED, default 7). Prints the decisions and figures.
 */
import WebSocket from 'ws';
import { DynamoRoutingVersionStore } from '../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../lambdas/adapters/dynamodb-stores';
import { startExperiment } from '../lambdas/app/experiments/manage';
import { activeRouting } from '../lambdas/app/routing-changes';
import { assignArm, assignmentSubject, fmix32, fnv1a32, type Arm } from '../lambdas/core/experiments/assignment';
import { DEFAULT_EXPERIMENT_CONFIG } from '../lambdas/core/experiments/config';
import { mulberry32 } from '../lambdas/core/prng';
import { diffVersions, routingMapOf } from '../lambdas/core/routing-versions';
import type { Clock } from '../lambdas/ports';
import { createDocumentClient } from '../lambdas/runtime/clients/dynamodb';
import { LOCAL_CREDENTIALS } from '../local/dynamo';
import { startLocalStack } from '../local/stack';

const HOUR = 3_600_000;
const QUESTIONS = {
  manga_qa: 'Who is the author of One Piece and why did Ace die?',
  comparison: 'Compare the Viz and Kodansha editions of Akira',
} as const;
type Intent = keyof typeof QUESTIONS;
const UP_RATE: Record<Intent, Record<string, number>> = { manga_qa: { sonnet: 0.86, haiku: 0.74 }, comparison: { sonnet: 0.85, haiku: 0.85 } };
/** Share of answers rated: half, so 2,000 treatment answers give about 1,000 ratings (see README for the power). */
const RATED_SHARE = 0.5;

/** The stack's clock: real time plus an offset the replay moves forward between stages. */
class ShiftedClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const main = async (): Promise<void> => {
  const clock = new ShiftedClock();
  const stack = await startLocalStack({ port: 0, log: silent, clock, bedrock: { seed: 42, latencyScale: 0.01 }, routingCacheTtlMs: 0, experimentsCacheTtlMs: 0, llmClassifier: false });
  const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  const routing = { versions: new DynamoRoutingVersionStore(documents, stack.tables.routingVersions), legacy: new DynamoRoutingConfigStore(documents, stack.tables.routing), clock };
  const manage = { experiments: stack.experiments, routing, config: DEFAULT_EXPERIMENT_CONFIG, clock };
  // Each session's draws come from its own seeded generator: the ratings do not depend on the order answers finish in.
  const seed = Number(process.env['REPLAY_SEED'] ?? '7');
  let sessionCounter = 0;
  const stats = { answers: 0, ratings: 0, errors: 0 };

  /** One guest: connect, ask in a fresh session, maybe rate, leave. Returns the tier that answered. */
  const ask = async (intent: Intent, session: string, upRate: (tier: string) => number): Promise<void> => {
    const socket = new WebSocket(stack.url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const frames: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    });
    const waitFor = async (predicate: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = frames.find(predicate);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    const requestId = `q-${session}`;
    socket.send(JSON.stringify({ action: 'invoke', message: QUESTIONS[intent], requestId, sessionId: session }));
    const end = await waitFor((frame) => frame['requestId'] === requestId && (frame['type'] === 'done' || frame['type'] === 'error'));
    if (end['type'] === 'done') {
      stats.answers += 1;
      // Hashed: mulberry32's first draws from neighbouring seeds are correlated, which biased one arm's ratings.
      const draws = mulberry32(fmix32(fnv1a32(`${seed}:${session}`)));
      if (draws.next() < RATED_SHARE) {
        const rating = draws.next() < upRate(String(end['tier'])) ? 'up' : 'down';
        socket.send(JSON.stringify({ action: 'feedback', requestId, rating, sessionId: session }));
        await waitFor((frame) => frame['requestId'] === requestId && (frame['type'] === 'feedback_ack' || frame['type'] === 'error'));
        stats.ratings += 1;
      }
    } else stats.errors += 1;
    socket.close();
  };

  /** Sessions of one arm of an experiment at a share (the assignment is a pure function: pick them up front). */
  const sessionsOf = (experimentId: string, share: number, arm: Arm, count: number): string[] => {
    const picked: string[] = [];
    while (picked.length < count) {
      sessionCounter += 1;
      const session = `replay-${sessionCounter}`;
      if (assignArm(experimentId, assignmentSubject('guest:x', session), share) === arm) picked.push(session);
    }
    return picked;
  };

  const traffic = async (intent: Intent, sessions: readonly string[], upRate: (tier: string) => number): Promise<void> => {
    for (let i = 0; i < sessions.length; i += 40) await Promise.all(sessions.slice(i, i + 40).map((session) => ask(intent, session, (tier) => upRate(tier))));
  };
  const byTier = (intent: Intent) => (tier: string) => UP_RATE[intent][tier] ?? 0.85;
  const print = (label: string, value: unknown) => process.stdout.write(`${label}: ${JSON.stringify(value)}\n`);
  const started = Date.now();

  try {
    const qa = await startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', reason: 'seed 000 scenario 4, per intent', by: 'replay' });
    const cmp = await startExperiment(manage, { intent: 'comparison', tier: 'haiku', reason: 'seed 000 scenario 4, per intent', by: 'replay' });
    print('started', [qa.id, cmp.id]);

    // Stage 0, 10%: 2,000 treatment answers and 4,000 control answers of each intent (in AWS control would have 9x
    // the treatment's; the rest adds power, not behaviour: the assignment does not depend on who else asks).
    for (const [intent, id] of [['manga_qa', qa.id], ['comparison', cmp.id]] as const) {
      await traffic(intent, [...sessionsOf(id, 10, 'treatment', 2000), ...sessionsOf(id, 10, 'control', 4000)], byTier(intent));
    }
    clock.offset += 48 * HOUR + 60_000;
    const afterAb = await stack.evaluator.runOnce();
    print('after 48 h at 10%', afterAb?.decisions);
    for (const id of [qa.id, cmp.id]) print(`  ${id} gates`, (await stack.experiments.get(id))?.lastDecision?.figures?.gates.filter((gate) => gate.verdict !== 'insufficient'));

    // The next stage of comparison (25% when it advanced; manga_qa stopped at the gate).
    const now = await stack.experiments.get(cmp.id);
    const share = now?.stages[now.stage]?.share ?? 10;
    print('comparison now', { status: now?.status, stage: now?.stage, share });
    await traffic('comparison', [...sessionsOf(cmp.id, share, 'treatment', 2000), ...sessionsOf(cmp.id, share, 'control', 4000)], byTier('comparison'));
    clock.offset += 24 * HOUR + 60_000;
    const afterCanary = await stack.evaluator.runOnce();
    print('after 24 h at 25%', afterCanary?.decisions);
    print('  comparison gates', (await stack.experiments.get(cmp.id))?.lastDecision?.figures?.gates.filter((gate) => gate.verdict !== 'insufficient'));
    const promoted = (await activeRouting(routing)).version;
    print('active version', { version: promoted.version, parent: promoted.parent, by: promoted.createdBy, reason: promoted.reason, comparison: routingMapOf(promoted).comparison, manga_qa: routingMapOf(promoted).manga_qa });

    // Full traffic on haiku does worse than the canary showed: 0.62 thumbs-up for 40 minutes after the change.
    clock.offset += 6 * 60_000;
    await traffic('comparison', sessionsOf(cmp.id, 100, 'treatment', 600), () => 0.62);
    clock.offset += 40 * 60_000;
    const afterChange = await stack.evaluator.runOnce();
    print('46 min after the promotion', afterChange?.rollbacks);
    const active = (await activeRouting(routing)).version;
    const previous = await routing.versions.get(promoted.parent ?? 0);
    print('active version', { version: active.version, parent: active.parent, by: active.createdBy, reason: active.reason });
    print('diff against the version before the promotion', previous ? diffVersions(previous, active) : 'missing');
    print('traffic', { ...stats, seconds: Math.round((Date.now() - started) / 1000) });
  } finally {
    documents.destroy();
    await stack.close();
  }
};

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`replay failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
