import type { DoneReply, ServerFrame } from '../../lambdas/core/protocol';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

const CLIENTS = 80;

/**
 * Offline one process serves every connection (in AWS each Lambda serves one answer). With the SDK's default pool
 * of 50 sockets, the 51st model call in flight waited for a socket until the 2 s connect timeout called it a
 * model timeout, and the answer fell back to the cheaper tier. The local Bedrock client's pool is sized for this.
 */
describe('80 answers at once through the offline stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    // A fifth of realistic model latencies: all 80 streams are in flight together for seconds; no limits (the default).
    // The answer deadline is lifted: on a busy two-core machine 80 streams can outlast 25 s, and this test is about
    // the socket pool (a 2 s connect timeout), not the deadline.
    stack = await startLocalStack({
      port: 0,
      log: silentLog,
      bedrock: { seed: 11, latencyScale: 0.2 },
      llmClassifier: false,
      dailyBudgetUsd: 1_000_000,
      answer: { deadlineMs: 100_000 },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers every one on its own tier, with no socket-pool timeout and no fallback', async () => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(stack.url)));
    try {
      clients.forEach((client, index) =>
        client.send({ action: 'invoke', message: `Recommend manga like Berserk but less dark and more hopeful, for reader ${index}`, requestId: `many-${index}` }),
      );
      const endings = await Promise.all(
        clients.map((client, index) => client.waitFor((frame: ServerFrame) => frame.requestId === `many-${index}` && (frame.type === 'done' || frame.type === 'error'), 60_000)),
      );
      const errors = endings.filter((frame) => frame.type === 'error');
      expect(errors).toEqual([]);
      for (const done of endings as DoneReply[]) {
        expect(done).toMatchObject({ type: 'done', tier: 'sonnet', model: stack.catalog.sonnet.modelId, cacheHit: false });
      }
      // Every model call went to the routed tier: none fell back to haiku.
      const byModel = stack.bedrock.stats().requests.byModel;
      expect(Object.keys(byModel).filter((model) => model.includes('haiku'))).toEqual([]);
      expect(Object.values(byModel).reduce((sum, n) => sum + n, 0)).toBe(CLIENTS);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  }, 120_000);
});
