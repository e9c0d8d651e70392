import type { RouteReply } from '../../lambdas/core/protocol';
import { runRouting, type RoutingCliDeps } from '../../local/cli/routing';
import { routingStoresFromEnv } from '../../local/cli/routing-env';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

/**
 * Versioned routing end to end offline: `cli routing` commits to the stack's RoutingVersions table in dynalite and the
 * real `route` and `invoke` handlers follow the newest version (a zero refresh here, so no waiting; 30 s deployed).
 */
describe('versioned routing through the offline gateway', () => {
  let stack: LocalStack;
  let client: TestClient;
  let close: () => void;
  let deps: RoutingCliDeps;
  const errors: string[] = [];
  let request = 0;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrockTimeoutMs: 3000, bedrock: { seed: 3, latencyScale: 0.05 }, routingCacheTtlMs: 0 });
    const env = { ROUTING_VERSIONS_TABLE: stack.tables.routingVersions, ROUTING_TABLE: stack.tables.routing, DYNAMODB_ENDPOINT: stack.dynamo.endpoint };
    const stores = routingStoresFromEnv(env);
    close = stores.close;
    deps = { stores: stores.stores, write: () => undefined, err: (line) => errors.push(line), operator: 'oncall' };
    client = await TestClient.connect(stack.url);
  });

  afterAll(async () => {
    await client.close();
    close();
    await stack.close();
  });

  const routeOf = async (message: string): Promise<RouteReply> => {
    request += 1;
    const requestId = `rv-${request}`;
    client.send({ action: 'route', message, requestId });
    return (await client.waitFor((frame) => frame.requestId === requestId)) as RouteReply;
  };
  const MANGA_QA = 'Who is the author of Berserk and why did the story change after the eclipse?';

  it('routes by a committed version, refuses the blanket change without touching routing, and rolls back exactly', async () => {
    const before = await routeOf(MANGA_QA);
    expect(before).toMatchObject({ intent: 'manga_qa', tier: 'sonnet' });
    // The frame names the version that decided, right after the map row (0: the embedded defaults, nothing committed).
    expect(before.reasons.slice(before.reasons.indexOf('map:sonnet'), before.reasons.indexOf('map:sonnet') + 2)).toEqual(['map:sonnet', 'routing_version:0']);

    expect(await runRouting(['set', 'manga_qa', 'haiku', 'comparison', 'haiku', 'chitchat', 'template', '--reason', 'cost'], deps)).toBe(2);
    expect(errors.join('')).toContain('several_intents_need_force');
    expect(await routeOf(MANGA_QA)).toMatchObject({ intent: 'manga_qa', tier: 'sonnet' });

    expect(await runRouting(['set', 'manga_qa', 'haiku', '--reason', 'eval 9.0 vs 8.9'], deps)).toBe(0);
    const changed = await routeOf(MANGA_QA);
    expect(changed).toMatchObject({ intent: 'manga_qa', tier: 'haiku' });
    expect(changed.reasons).toContain('routing_version:1');
    expect(changed.reasons).not.toContain('routing_version:0');

    request += 1;
    client.send({ action: 'invoke', message: MANGA_QA, requestId: `rv-${request}` });
    const frames = await client.finish(`rv-${request}`);
    expect(frames.at(-1)).toMatchObject({ type: 'done', intent: 'manga_qa', tier: 'haiku', reasons: expect.arrayContaining(['routing_version:1']) });

    expect(await runRouting(['rollback', '--reason', 'CSAT fell'], deps)).toBe(0);
    // A rollback is a new version (history is never rewritten): the frame says 2, not 0.
    expect(await routeOf(MANGA_QA)).toMatchObject({ intent: 'manga_qa', tier: 'sonnet', reasons: expect.arrayContaining(['routing_version:2']) });
  });

  it('keeps a locked intent where it is unless a person unlocks it with a reason', async () => {
    const RECOMMENDATION = 'Can you recommend manga like Berserk but less dark and more hopeful?';
    expect(await runRouting(['set', 'recommendation', 'haiku'], deps)).toBe(2);
    expect(await routeOf(RECOMMENDATION)).toMatchObject({ intent: 'recommendation', tier: 'sonnet' });
    expect(await runRouting(['set', 'recommendation', 'haiku', '--unlock', '--reason', 'INC-7: Sonnet throttled'], deps)).toBe(0);
    expect(await routeOf(RECOMMENDATION)).toMatchObject({ intent: 'recommendation', tier: 'haiku' });
  });
});
