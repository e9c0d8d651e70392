import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { MemoryRoutingVersionStore } from '../../lambdas/adapters/memory-routing-versions';
import { changeRouting, rollbackRouting } from '../../lambdas/app/routing-changes';
import { RoutingMapSource } from '../../lambdas/app/routing-map-source';
import { ROUTING_VERSION_METRIC } from '../../lambdas/core/metric-contract';
import type { RoutingActor } from '../../lambdas/core/routing-versions';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import type { Log } from '../../lambdas/ports';
import type { RoutingVersionStore } from '../../lambdas/ports/routing-versions';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import { RecordingMetrics } from '../../local/console-log';
import { ManualClock, MemoryRoutingConfig, silentLog } from '../support/fakes';

const alice: RoutingActor = { kind: 'person', name: 'alice' };
const TTL_MS = 30_000;

describe('RoutingMapSource following the active routing version (dynalite)', () => {
  let dynamo: LocalDynamo;
  let documents: ReturnType<typeof createDocumentClient>;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    documents.destroy();
    await dynamo.close();
  });

  it('routes by a committed version once the ttl has passed, not before, and by a rollback likewise', async () => {
    const clock = new ManualClock();
    const legacy = new DynamoRoutingConfigStore(documents, dynamo.tableNames[ROUTING_CONFIG_TABLE.logicalName] ?? '');
    const versions = new DynamoRoutingVersionStore(documents, dynamo.tableNames[ROUTING_VERSIONS_TABLE.logicalName] ?? '');
    const source = new RoutingMapSource(legacy, clock, silentLog, TTL_MS, versions);
    const deps = { versions, legacy, clock };

    expect(await source.current()).toEqual({ map: DEFAULT_ROUTING_MAP, version: 0 });
    await changeRouting(deps, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' });

    clock.advance(TTL_MS - 1);
    expect((await source.get()).manga_qa.tier).toBe('sonnet');
    clock.advance(1);
    expect(await source.current()).toEqual({ map: { ...DEFAULT_ROUTING_MAP, manga_qa: { tier: 'haiku', locked: false } }, version: 1 });

    await rollbackRouting(deps, { actor: alice, reason: 'CSAT fell' });
    clock.advance(TTL_MS);
    expect(await source.current()).toEqual({ map: DEFAULT_ROUTING_MAP, version: 2 });
  });

  it('records the version in force at every refresh and logs each change once', async () => {
    const clock = new ManualClock();
    const versions = new MemoryRoutingVersionStore();
    const metrics = new RecordingMetrics();
    const infos: unknown[] = [];
    const log: Log = { ...silentLog, info: (message, extra) => infos.push({ message, ...extra }) };
    const source = new RoutingMapSource(new MemoryRoutingConfig(), clock, log, TTL_MS, versions, metrics);
    await source.get();
    await changeRouting({ versions, clock }, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' });
    clock.advance(TTL_MS);
    await source.get();
    clock.advance(TTL_MS);
    await source.get();
    expect(metrics.records.filter((record) => record.name === ROUTING_VERSION_METRIC).map((record) => record.value)).toEqual([0, 1, 1]);
    expect(infos).toEqual([
      { message: 'routing version in force', version: 0, previous: null },
      { message: 'routing version in force', version: 1, previous: 0 },
    ]);
  });
});

describe('RoutingMapSource when the versions cannot be read', () => {
  class FlakyVersions extends MemoryRoutingVersionStore {
    failing = false;
    override async active(): ReturnType<RoutingVersionStore['active']> {
      if (this.failing) throw new Error('RoutingVersions unavailable');
      return super.active();
    }
  }

  it('keeps the last good map through an outage and says so in the log', async () => {
    const clock = new ManualClock();
    const versions = new FlakyVersions();
    const errors: string[] = [];
    const log: Log = { ...silentLog, error: (message) => errors.push(message) };
    const source = new RoutingMapSource(new MemoryRoutingConfig(), clock, log, TTL_MS, versions);
    await changeRouting({ versions, clock }, { actor: alice, rules: [{ intent: 'comparison', tier: 'haiku' }], reason: 'test' });
    expect((await source.get()).comparison.tier).toBe('haiku');

    versions.failing = true;
    clock.advance(TTL_MS);
    expect((await source.get()).comparison.tier).toBe('haiku');
    expect(errors).toEqual(['routing configuration unreadable; keeping the previous routing map']);
  });

  it('routes by version 0 (defaults + legacy rows) while no version is committed', async () => {
    const source = new RoutingMapSource(new MemoryRoutingConfig([{ intent: 'chitchat', tier: 'template' }]), new ManualClock(), silentLog, TTL_MS, new MemoryRoutingVersionStore());
    expect(await source.current()).toEqual({ map: { ...DEFAULT_ROUTING_MAP, chitchat: { tier: 'template', locked: false } }, version: 0 });
  });
});
