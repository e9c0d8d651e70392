import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { startExperiment, stopExperiment } from '../../lambdas/app/experiments/manage';
import { assignArm } from '../../lambdas/core/experiments/assignment';
import { DEFAULT_EXPERIMENT_CONFIG } from '../../lambdas/core/experiments/config';
import type { Experiment } from '../../lambdas/core/experiments/model';
import type { DoneReply, RouteReply } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../../lambdas/runtime/system';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signedInUrl } from '../support/auth';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

const QUESTION = 'Who is the author of One Piece and why did Ace die?';

/**
 * An experiment through the real offline gateway: a real WebSocket, the emulated API Gateway, the route and invoke
 * handlers reading the running experiment from dynalite, the feedback handler counting the rating on the arm.
 */
describe('experiments over a real WebSocket', () => {
  let stack: LocalStack;
  let documents: ReturnType<typeof createDocumentClient>;
  let experiment: Experiment;
  /** One customer on each arm of the experiment (the assignment is a pure function of id and customer). */
  const customers: Record<'control' | 'treatment', string> = { control: '', treatment: '' };

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrockTimeoutMs: 3000, bedrock: { seed: 7, latencyScale: 0.05 }, routingCacheTtlMs: 0, experimentsCacheTtlMs: 0 });
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const routing = { versions: new DynamoRoutingVersionStore(documents, stack.tables.routingVersions), legacy: new DynamoRoutingConfigStore(documents, stack.tables.routing), clock: systemClock };
    experiment = await startExperiment(
      { experiments: stack.experiments, routing, config: DEFAULT_EXPERIMENT_CONFIG, clock: systemClock },
      { intent: 'manga_qa', tier: 'haiku', stages: '50,100', reason: 'seed 000 scenario 4, one intent at a time', by: 'test' },
    );
    for (let i = 0; customers.control === '' || customers.treatment === ''; i += 1) {
      const id = `exp-customer-${i}`;
      const arm = assignArm(experiment.id, `customer:${id}`, 50);
      if (customers[arm] === '') customers[arm] = id;
    }
  });

  afterAll(async () => {
    documents.destroy();
    await stack.close();
  });

  it.each([
    ['treatment', 'haiku'],
    ['control', 'sonnet'],
  ] as const)('route and done frames carry the experiment and the %s arm, answered on %s; the rating counts on the arm', async (arm, tier) => {
    const client = await TestClient.connect(signedInUrl(stack, customers[arm], { sessionId: `exp-session-${arm}` }));
    try {
      client.send({ action: 'route', message: QUESTION, requestId: `route-${arm}` });
      const route = (await client.waitFor((frame) => frame.requestId === `route-${arm}` && frame.type === 'route')) as RouteReply;
      expect(route).toMatchObject({ intent: 'manga_qa', tier, experiment: { id: experiment.id, arm, stage: 0 } });
      expect(route.reasons).toContain(`experiment:${experiment.id}:${arm}`);

      const before = await stack.experiments.counters(experiment.id, 0);
      client.send({ action: 'invoke', message: QUESTION, requestId: `ask-${arm}` });
      const done = (await client.finish(`ask-${arm}`)).at(-1) as DoneReply;
      expect(done).toMatchObject({ type: 'done', intent: 'manga_qa', tier, experiment: { id: experiment.id, arm, stage: 0 } });

      client.send({ action: 'feedback', requestId: `ask-${arm}`, rating: 'up', csat: 4 });
      await client.waitFor((frame) => frame.requestId === `ask-${arm}` && frame.type === 'feedback_ack');
      const after = await stack.experiments.counters(experiment.id, 0);
      expect(after[arm].answers).toBe(before[arm].answers + 1);
      expect(after[arm].up).toBe(before[arm].up + 1);
      expect(after[arm].csat.count).toBe(before[arm].csat.count + 1);
      // The quality score (the cascade's confidence estimate of the answer) where ratings are sparse.
      expect(after[arm].quality.count).toBe(before[arm].quality.count + 1);
      expect(stack.metrics.records).toEqual(expect.arrayContaining([{ name: 'ExperimentRequests', value: 1, unit: 'Count', dimensions: { Experiment: experiment.id, Arm: arm } }]));
    } finally {
      await client.close();
    }
  });

  it('a message of another intent is not in the experiment; the evaluator holds it for its minimum duration', async () => {
    const client = await TestClient.connect(signedInUrl(stack, customers.treatment));
    try {
      client.send({ action: 'route', message: 'Compare the Viz and Kodansha editions of Akira', requestId: 'route-other' });
      const route = (await client.waitFor((frame) => frame.requestId === 'route-other' && frame.type === 'route')) as RouteReply;
      expect(route.intent).toBe('comparison');
      expect(route.experiment).toBeUndefined();
    } finally {
      await client.close();
    }
    const report = await stack.evaluator.runOnce();
    expect(report?.decisions).toEqual([{ id: experiment.id, intent: 'manga_qa', kind: 'hold', reason: expect.stringMatching(/^min_duration:/) }]);
  });

  it('a stopped experiment routes everyone by the map again', async () => {
    const routing = { versions: new DynamoRoutingVersionStore(documents, stack.tables.routingVersions), clock: systemClock };
    await stopExperiment({ experiments: stack.experiments, routing, config: DEFAULT_EXPERIMENT_CONFIG, clock: systemClock }, experiment.id, 'test over', 'test');
    const client = await TestClient.connect(signedInUrl(stack, customers.treatment));
    try {
      client.send({ action: 'route', message: QUESTION, requestId: 'route-after' });
      const route = (await client.waitFor((frame) => frame.requestId === 'route-after' && frame.type === 'route')) as RouteReply;
      expect(route).toMatchObject({ intent: 'manga_qa', tier: 'sonnet' });
      expect(route.experiment).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
