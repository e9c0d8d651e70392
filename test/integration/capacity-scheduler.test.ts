import { BedrockClient, CreateProvisionedModelThroughputCommand } from '@aws-sdk/client-bedrock';
import { reconcileCapacity } from '../../lambdas/app/capacity/reconcile-capacity';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import type { ServerFrame } from '../../lambdas/core/protocol';
import { makeReconcileHandler } from '../../lambdas/handlers/capacity';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

/**
 * The capacity scheduler against the local Bedrock control plane and dynalite, on a clock the test moves: the real
 * SDK clients, the real DynamoDB conditional writes, the emulator's creation delay, commitments and faults.
 */
const MINUTE = 60_000;
const at = (iso: string): number => parseInstant(iso) ?? Number.NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const start = (startIso: string) =>
  startLocalStack({
    port: 0,
    log: silentLog,
    bedrock: { seed: 11, latencyScale: 0.02, creationDelayMs: 40 },
    capacityScheduler: { speed: 1, autoStart: false, startAt: at(startIso) },
    servingCacheTtlMs: 0,
    capacityConfig: { ...DEFAULT_CAPACITY_CONFIG, drainMs: 5 * MINUTE },
  });

const live = (stack: LocalStack) => stack.bedrock.provisioned().filter((p) => p.status !== 'Failed');

/** Runs the schedule until the tiers serve what the plan says (creation takes 40 ms of the emulator's clock). */
const settle = async (stack: LocalStack) => {
  for (let round = 0; round < 4; round++) {
    await stack.scheduler?.runOnce();
    await sleep(60);
  }
};

const askRecommendation = async (stack: LocalStack): Promise<ServerFrame | undefined> => {
  const client = await TestClient.connect(stack.url);
  try {
    client.send({ action: 'invoke', message: 'Can you recommend manga like Berserk but less dark and more hopeful?', requestId: 'q1' });
    await client.finish('q1');
    return client.frames.find((f) => f.type === 'done' || f.type === 'error');
  } finally {
    await client.close();
  }
};

describe('a night of the schedule (seed 003 scenario 2) against the local control plane', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await start('2026-12-03T01:00:00+09:00');
  });
  afterAll(async () => {
    await stack.close();
  });

  it('serves the evening on provisioned throughput, then reaches zero units overnight and deletes it after the drain', async () => {
    await settle(stack);
    expect(live(stack).map((p) => [p.provisionedModelName, p.modelUnits, p.status]).sort()).toEqual([
      ['mangaassist-haiku-5u-20261202T0800', 5, 'InService'],
      ['mangaassist-sonnet-15u-20261202T0800', 15, 'InService'],
    ]);
    expect(await askRecommendation(stack)).toEqual(expect.objectContaining({ type: 'done', intent: 'recommendation', tier: 'sonnet', target: 'provisioned' }));

    stack.capacityClock?.advance(65 * MINUTE);
    await stack.scheduler?.runOnce();
    expect((await stack.capacityState.readServingState()).targets.sonnet.provisioned).toEqual([]);
    expect(live(stack)).toHaveLength(2);
    expect(await askRecommendation(stack)).toEqual(expect.objectContaining({ type: 'done', tier: 'sonnet', target: 'on_demand' }));

    stack.capacityClock?.advance(5 * MINUTE);
    await stack.scheduler?.runOnce();
    expect(live(stack)).toEqual([]);
    expect(stack.metrics.records.filter((r) => r.name === 'CapacityMismatch').at(-1)?.value).toBe(0);
  });
});

describe('what the reconciler never does, against the local control plane', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await start('2026-12-02T20:00:00+09:00');
  });
  afterAll(async () => {
    await stack.close();
  });

  it('creates each throughput once and switches each tier once when two runs race', async () => {
    const deps = stack.capacityDeps;
    if (!deps) throw new Error('no capacity deps');
    await Promise.all([reconcileCapacity(deps, { kind: 'scheduled' }), reconcileCapacity(deps, { kind: 'scheduled' })]);
    expect(live(stack)).toHaveLength(2);
    await sleep(60);
    const reports = await Promise.all([reconcileCapacity(deps, { kind: 'scheduled' }), reconcileCapacity(deps, { kind: 'scheduled' })]);
    const switches = reports.flatMap((r) => r.tiers.flatMap((t) => t.results.filter((x) => x.action.kind === 'switch').map((x) => x.outcome)));
    expect(switches.filter((o) => o === 'done')).toHaveLength(2);
    expect((await stack.capacityState.readServingState()).targets.sonnet.version).toBe(1);
    expect(live(stack)).toHaveLength(2);
  });

  it('on AccessDenied (seed 003 scenario 4) counts SchedulerErrors and changes nothing', async () => {
    const before = JSON.stringify(live(stack));
    stack.capacityClock?.advance(6 * 3600_000);
    stack.bedrock.setControlFaults({ accessDeniedNext: 1 });
    await stack.scheduler?.runOnce();
    expect(stack.metrics.sum('SchedulerErrors', { Operation: 'ListProvisionedModelThroughputs' })).toBe(1);
    expect(JSON.stringify(live(stack))).toBe(before);
    expect((await stack.capacityState.readServingState()).targets.sonnet.provisioned).toHaveLength(1);
  });

  it('keeps committed throughput as a floor and never deletes it', async () => {
    const client = new BedrockClient({ region: 'ap-northeast-1', endpoint: stack.bedrock.url, credentials: LOCAL_CREDENTIALS });
    await client.send(
      new CreateProvisionedModelThroughputCommand({ provisionedModelName: 'bought-by-finance', modelId: stack.catalog.sonnet.foundationModelId, modelUnits: 2, commitmentDuration: 'OneMonth' }),
    );
    client.destroy();
    // Overnight: the plan is zero, so only the committed floor may serve.
    for (let round = 0; round < 3; round++) {
      await stack.scheduler?.runOnce();
      await sleep(60);
      stack.capacityClock?.advance(6 * MINUTE);
    }
    const sonnet = (await stack.capacityState.readServingState()).targets.sonnet.provisioned;
    const committed = stack.bedrock.provisioned().find((p) => p.provisionedModelName === 'bought-by-finance');
    expect(sonnet).toEqual([{ arn: committed?.provisionedModelArn, units: 2 }]);
    expect(live(stack).map((p) => p.provisionedModelName)).toEqual(['bought-by-finance']);
  });
});

describe('a release-night surprise (seed 003 scenario 1): pressure scales up within the maximum', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await start('2026-12-02T20:00:00+09:00');
  });
  afterAll(async () => {
    await stack.close();
  });

  it('adds units from the utilisation alarm, switches to them once InService, and drains the old throughput', async () => {
    const deps = stack.capacityDeps;
    if (!deps) throw new Error('no capacity deps');
    await settle(stack);
    const handler = makeReconcileHandler(deps);
    await handler({ source: 'aws.cloudwatch', alarmData: { alarmName: 'mangaassist-local-provisioned-utilisation-sonnet', state: { value: 'ALARM' } } });
    await settle(stack);
    expect((await stack.capacityState.readServingState()).targets.sonnet.provisioned.map((t) => t.units)).toEqual([19]);
    expect(live(stack).filter((p) => p.provisionedModelName.includes('sonnet')).map((p) => p.modelUnits).sort()).toEqual([15, 19]);
    stack.capacityClock?.advance(5 * MINUTE);
    await stack.scheduler?.runOnce();
    expect(live(stack).filter((p) => p.provisionedModelName.includes('sonnet')).map((p) => p.modelUnits)).toEqual([19]);
  });
});
