import { DynamoExperimentStore } from '../../lambdas/adapters/dynamodb-experiments';
import { MemoryExperimentStore } from '../../lambdas/adapters/memory-experiments';
import { DEFAULT_EXPERIMENT_CONFIG } from '../../lambdas/core/experiments/config';
import { applyDecision } from '../../lambdas/core/experiments/evaluate';
import { planExperiment } from '../../lambdas/core/experiments/model';
import { DEFAULT_ROUTING_MAP } from '../../lambdas/core/vocabulary';
import type { ExperimentStore } from '../../lambdas/ports/experiments';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { EXPERIMENTS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const experiment = (intent: 'manga_qa' | 'comparison', at = T0) =>
  planExperiment({ intent, treatmentTier: 'haiku', stages: DEFAULT_EXPERIMENT_CONFIG.stages, reason: 'r', by: 'ops' }, DEFAULT_ROUTING_MAP, undefined, at);

let dynamo: LocalDynamo;
let documents: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tablePrefix: 'expstore-' });
  documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  documents.destroy();
  await dynamo.close();
});

// The same contract for both stores: the fake the core tests use must not promise what DynamoDB does not do.
describe.each([
  ['DynamoExperimentStore (dynalite)', () => new DynamoExperimentStore(documents, dynamo.tableNames[EXPERIMENTS_TABLE.logicalName] ?? '')],
  ['MemoryExperimentStore', () => new MemoryExperimentStore()],
] as const)('%s', (_name, make) => {
  let store: ExperimentStore;
  let intent: 'manga_qa' | 'comparison';
  let round = 0;
  beforeEach(() => {
    store = make();
    round += 1;
    // Each test of the shared dynalite table uses its own start time, so ids do not meet.
    intent = round % 2 === 0 ? 'manga_qa' : 'comparison';
  });

  it('creates one active experiment per intent and moves it only on the revision it read', async () => {
    const first = experiment(intent, T0 + round * 1000);
    expect(await store.create(first)).toBe('created');
    expect(await store.create(experiment(intent, T0 + round * 1000 + 1))).toBe('intent_busy');
    const advanced = applyDecision(first, { kind: 'advance', reason: 'gates_passed' }, T0 + round * 1000 + 2);
    expect(await store.save(advanced, first.revision)).toBe(true);
    // A second run that read revision 1 writes nothing.
    expect(await store.save(applyDecision(first, { kind: 'stop', reason: 'late' }, T0), first.revision)).toBe(false);
    expect(await store.get(first.id)).toEqual(advanced);
    const stopped = applyDecision(advanced, { kind: 'stop', reason: 'done' }, T0 + round * 1000 + 3);
    expect(await store.save(stopped, advanced.revision)).toBe(true);
    // An ended experiment frees the intent and stays readable by id.
    const next = experiment(intent, T0 + round * 1000 + 4);
    expect(await store.create(next)).toBe('created');
    expect(await store.get(first.id)).toMatchObject({ status: 'stopped' });
    expect((await store.list()).find((e) => e.intent === intent)?.id).toBe(next.id);
    await store.save(applyDecision(next, { kind: 'stop', reason: 'cleanup' }, T0), next.revision);
  });

  it('adds counters atomically per stage and arm, concurrent adds included', async () => {
    const id = `${intent}.counters${round}`;
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.addAnswer({ id, stage: 0, arm: 'treatment' }, i % 2 === 0 ? 0.5 : undefined)));
    await Promise.all([store.addFeedback({ id, stage: 0, arm: 'treatment' }, 'up', 4), store.addFeedback({ id, stage: 0, arm: 'treatment' }, 'down'), store.addFeedback({ id, stage: 0, arm: 'treatment' }, undefined, 2)]);
    const counters = await store.counters(id, 0);
    expect(counters.treatment).toEqual({ answers: 20, up: 1, down: 1, csat: { count: 2, sum: 6, sumSquares: 20 }, quality: { count: 10, sum: 5, sumSquares: 2.5 } });
    expect(counters.control.answers).toBe(0);
    expect((await store.counters(id, 1)).treatment.answers).toBe(0);
  });

  it('counts an intent ratings in the bucket of the answer and sums a range [from, to)', async () => {
    const base = T0 + round * 3_600_000;
    await store.addIntentRating('chitchat', base + 60_000, 'up', 5);
    await store.addIntentRating('chitchat', base + 4 * 60_000, 'down', 5);
    await store.addIntentRating('chitchat', base + 5 * 60_000, 'up', 5);
    expect(await store.intentRatings('chitchat', { from: base, to: base + 5 * 60_000 })).toEqual({ up: 1, down: 1 });
    expect(await store.intentRatings('chitchat', { from: base, to: base + 10 * 60_000 })).toEqual({ up: 2, down: 1 });
  });

  it('records a rollback once, however often it is reported', async () => {
    const record = { at: T0 + round, intent: 'translation' as const, kind: 'version' as const, fromVersion: 100 + round, toVersion: 99 + round, newVersion: 101 + round, reason: 'drop' };
    await store.recordRollback(record);
    await store.recordRollback({ ...record, at: record.at + 900_000 });
    expect((await store.rollbacks(100)).filter((r) => r.fromVersion === record.fromVersion)).toEqual([record]);
  });
});
