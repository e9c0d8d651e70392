import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoExperimentStore } from '../../lambdas/adapters/dynamodb-experiments';
import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { evaluateExperiments, type EvaluatorDeps } from '../../lambdas/app/experiments/evaluate';
import { startExperiment, stopExperiment } from '../../lambdas/app/experiments/manage';
import { activeRouting, changeRouting } from '../../lambdas/app/routing-changes';
import { DEFAULT_EXPERIMENT_CONFIG } from '../../lambdas/core/experiments/config';
import type { Arm } from '../../lambdas/core/experiments/assignment';
import { bucketStart } from '../../lambdas/core/experiments/rollback';
import { routingMapOf } from '../../lambdas/core/routing-versions';
import type { Intent } from '../../lambdas/core/vocabulary';
import type { MetricsSink } from '../../lambdas/ports';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { EXPERIMENTS_TABLE, ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo } from '../../local/dynamo';
import { ManualClock, silentLog } from '../support/fakes';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const config = DEFAULT_EXPERIMENT_CONFIG;

/** The metrics the evaluator published, by name. */
class CountingMetrics implements MetricsSink {
  readonly counts = new Map<string, number>();
  record(name: string, value: number): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
}

/**
 * Seed 000 scenarios 1 and 4 replayed through the evaluator on the real stores (dynalite): the blanket change of
 * scenario 4 (manga_qa and comparison from sonnet to haiku at once) as per-intent experiments; scenario 1's move of
 * the locked recommendation intent. Arms and satisfaction buckets are filled through the table's contract
 * (lambdas/schema/tables.ts EXPERIMENTS_TABLE): the traffic of 72 hours, written as the counters the answer and
 * feedback paths add to.
 */
describe('experiment evaluator on dynalite (seed 000 scenarios 1 and 4)', () => {
  let prefix = 0;

  /** Fresh tables per test. */
  const fresh = async () => {
    prefix += 1;
    const local = await startLocalDynamo({ tablePrefix: `exp${prefix}-` });
    const client = createDocumentClient({ region: 'ap-northeast-1', endpoint: local.endpoint, credentials: LOCAL_CREDENTIALS });
    const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
    const metrics = new CountingMetrics();
    const table = local.tableNames[EXPERIMENTS_TABLE.logicalName] ?? '';
    const routing = {
      versions: new DynamoRoutingVersionStore(client, local.tableNames[ROUTING_VERSIONS_TABLE.logicalName] ?? ''),
      legacy: new DynamoRoutingConfigStore(client, local.tableNames[ROUTING_CONFIG_TABLE.logicalName] ?? ''),
      clock,
    };
    const experiments = new DynamoExperimentStore(client, table);
    const deps: EvaluatorDeps = { experiments, routing, config, clock, log: silentLog, metrics };
    const arms = async (id: string, stage: number, arm: Arm, answers: number, up: number, down: number) =>
      client.send(new PutCommand({ TableName: table, Item: { pk: `EXPERIMENT#${id}`, sk: `ARM#${stage}#${arm}`, answers, up, down } }));
    const ratings = async (intent: Intent, at: number, up: number, down: number) =>
      client.send(new PutCommand({ TableName: table, Item: { pk: `SATISFACTION#${intent}`, sk: String(bucketStart(at, config.rollback)).padStart(15, '0'), up, down } }));
    const manage = { experiments, routing, config, clock };
    return { deps, clock, metrics, experiments, routing, arms, ratings, manage, close: async () => { client.destroy(); await local.close(); } };
  };

  it('scenario 4 as per-intent experiments: manga_qa stops at the gate, comparison is promoted to a routing version', async () => {
    const { deps, clock, metrics, experiments, routing, arms, manage, close } = await fresh();
    try {
      const qa = await startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', reason: 'seed 000 scenario 4: 15/50/35 -> 8/52/40', by: 'ops' });
      const cmp = await startExperiment(manage, { intent: 'comparison', tier: 'haiku', reason: 'seed 000 scenario 4', by: 'ops' });
      expect(qa).toMatchObject({ controlTier: 'sonnet', treatmentTier: 'haiku', stage: 0, status: 'running' });

      // 48 h at 10%: manga_qa's answers on haiku are rated 10 points lower (CSAT fell for days in the seed); comparison's are not.
      clock.advance(48 * HOUR + MINUTE);
      await arms(qa.id, 0, 'control', 19_000, 1_720, 280);
      await arms(qa.id, 0, 'treatment', 2_100, 380, 120);
      await arms(cmp.id, 0, 'control', 18_500, 1_700, 300);
      await arms(cmp.id, 0, 'treatment', 2_050, 1_705, 295);
      const first = await evaluateExperiments(deps);

      expect(first.decisions).toEqual(
        expect.arrayContaining([
          { id: qa.id, intent: 'manga_qa', kind: 'stop', reason: expect.stringMatching(/^gate_failed:up_rate:drop=0\.1163>0\.05$/) },
          { id: cmp.id, intent: 'comparison', kind: 'advance', reason: 'gates_passed:10%->25%' },
        ]),
      );
      const stopped = await experiments.get(qa.id);
      expect(stopped?.status).toBe('stopped');
      expect(stopped?.lastDecision?.figures?.gates[0]).toMatchObject({ gate: 'up_rate', verdict: 'fail', control: 0.86, treatment: 0.76 });

      // The canary: 24 h at 25%, ratings as good as control's.
      clock.advance(24 * HOUR + MINUTE);
      await arms(cmp.id, 1, 'control', 14_000, 1_300, 200);
      await arms(cmp.id, 1, 'treatment', 4_600, 1_290, 210);
      const second = await evaluateExperiments(deps);
      expect(second.decisions).toEqual([{ id: cmp.id, intent: 'comparison', kind: 'completed', reason: 'version 1' }]);

      const active = await activeRouting(routing);
      const map = routingMapOf(active.version);
      expect(map.comparison).toEqual({ tier: 'haiku', locked: false });
      expect(map.manga_qa).toEqual({ tier: 'sonnet', locked: false });
      expect(active.version).toMatchObject({ version: 1, parent: 0, kind: 'automation', createdBy: 'experiment-evaluator', actorKind: 'automation' });
      expect(await experiments.get(cmp.id)).toMatchObject({ status: 'completed', promotedVersion: 1, previousVersion: 0 });
      expect((await experiments.decisions(cmp.id)).map((decision) => decision.kind)).toEqual(['hold', 'advance', 'promote', 'promote']);
      expect(metrics.counts.get('RoutingRollbacks') ?? 0).toBe(0);
    } finally {
      await close();
    }
  });

  it('rolls a regressing change back within the hour: the routing map is exactly the previous version, once', async () => {
    const { deps, clock, metrics, experiments, routing, arms, ratings, manage, close } = await fresh();
    try {
      // comparison was answered well on sonnet for the day before (85% up).
      for (let hour = 24; hour >= 1; hour -= 1) await ratings('comparison', clock.now() + 72 * HOUR - hour * HOUR, 85, 15);
      const cmp = await startExperiment(manage, { intent: 'comparison', tier: 'haiku', reason: 'cheaper', by: 'ops' });
      clock.advance(48 * HOUR + MINUTE);
      await arms(cmp.id, 0, 'control', 18_000, 1_700, 300);
      await arms(cmp.id, 0, 'treatment', 2_050, 1_700, 300);
      await evaluateExperiments(deps);
      clock.advance(24 * HOUR + MINUTE);
      await arms(cmp.id, 1, 'control', 14_000, 1_300, 200);
      await arms(cmp.id, 1, 'treatment', 4_600, 1_300, 200);
      await evaluateExperiments(deps);
      const previous = await routing.versions.get(0);
      const promoted = (await activeRouting(routing)).version;
      expect(promoted.version).toBe(1);

      // Full traffic on haiku goes worse than the canary showed: 62% up in the 40 minutes after the change.
      const changedAt = Date.parse(promoted.createdAt);
      await ratings('comparison', changedAt + 10 * MINUTE, 40, 25);
      await ratings('comparison', changedAt + 30 * MINUTE, 22, 13);
      clock.advance(45 * MINUTE);
      const report = await evaluateExperiments(deps);

      expect(report.rollbacks).toEqual([
        expect.objectContaining({ intent: 'comparison', kind: 'version', fromVersion: 1, toVersion: 0, newVersion: 2, experimentId: cmp.id, reason: 'satisfaction_drop=0.2706>0.15:v1->v0' }),
      ]);
      const active = (await activeRouting(routing)).version;
      expect(active).toMatchObject({ version: 2, parent: 1, createdBy: 'experiment-evaluator' });
      expect(routingMapOf(active)).toEqual(routingMapOf(previous!));
      expect(active.rules).toEqual(previous!.rules);
      expect(await experiments.get(cmp.id)).toMatchObject({ status: 'rolled_back' });
      expect(metrics.counts.get('RoutingRollbacks')).toBe(1);
      expect(await experiments.rollbacks(10)).toHaveLength(1);

      // The next run (and one at the same time) finds it done: no second revert, no second record or alarm.
      clock.advance(15 * MINUTE);
      await Promise.all([evaluateExperiments(deps), evaluateExperiments(deps)]);
      expect((await activeRouting(routing)).version.version).toBe(2);
      expect(await experiments.rollbacks(10)).toHaveLength(1);
      expect(metrics.counts.get('RoutingRollbacks')).toBe(1);
    } finally {
      await close();
    }
  });

  it('switches a treatment arm off at once when it drops more than 15% within the hour of its stage', async () => {
    const { deps, clock, metrics, experiments, routing, arms, manage, close } = await fresh();
    try {
      const qa = await startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', reason: 'r', by: 'ops' });
      clock.advance(40 * MINUTE);
      await arms(qa.id, 0, 'control', 900, 86, 14);
      await arms(qa.id, 0, 'treatment', 100, 55, 45);
      const report = await evaluateExperiments(deps);
      expect(report.rollbacks).toEqual([expect.objectContaining({ intent: 'manga_qa', kind: 'arm', experimentId: qa.id })]);
      expect(await experiments.get(qa.id)).toMatchObject({ status: 'rolled_back' });
      expect(metrics.counts.get('RoutingRollbacks')).toBe(1);
      // The map never changed: an arm is not a version.
      expect(await routing.versions.active()).toBeNull();
    } finally {
      await close();
    }
  });

  it('never moves a locked intent: scenario 1 refused at the start, and an intent locked mid-experiment is stopped, not promoted', async () => {
    const { deps, clock, experiments, routing, arms, manage, close } = await fresh();
    try {
      await expect(startExperiment(manage, { intent: 'recommendation', tier: 'haiku', reason: 'seed 000 scenario 1: experimentally', by: 'ops' })).rejects.toMatchObject({ code: 'intent_locked' });
      const cmp = await startExperiment(manage, { intent: 'comparison', tier: 'haiku', reason: 'r', by: 'ops' });
      // A person locks comparison while it runs.
      await changeRouting(routing, { actor: { kind: 'person', name: 'lead' }, rules: [{ intent: 'comparison', tier: 'sonnet', locked: true }], reason: 'quality first' });
      clock.advance(48 * HOUR + MINUTE);
      await arms(cmp.id, 0, 'control', 18_000, 1_700, 300);
      await arms(cmp.id, 0, 'treatment', 2_050, 1_700, 300);
      const report = await evaluateExperiments(deps);
      expect(report.decisions).toEqual([{ id: cmp.id, intent: 'comparison', kind: 'stop', reason: 'intent_locked' }]);
      expect(routingMapOf((await activeRouting(routing)).version).comparison).toEqual({ tier: 'sonnet', locked: true });
      expect((await routing.versions.history(10)).map((version) => version.createdBy)).not.toContain('experiment-evaluator');
      expect(await experiments.get(cmp.id)).toMatchObject({ status: 'stopped', endReason: 'intent_locked' });
    } finally {
      await close();
    }
  });

  it('is safe to run twice, and twice at once: the same state, one promotion, one version', async () => {
    const { deps, clock, experiments, routing, arms, manage, close } = await fresh();
    try {
      const cmp = await startExperiment(manage, { intent: 'comparison', tier: 'haiku', stages: '10,100', reason: 'r', by: 'ops' });
      clock.advance(48 * HOUR + MINUTE);
      await arms(cmp.id, 0, 'control', 18_000, 1_700, 300);
      await arms(cmp.id, 0, 'treatment', 2_050, 1_700, 300);

      await Promise.all([evaluateExperiments(deps), evaluateExperiments(deps)]);
      const once = { experiments: await experiments.list(), versions: await routing.versions.history(10), decisions: await experiments.decisions(cmp.id) };
      await evaluateExperiments(deps);
      const twice = { experiments: await experiments.list(), versions: await routing.versions.history(10), decisions: await experiments.decisions(cmp.id) };

      expect(twice).toEqual(once);
      expect(once.versions.map((version) => version.version)).toEqual([1, 0]);
      expect(once.experiments).toEqual([expect.objectContaining({ id: cmp.id, status: 'completed', promotedVersion: 1 })]);
    } finally {
      await close();
    }
  });

  it('a person stops an experiment in one command; a second stop or a second start on the intent is refused', async () => {
    const { experiments, manage, close } = await fresh();
    try {
      const qa = await startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', reason: 'r', by: 'ops' });
      await expect(startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', reason: 'again', by: 'ops' })).rejects.toMatchObject({ code: 'experiment_running' });
      const stopped = await stopExperiment(manage, qa.id, 'INC-1 CSAT', 'alice');
      expect(stopped).toMatchObject({ status: 'stopped', endReason: 'stopped_by:alice:INC-1 CSAT' });
      await expect(stopExperiment(manage, qa.id, 'again', 'alice')).rejects.toMatchObject({ code: 'not_running' });
      // A new one may start on the intent; the ended one is kept under its id.
      const next = await startExperiment(manage, { intent: 'manga_qa', tier: 'haiku', stages: 'gradual', reason: 'retry', by: 'ops' });
      expect(next.stages.map((stage) => stage.share)).toEqual([1, 10, 50, 100]);
      expect(await experiments.get(qa.id)).toMatchObject({ status: 'stopped' });
    } finally {
      await close();
    }
  });
});
