import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { MemoryRoutingVersionStore } from '../../lambdas/adapters/memory-routing-versions';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo } from '../../local/dynamo';
import { CliUsageError } from '../../local/cli/capacity';
import { runRouting, type RoutingCliDeps } from '../../local/cli/routing';
import { routingStoresFromEnv } from '../../local/cli/routing-env';
import { ManualClock, MemoryRoutingConfig } from '../support/fakes';

const setup = (legacy = new MemoryRoutingConfig()) => {
  const clock = new ManualClock(Date.parse('2026-12-02T03:00:00Z'));
  const versions = new MemoryRoutingVersionStore();
  const output: string[] = [];
  const errors: string[] = [];
  const deps: RoutingCliDeps = {
    stores: async () => ({ versions, legacy, clock }),
    write: (line) => output.push(line),
    err: (line) => errors.push(line),
    operator: 'tester',
  };
  const last = (): Record<string, unknown> => JSON.parse(output.at(-1) ?? '{}') as Record<string, unknown>;
  return { deps, versions, clock, output, errors, last };
};

/** Seed 000 scenario 4: 15/50/35 -> 8/52/40 in one change, manga_qa among the intents moved to a cheaper tier. */
const SCENARIO_4 = ['manga_qa', 'haiku', 'comparison', 'haiku', 'chitchat', 'template', 'store_policy', 'template'];

describe('routing set', () => {
  it('commits a one-intent change as version 1 on top of version 0, named and dated', async () => {
    const { deps, versions, last } = setup();
    expect(await runRouting(['set', 'comparison', 'haiku', '--by', 'alice', '--reason', 'eval: 9.0 vs 8.9'], deps)).toBe(0);
    expect(last()).toMatchObject({ committed: true, version: 1, parent: 0, kind: 'set', createdBy: 'alice', createdAt: '2026-12-02T03:00:00.000Z', reason: 'eval: 9.0 vs 8.9', changes: ['comparison: sonnet -> haiku'] });
    expect((await versions.history(5)).map((version) => version.version)).toEqual([1, 0]);
  });

  it('refuses the blanket change of seed 000 scenario 4 without --force (exit 2, nothing written)', async () => {
    const { deps, versions, errors } = setup();
    expect(await runRouting(['set', ...SCENARIO_4, '--by', 'platform-team', '--reason', 'cut cost'], deps)).toBe(2);
    expect(errors[0]).toContain('refused (several_intents_need_force)');
    expect(errors[0]).toContain('this one changes 4 (chitchat, store_policy, comparison, manga_qa)');
    expect(errors.at(-1)).toBe('mangaassist routing: nothing was changed\n');
    expect(await versions.active()).toBeNull();

    expect(await runRouting(['set', ...SCENARIO_4, '--force'], deps)).toBe(2);
    expect(errors.some((line) => line.includes('refused (force_needs_reason)'))).toBe(true);
    expect(await versions.active()).toBeNull();
  });

  it('applies it with --force and a reason, marked forced, and restores the exact old map with one rollback', async () => {
    const { deps, versions, last } = setup();
    expect(await runRouting(['set', ...SCENARIO_4, '--force', '--reason', 'CAB-12 approved', '--by', 'platform-team'], deps)).toBe(0);
    expect(last()).toMatchObject({ version: 1, forced: true });
    expect(await runRouting(['rollback', '--reason', 'CSAT 4.2 -> 3.6', '--by', 'oncall'], deps)).toBe(0);
    expect(last()).toMatchObject({ version: 2, kind: 'rollback', restores: 0, createdBy: 'oncall' });
    expect((await versions.get(2))?.rules).toEqual((await versions.get(0))?.rules);
  });

  it('moves a locked intent only with --unlock and --reason', async () => {
    const { deps, errors, last } = setup();
    expect(await runRouting(['set', 'recommendation', 'haiku'], deps)).toBe(2);
    expect(errors[0]).toContain('refused (locked_intent_needs_unlock): intent recommendation is locked');
    expect(await runRouting(['set', 'recommendation', 'haiku', '--unlock'], deps)).toBe(2);
    expect(errors.some((line) => line.includes('unlock_needs_reason'))).toBe(true);
    expect(await runRouting(['set', 'recommendation', 'haiku', '--unlock', '--reason', 'INC-7: Sonnet throttled'], deps)).toBe(0);
    expect(last()).toMatchObject({ changes: ['recommendation: sonnet (locked) -> haiku'] });
    expect(await runRouting(['set', 'recommendation', 'sonnet', '--lock', '--reason', 'test'], deps)).toBe(0);
    expect(last()).toMatchObject({ changes: ['recommendation: haiku -> sonnet (locked)'] });
  });

  it('refuses unknown intents and tiers clearly, and plans without writing on --dry-run', async () => {
    const { deps, versions, errors, last } = setup();
    expect(await runRouting(['set', 'mangaqa', 'opus'], deps)).toBe(2);
    expect(errors[0]).toContain('refused (unknown_intent): unknown intent "mangaqa"');
    expect(await runRouting(['set', 'manga_qa', 'opus'], deps)).toBe(2);
    expect(errors.some((line) => line.includes('unknown tier "opus" for intent manga_qa'))).toBe(true);
    expect(await runRouting(['set', 'manga_qa', 'haiku', '--dry-run', '--reason', 'test'], deps)).toBe(0);
    expect(last()).toMatchObject({ dryRun: true, version: 1, changes: ['manga_qa: sonnet -> haiku'] });
    expect(await versions.active()).toBeNull();
  });

  it('changes the default tier of unmapped intents with a reason', async () => {
    const { deps, errors, last } = setup();
    expect(await runRouting(['set', '--default-tier', 'sonnet'], deps)).toBe(2);
    expect(errors[0]).toContain('refused (reason_required)');
    expect(await runRouting(['set', '--default-tier', 'sonnet', '--reason', 'premium launch'], deps)).toBe(0);
    expect(last()).toMatchObject({ version: 1, defaultTier: 'sonnet', changes: ['unmapped intents: haiku -> sonnet'] });
  });

  it('throws a usage error for malformed commands', async () => {
    const { deps } = setup();
    await expect(runRouting(['set', 'manga_qa'], deps)).rejects.toBeInstanceOf(CliUsageError);
    await expect(runRouting(['diff', '1'], deps)).rejects.toThrow('diff takes two versions');
    await expect(runRouting(['rollback', '--to', 'x', '--reason', 'r'], deps)).rejects.toThrow('--to must be a version number');
    await expect(runRouting(['set', 'manga_qa', 'haiku', '--bogus'], deps)).rejects.toBeInstanceOf(CliUsageError);
    await expect(runRouting(['promote'], deps)).rejects.toThrow('unknown routing command "promote"');
  });
});

describe('routing show, history, diff, rollback', () => {
  it('shows version 0 before any commit, from the defaults and the legacy rows, marked not stored', async () => {
    const { deps, last } = setup(new MemoryRoutingConfig([{ intent: 'chitchat', tier: 'template' }, { intent: 'recommendation', tier: 'haiku' }]));
    expect(await runRouting(['show'], deps)).toBe(0);
    const shown = last();
    expect(shown).toMatchObject({ active: true, stored: false, version: 0, kind: 'initial', defaultTier: 'haiku' });
    expect((shown['map'] as Record<string, unknown>)['chitchat']).toEqual({ tier: 'template', locked: false });
    expect(shown['legacyRowsIgnored']).toEqual([expect.stringContaining('recommendation is locked')]);
  });

  it('lists history newest first and diffs any two versions', async () => {
    const { deps, last } = setup();
    await runRouting(['set', 'manga_qa', 'haiku', '--reason', 'test'], deps);
    await runRouting(['set', 'chitchat', 'template', '--reason', 'test'], deps);
    expect(await runRouting(['history', '--limit', '2'], deps)).toBe(0);
    expect((last()['versions'] as { version: number }[]).map((version) => version.version)).toEqual([2, 1]);
    expect(await runRouting(['diff', '0', '2'], deps)).toBe(0);
    expect(last()['changes']).toEqual(['chitchat: haiku -> template', 'manga_qa: sonnet -> haiku']);
    expect(await runRouting(['show', '--version', '1'], deps)).toBe(0);
    expect(last()).toMatchObject({ active: false, version: 1 });
  });

  it('rolls back to a chosen version, needs a reason, and refuses an unknown version', async () => {
    const { deps, errors, last } = setup();
    await runRouting(['set', 'manga_qa', 'haiku', '--reason', 'test'], deps);
    await runRouting(['set', 'chitchat', 'template', '--reason', 'test'], deps);
    expect(await runRouting(['rollback', '--to', '0'], deps)).toBe(2);
    expect(errors.some((line) => line.includes('refused (reason_required)'))).toBe(true);
    expect(await runRouting(['rollback', '--to', '9', '--reason', 'r'], deps)).toBe(2);
    expect(errors.some((line) => line.includes('there is no routing version 9'))).toBe(true);
    expect(await runRouting(['rollback', '--to', '0', '--reason', 'both bad'], deps)).toBe(0);
    expect(last()).toMatchObject({ version: 3, restores: 0, changes: ['chitchat: template -> haiku', 'manga_qa: haiku -> sonnet'] });
  });

  it('answers a lost race with exit 3 and writes nothing', async () => {
    const { deps, versions, errors } = setup();
    await runRouting(['set', 'manga_qa', 'haiku', '--reason', 'test'], deps);
    const stale = await versions.active();
    // Another operator commits between this command's read of the active version and its commit.
    await versions.commit(1, { ...stale!, version: 2, parent: 1, createdBy: 'bob' });
    const racing = Object.assign(Object.create(versions) as MemoryRoutingVersionStore, { active: async () => stale });
    const racingDeps: RoutingCliDeps = { ...deps, stores: async () => ({ ...(await deps.stores()), versions: racing }) };

    expect(await runRouting(['set', 'comparison', 'haiku', '--by', 'alice', '--reason', 'test'], racingDeps)).toBe(3);
    expect(errors[0]).toContain('conflict: routing changed meanwhile: the change was planned on version 1 but version 2 is active now; nothing was changed');
    expect((await versions.history(10)).map((version) => version.createdBy)).toEqual(['bob', 'tester', 'embedded-defaults']);
  });
});

describe('routing CLI against dynalite through the environment', () => {
  it('reads ROUTING_VERSIONS_TABLE / ROUTING_TABLE at DYNAMODB_ENDPOINT, commits, and follows the legacy rows for version 0', async () => {
    const dynamo = await startLocalDynamo({ tablePrefix: 'cli-' });
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const env = {
      ROUTING_VERSIONS_TABLE: dynamo.tableNames[ROUTING_VERSIONS_TABLE.logicalName],
      ROUTING_TABLE: dynamo.tableNames[ROUTING_CONFIG_TABLE.logicalName],
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    };
    const { stores, close } = routingStoresFromEnv(env);
    const output: string[] = [];
    const deps: RoutingCliDeps = { stores, write: (line) => output.push(line), err: () => undefined, operator: 'tester' };
    try {
      await documents.send(new PutCommand({ TableName: env.ROUTING_TABLE, Item: { intent: 'shipping_info', tier: 'sonnet' } }));
      expect(await runRouting(['set', 'manga_qa', 'haiku', '--by', 'alice', '--reason', 'test'], deps)).toBe(0);
      expect(await runRouting(['diff', '0', '1'], deps)).toBe(0);
      expect(JSON.parse(output.at(-1) ?? '{}')).toMatchObject({ changes: ['manga_qa: sonnet -> haiku'] });
      expect(await runRouting(['show', '--version', '0'], deps)).toBe(0);
      expect(JSON.parse(output.at(-1) ?? '{}')).toMatchObject({ version: 0, map: { shipping_info: { tier: 'sonnet', locked: false } } });
    } finally {
      close();
      documents.destroy();
      await dynamo.close();
    }
  });

  it('says what to set when no table is configured and no local stack runs', async () => {
    const { stores } = routingStoresFromEnv({ MANGAASSIST_ISSUER_FILE: '/nonexistent/issuer.json' });
    await expect(stores()).rejects.toThrow('set ROUTING_VERSIONS_TABLE');
  });
});
