import { BedrockCapacityControl } from '../../lambdas/adapters/bedrock-capacity-control';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../../lambdas/core/capacity/config';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { createBedrockControlClient } from '../../lambdas/runtime/clients/bedrock-control';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

/**
 * The request path's capacity behaviour through the offline stack: routing targets and mitigation read from the
 * capacity table (dynalite), provisioned throughput served by the local Bedrock endpoint, throttles injected there.
 * Every request must end in exactly one `done` or `error` frame.
 */
const COMPARISON = 'Compare the Viz and Kodansha editions of Akira';
const RECOMMENDATION = 'Can you recommend manga like Berserk but less dark and more hopeful?';

const capacityConfig = (mitigation: Partial<CapacityConfig['mitigation']>): CapacityConfig => ({
  ...DEFAULT_CAPACITY_CONFIG,
  mitigation: { ...DEFAULT_CAPACITY_CONFIG.mitigation, demoteIntents: ['comparison'], ...mitigation },
});

const startStack = (config: CapacityConfig, seed: number) =>
  startLocalStack({
    port: 0,
    log: silentLog,
    // Above the SDK's backoff over three throttled attempts (up to ~3 s), which the stream watchdog also times:
    // a throttled call must be seen as throttled here, not as a timeout.
    bedrockTimeoutMs: 5000,
    bedrock: { seed, latencyScale: 0.05, creationDelayMs: 0 },
    routingCacheTtlMs: 0,
    servingCacheTtlMs: 0,
    capacityConfig: config,
  });

/** The frames of one request once it ended, after giving a stray second ending time to arrive. */
const finished = async (client: TestClient, requestId: string): Promise<ServerFrame[]> => {
  await client.finish(requestId);
  await new Promise((resolve) => setTimeout(resolve, 150));
  return client.frames.filter((f) => f.requestId === requestId);
};

const endings = (frames: readonly ServerFrame[]) => frames.filter((f) => f.type === 'done' || f.type === 'error');

describe('capacity in the request path over a real WebSocket', () => {
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    // No automatic mitigation here: the throttles these tests inject must not switch it on.
    stack = await startStack(capacityConfig({ minCallsInWindow: 10_000 }), 5);
  });

  afterAll(async () => {
    await stack.close();
  });

  beforeEach(async () => {
    client = await TestClient.connect(stack.url);
  });

  afterEach(async () => {
    await client.close();
  });

  /** Buys provisioned throughput for sonnet on the local endpoint and points sonnet's routing target at it. */
  const provisionSonnet = async (): Promise<{ arn: string; restore: () => Promise<void> }> => {
    const control = createBedrockControlClient({ region: 'ap-northeast-1', endpoint: stack.bedrock.url, credentials: LOCAL_CREDENTIALS });
    const arn = await new BedrockCapacityControl(control).create({
      name: `test-sonnet-${Date.now()}`,
      clientRequestToken: `test-sonnet-${Date.now()}`,
      modelId: stack.catalog.sonnet.foundationModelId,
      units: 1,
    });
    control.destroy();
    const { targets } = await stack.capacityState.readServingState();
    const version = targets.sonnet.version;
    expect(await stack.capacityState.switchTarget('sonnet', version, [{ arn, units: 1 }], Date.now())).toBe(true);
    return { arn, restore: async () => void (await stack.capacityState.switchTarget('sonnet', version + 1, [], Date.now())) };
  };

  it('ends a throttled call in exactly one done frame, answered on-demand by the cheaper tier', async () => {
    // Three throttles exhaust the SDK's three attempts on sonnet; haiku then answers.
    stack.bedrock.setFaults({ throttleNext: 3 });
    client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'thr-1' });

    const frames = await finished(client, 'thr-1');

    expect(endings(frames)).toEqual([expect.objectContaining({ type: 'done', tier: 'haiku', model: stack.catalog.haiku.modelId, target: 'on_demand' })]);
    expect(stack.metrics.sum('ModelThrottles', { Tier: 'sonnet', Target: 'on_demand' })).toBe(1);
  });

  it('answers through provisioned throughput written to the capacity table and says so in the done frame', async () => {
    const { arn, restore } = await provisionSonnet();
    try {
      const servedBefore = stack.bedrock.stats().requests.byModel[arn] ?? 0;
      client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'prov-1' });

      const frames = await finished(client, 'prov-1');

      expect(endings(frames)).toEqual([
        expect.objectContaining({ type: 'done', tier: 'sonnet', model: stack.catalog.sonnet.modelId, target: 'provisioned', cacheHit: false }),
      ]);
      expect(stack.bedrock.stats().requests.byModel[arn]).toBe(servedBefore + 1);
      expect(stack.metrics.sum('ProvisionedTokens', { Tier: 'sonnet' })).toBeGreaterThan(0);
    } finally {
      await restore();
    }
  });

  it('falls back from throttled provisioned throughput to the same tier on-demand in one done frame', async () => {
    const { restore } = await provisionSonnet();
    try {
      stack.bedrock.setFaults({ throttleNext: 3 });
      client.send({ action: 'invoke', message: RECOMMENDATION, requestId: 'prov-thr-1' });

      const frames = await finished(client, 'prov-thr-1');

      expect(endings(frames)).toEqual([expect.objectContaining({ type: 'done', tier: 'sonnet', model: stack.catalog.sonnet.modelId, target: 'on_demand' })]);
      expect(stack.metrics.sum('ModelThrottles', { Tier: 'sonnet', Target: 'provisioned' })).toBe(1);
    } finally {
      await restore();
    }
  });

  it('demotes a demotable intent in the route frame and the answer while the capacity table says mitigation is on', async () => {
    await stack.capacityState.setMitigation({ until: Date.now() + 60_000, reason: 'release night', setBy: 'operator:test', startedAt: Date.now() });
    try {
      client.send({ action: 'route', message: COMPARISON, requestId: 'mit-route' });
      client.send({ action: 'invoke', message: COMPARISON, requestId: 'mit-invoke' });

      const route = await client.waitFor((f) => f.requestId === 'mit-route');
      const frames = await finished(client, 'mit-invoke');

      expect(route).toMatchObject({ type: 'route', intent: 'comparison', tier: 'haiku', model: stack.catalog.haiku.modelId });
      expect(route.type === 'route' && route.reasons).toContain('mitigation:demoted_to_haiku');
      expect(endings(frames)).toEqual([expect.objectContaining({ type: 'done', intent: 'comparison', tier: 'haiku' })]);
    } finally {
      await stack.capacityState.clearMitigation();
    }
  });
});

describe('automatic throttle mitigation over a real WebSocket', () => {
  let stack: LocalStack;
  let client: TestClient;

  beforeAll(async () => {
    stack = await startStack(capacityConfig({ minCallsInWindow: 2, throttleRateThreshold: 0.5 }), 9);
    client = await TestClient.connect(stack.url);
  });

  afterAll(async () => {
    await client.close();
    await stack.close();
  });

  it('switches mitigation on in the capacity table after throttling, still ending the request in one done frame', async () => {
    stack.bedrock.setFaults({ throttleNext: 3 });
    client.send({ action: 'invoke', message: COMPARISON, requestId: 'auto-1' });

    const frames = await finished(client, 'auto-1');
    client.send({ action: 'route', message: COMPARISON, requestId: 'auto-route' });
    const route = await client.waitFor((f) => f.requestId === 'auto-route');

    expect(endings(frames)).toEqual([expect.objectContaining({ type: 'done', tier: 'haiku' })]);
    expect((await stack.capacityState.readServingState()).mitigation).toMatchObject({ setBy: 'auto:throttle-rate', reason: 'throttle_rate:0.50' });
    expect(stack.metrics.sum('MitigationStarted')).toBe(1);
    expect(route).toMatchObject({ type: 'route', intent: 'comparison', tier: 'haiku' });
  });
});
