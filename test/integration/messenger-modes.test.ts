import { ConnectionGoneError } from '../../lambdas/core/errors';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { EmulatorMessenger } from '../../local/emulator-messenger';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

const ask = async (stack: LocalStack, requestId: string): Promise<ServerFrame[]> => {
  const client = await TestClient.connect(stack.url);
  try {
    client.send({ action: 'invoke', message: `Recommend manga like Berserk but less dark, for ${requestId}`, requestId });
    return await client.finish(requestId, 30_000);
  } finally {
    await client.close();
  }
};

/**
 * Offline, frames reach the emulator in process by default (no signed HTTP call per frame); the SDK path over the
 * management API, what AWS runs, stays selectable. Both end an answer the same way and both see a 410.
 */
describe.each(['in_process', 'sdk'] as const)('the offline messenger: %s', (messenger) => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrock: { seed: 3, latencyScale: 0 }, llmClassifier: false, dailyBudgetUsd: 1_000_000, messenger });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('streams chunks then one done, counted as posts to the connection', async () => {
    const frames = await ask(stack, `m-${messenger}`);

    expect(frames.filter((frame) => frame.type === 'chunk').length).toBeGreaterThan(0);
    expect(frames.filter((frame) => frame.type === 'done' || frame.type === 'error')).toEqual([expect.objectContaining({ type: 'done', requestId: `m-${messenger}` })]);
    expect([...stack.emulator.stats().postsByConnection.values()].reduce((sum, n) => sum + n, 0)).toBe(frames.length);
  });

  it('reports a connection that is gone as ConnectionGoneError (the 410)', async () => {
    const gone = stack.emulator.stats().goneResponses;
    const direct = new EmulatorMessenger(stack.emulator);

    await expect(direct.send('no-such-connection', { type: 'chunk', requestId: 'r', text: 'x' })).rejects.toBeInstanceOf(ConnectionGoneError);
    expect(stack.emulator.stats().goneResponses).toBe(gone + 1);
  });
});
