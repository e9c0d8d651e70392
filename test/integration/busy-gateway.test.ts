import type { ErrorReply, ServerFrame } from '../../lambdas/core/protocol';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

const CAP = 4;
const FLOOD = 12;

const ended = (requestId: string) => (frame: ServerFrame) => frame.requestId === requestId && (frame.type === 'done' || frame.type === 'error');

/**
 * Offline one process serves every connection; past its cap of answers in flight the excess is refused at once with
 * `gateway_busy` (never queued into a socket wait that times out and falls back). Another client's answer that
 * was admitted completes as if nothing happened.
 */
describe('a flood beyond the process cap of answers in flight', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      log: silentLog,
      bedrock: { seed: 5, latencyScale: 1 },
      llmClassifier: false,
      dailyBudgetUsd: 1_000_000,
      maxAnswersInFlight: CAP,
      answer: { deadlineMs: 100_000 },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('refuses the excess with gateway_busy and a retry hint while another client is answered in full', async () => {
    const calm = await TestClient.connect(stack.url);
    const flooder = await TestClient.connect(stack.url);
    try {
      calm.send({ action: 'invoke', message: 'Recommend manga like Berserk but less dark and more hopeful', requestId: 'calm-1' });
      // Once its first chunk arrives the calm answer holds its slot until its done frame.
      await calm.waitFor((frame) => frame.requestId === 'calm-1' && frame.type === 'chunk', 30_000);

      for (let i = 0; i < FLOOD; i += 1) flooder.send({ action: 'invoke', message: `Recommend manga like Monster, something for reader ${i}`, requestId: `flood-${i}` });
      const floodEndings = await Promise.all(Array.from({ length: FLOOD }, (_, i) => flooder.waitFor(ended(`flood-${i}`), 60_000)));
      const calmEnding = await calm.waitFor(ended('calm-1'), 60_000);

      expect(calmEnding).toMatchObject({ type: 'done', requestId: 'calm-1', tier: 'sonnet', cacheHit: false });
      const busy = floodEndings.filter((frame): frame is ErrorReply => frame.type === 'error');
      const answered = floodEndings.filter((frame) => frame.type === 'done');
      // At most CAP - 1 flood answers fit beside the calm one; the rest were refused, each with the retry hint.
      expect(busy.length).toBeGreaterThanOrEqual(FLOOD - (CAP - 1));
      for (const error of busy) expect(error).toMatchObject({ code: 'gateway_busy', retryAfterMs: 1000 });
      expect(answered.length + busy.length).toBe(FLOOD);
      // A refused message called no model; no answer fell back to the cheaper tier.
      const byModel = stack.bedrock.stats().requests.byModel;
      expect(Object.keys(byModel).filter((model) => model.includes('haiku'))).toEqual([]);
      expect(Object.values(byModel).reduce((sum, n) => sum + n, 0)).toBe(1 + answered.length);
    } finally {
      await Promise.all([calm.close(), flooder.close()]);
    }
  }, 120_000);
});
