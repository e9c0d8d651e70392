import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { activeRouting, changeRouting, revertRoutingIntent, rollbackRouting, RoutingPolicyRefusedError } from '../../lambdas/app/routing-changes';
import { routingMapOf, type RoutingActor } from '../../lambdas/core/routing-versions';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import { RoutingConflictError } from '../../lambdas/ports/routing-versions';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo } from '../../local/dynamo';
import { ManualClock } from '../support/fakes';

const alice: RoutingActor = { kind: 'person', name: 'alice' };
const bob: RoutingActor = { kind: 'person', name: 'bob' };

describe('DynamoRoutingVersionStore against dynalite', () => {
  let prefix = 0;

  /** A fresh pair of tables per test: each test starts before any version exists. */
  const fresh = async () => {
    prefix += 1;
    const local = await startLocalDynamo({ tablePrefix: `t${prefix}-` });
    const client = createDocumentClient({ region: 'ap-northeast-1', endpoint: local.endpoint, credentials: LOCAL_CREDENTIALS });
    const versionsTable = local.tableNames[ROUTING_VERSIONS_TABLE.logicalName] ?? '';
    const legacyTable = local.tableNames[ROUTING_CONFIG_TABLE.logicalName] ?? '';
    const clock = new ManualClock(Date.parse('2026-12-02T03:00:00Z'));
    const deps = { versions: new DynamoRoutingVersionStore(client, versionsTable), legacy: new DynamoRoutingConfigStore(client, legacyTable), clock };
    return { local, client, deps, versionsTable, legacyTable, close: async () => { client.destroy(); await local.close(); } };
  };

  it('starts at version 0 (defaults + legacy rows), stores it with the first change, and follows the newest version', async () => {
    const { deps, client, legacyTable, close } = await fresh();
    try {
      await client.send(new PutCommand({ TableName: legacyTable, Item: { intent: 'shipping_info', tier: 'sonnet' } }));
      const before = await activeRouting(deps);
      expect(before.stored).toBe(false);
      expect(routingMapOf(before.version)).toEqual({ ...DEFAULT_ROUTING_MAP, shipping_info: { tier: 'sonnet', locked: false } });

      const v1 = await changeRouting(deps, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'eval 9.0 vs 8.9' });
      expect(v1.version).toBe(1);
      expect(await deps.versions.active()).toEqual(v1);
      expect((await deps.versions.get(0))?.rules.shipping_info).toEqual({ tier: 'sonnet', locked: false });
      expect((await deps.versions.history(10)).map((version) => version.version)).toEqual([1, 0]);

      // The legacy table is frozen once versions exist: a new row there changes nothing.
      await client.send(new PutCommand({ TableName: legacyTable, Item: { intent: 'chitchat', tier: 'sonnet' } }));
      expect(routingMapOf((await activeRouting(deps)).version).chitchat).toEqual({ tier: 'haiku', locked: false });
    } finally {
      await close();
    }
  });

  it('lets exactly one of two concurrent sets through; the loser gets a conflict and writes nothing', async () => {
    const { deps, close } = await fresh();
    try {
      await changeRouting(deps, { actor: alice, rules: [{ intent: 'chitchat', tier: 'template' }], reason: 'test' });
      const results = await Promise.allSettled([
        changeRouting(deps, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' }),
        changeRouting(deps, { actor: bob, rules: [{ intent: 'comparison', tier: 'haiku' }], reason: 'test' }),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(RoutingConflictError);
      expect((lost[0]?.reason as RoutingConflictError).message).toContain('nothing was changed');

      const history = await deps.versions.history(10);
      expect(history.map((version) => version.version)).toEqual([2, 1, 0]);
      const active = routingMapOf(history[0]!);
      // The winner's change is in force and the loser's is nowhere.
      const winner = (won[0] as PromiseFulfilledResult<{ createdBy: string }>).value.createdBy;
      expect(active.manga_qa.tier === 'haiku').toBe(winner === 'alice');
      expect(active.comparison.tier === 'haiku').toBe(winner === 'bob');
    } finally {
      await close();
    }
  });

  it('has one winner also when the first two changes race (both storing version 0 first)', async () => {
    const { deps, close } = await fresh();
    try {
      const results = await Promise.allSettled([
        changeRouting(deps, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'a' }),
        changeRouting(deps, { actor: bob, rules: [{ intent: 'comparison', tier: 'haiku' }], reason: 'b' }),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason).toBeInstanceOf(RoutingConflictError);
      expect((await deps.versions.history(10)).map((version) => version.version)).toEqual([1, 0]);
    } finally {
      await close();
    }
  });

  it('refuses a stale commit directly at the store, and a version number with a gap', async () => {
    const { deps, close } = await fresh();
    try {
      const v1 = await changeRouting(deps, { actor: alice, rules: [{ intent: 'chitchat', tier: 'template' }], reason: 'test' });
      expect(await deps.versions.commit(0, { ...v1, createdBy: 'mallory' })).toEqual({ ok: false, conflict: true, expected: 0, active: 1 });
      expect((await deps.versions.get(1))?.createdBy).toBe('alice');
      await expect(deps.versions.commit(1, { ...v1, version: 5 })).rejects.toThrow('without gaps');
    } finally {
      await close();
    }
  });

  it('rolls back to exactly the previous map, and reverts one intent for automation', async () => {
    const { deps, close } = await fresh();
    try {
      await changeRouting(deps, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' });
      await changeRouting(deps, { actor: alice, rules: [{ intent: 'chitchat', tier: 'template' }], reason: 'test' });
      const v3 = await rollbackRouting(deps, { actor: bob, reason: 'chitchat answers were wrong' });
      expect(v3).toMatchObject({ version: 3, kind: 'rollback', restores: 1, createdBy: 'bob' });
      expect(v3.rules).toEqual((await deps.versions.get(1))?.rules);

      const v4 = await revertRoutingIntent(deps, { intent: 'manga_qa', changedIn: 1, actor: { kind: 'automation', name: 'experiment-evaluator' }, reason: 'CSAT -18% in 1 h' });
      expect(routingMapOf(v4)).toEqual(DEFAULT_ROUTING_MAP);
      await expect(rollbackRouting(deps, { actor: bob, reason: 'x', to: 42 })).rejects.toBeInstanceOf(RoutingPolicyRefusedError);
    } finally {
      await close();
    }
  });

  it('refuses to route by a malformed stored version', async () => {
    const { deps, client, versionsTable, close } = await fresh();
    try {
      await client.send(new PutCommand({ TableName: versionsTable, Item: { pk: 'ROUTING', sk: 'VERSION#0000000000', version: 0, rules: { manga_qa: { tier: 'opus', locked: false } }, defaultTier: 'haiku', kind: 'initial' } }));
      await expect(deps.versions.active()).rejects.toThrow('malformed');
    } finally {
      await close();
    }
  });
});
