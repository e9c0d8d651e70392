import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DoneReply } from '../../lambdas/core/protocol';
import { runAudit } from '../../local/cli/audit';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

/**
 * The unmapped-intent audit over real traffic: chat messages through the offline stack's WebSocket, the metrics it
 * appends to its metrics file, and `audit unmapped --metrics-file` reading them (seed 000 scenario 5's weekly audit).
 */
describe('audit unmapped over the offline stack', () => {
  let dir: string;
  let metricsFile: string;
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-gateway-'));
    metricsFile = join(dir, 'metrics.jsonl');
    stack = await startLocalStack({ port: 0, log: silentLog, metricsFile, llmClassifier: false, bedrock: { seed: 7, latencyScale: 0.05 } });
    client = await TestClient.connect(stack.url);
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (message: string, requestId: string): Promise<DoneReply> => {
    client.send({ action: 'invoke', message, requestId });
    const frames = await client.finish(requestId);
    const done = frames.find((frame): frame is DoneReply => frame.type === 'done');
    if (!done) throw new Error(`no done frame: ${JSON.stringify(frames)}`);
    return done;
  };

  it('lists the messages no intent describes (the catch-all), with their volume and cost', async () => {
    // Prepare
    // Off-domain asks (the public sets' `unknown`): no intent of the store describes them.
    const unknown = [await ask('what is the weather in osaka tomorrow', 'u1'), await ask('set an alarm for 7am', 'u2')];
    const mapped = await ask('Can you recommend manga like Berserk but less dark?', 'r1');
    // The request's metrics follow its done frame.
    while (stack.metrics.sum('Requests') < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const lines: string[] = [];

    // Act
    const code = await runAudit(['unmapped', '--metrics-file', metricsFile], {
      clock: { now: () => Date.now() + 1000 },
      readFile: (path) => readFileSync(path, 'utf8'),
      cloudWatch: () => {
        throw new Error('not used');
      },
      write: (line) => lines.push(line),
    });
    const [finding, summary] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);

    // Assess
    expect(unknown.map((done) => done.intent)).toEqual(['unknown', 'unknown']);
    expect(mapped.intent).toBe('recommendation');
    expect(code).toBe(0);
    expect(finding).toMatchObject({ label: 'unknown', reason: 'catch_all', requests: 2, requestsByTier: { [unknown[0]!.tier]: 2 } });
    expect(finding!.costUsd as number).toBeCloseTo(unknown[0]!.costUsd + unknown[1]!.costUsd, 6);
    expect(summary).toMatchObject({ totalRequests: 3, unmappedRequests: 2 });
  });
});
