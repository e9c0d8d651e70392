import { MemoryExperimentStore } from '../../lambdas/adapters/memory-experiments';
import { MemoryRoutingVersionStore } from '../../lambdas/adapters/memory-routing-versions';
import { DEFAULT_EXPERIMENT_CONFIG } from '../../lambdas/core/experiments/config';
import { makeExperimentEvaluatorHandler } from '../../lambdas/handlers/experiment-evaluator';
import { parseExperimentConfig } from '../../lambdas/runtime/experiments-config';
import { CliUsageError } from '../../local/cli/capacity';
import { runExperiment, type ExperimentCliDeps } from '../../local/cli/experiments';
import { ManualClock, silentLog } from '../support/fakes';

const setup = () => {
  const clock = new ManualClock(Date.parse('2026-12-02T03:00:00Z'));
  const experiments = new MemoryExperimentStore();
  const routing = { versions: new MemoryRoutingVersionStore(), clock };
  const output: string[] = [];
  const errors: string[] = [];
  const deps: ExperimentCliDeps = {
    stores: async () => ({ experiments, routing }),
    config: DEFAULT_EXPERIMENT_CONFIG,
    clock,
    write: (line) => output.push(line),
    err: (line) => errors.push(line),
    operator: 'tester',
    log: silentLog,
    metrics: { record: () => undefined },
  };
  const last = (): Record<string, unknown> => JSON.parse(output.at(-1) ?? '{}') as Record<string, unknown>;
  return { deps, clock, experiments, routing, output, errors, last };
};

describe('routing experiment (CLI)', () => {
  it('starts, shows, evaluates and stops an experiment, JSON on stdout', async () => {
    const { deps, clock, last } = setup();
    expect(await runExperiment(['start', 'manga_qa', 'haiku', '--reason', 'eval 9.0 vs 8.5', '--stages', 'gradual'], deps)).toBe(0);
    const started = last();
    expect(started).toMatchObject({ started: true, intent: 'manga_qa', status: 'running', change: 'sonnet -> haiku', share: 1, stages: [1, 10, 50, 100], startedBy: 'tester' });
    const id = String(started['id']);

    expect(await runExperiment(['show'], deps)).toBe(0);
    expect(last()).toEqual({ experiments: [expect.objectContaining({ id, status: 'running' })] });
    expect(await runExperiment(['show', id], deps)).toBe(0);
    expect(last()).toMatchObject({ id, counters: { control: { answers: 0 }, treatment: { answers: 0 } }, gates: [{ gate: 'up_rate', verdict: 'insufficient' }, { gate: 'csat' }, { gate: 'quality' }] });

    clock.advance(3_600_000);
    expect(await runExperiment(['evaluate'], deps)).toBe(0);
    expect(last()).toEqual({ decisions: [{ id, intent: 'manga_qa', kind: 'hold', reason: 'min_duration:1h<24h' }], rollbacks: [] });

    expect(await runExperiment(['stop', id, '--reason', 'INC-3', '--by', 'alice'], deps)).toBe(0);
    expect(last()).toMatchObject({ stopped: true, status: 'stopped', endReason: 'stopped_by:alice:INC-3' });
    expect(await runExperiment(['rollbacks'], deps)).toBe(0);
    expect(last()).toEqual({ rollbacks: [] });
  });

  it('refuses a locked intent, the current tier and a second stop with exit 2 and a stable code, writing nothing', async () => {
    const { deps, errors, experiments } = setup();
    expect(await runExperiment(['start', 'recommendation', 'haiku', '--reason', 'seed 000 scenario 1'], deps)).toBe(2);
    expect(errors.at(-1)).toMatch(/^refused intent_locked: intent recommendation is locked/);
    expect(await runExperiment(['start', 'manga_qa', 'sonnet', '--reason', 'r'], deps)).toBe(2);
    expect(errors.at(-1)).toMatch(/^refused same_tier:/);
    expect(await runExperiment(['start', 'manga_qa', 'haiku', '--reason', 'r', '--stages', '25,10,100'], deps)).toBe(2);
    expect(errors.at(-1)).toMatch(/^refused invalid_experiment: --stages 25,10,100: stage shares must rise strictly/);
    expect(await experiments.list()).toEqual([]);
    expect(await runExperiment(['stop', 'manga_qa.nope', '--reason', 'r'], deps)).toBe(2);
    expect(errors.at(-1)).toMatch(/^refused not_found:/);
  });

  it('throws usage errors for what the operator mistyped', async () => {
    const { deps } = setup();
    await expect(runExperiment(['start', 'manga_qa', 'haiku'], deps)).rejects.toThrow(CliUsageError);
    await expect(runExperiment(['start', 'manga_qa'], deps)).rejects.toThrow(/start takes <intent> <tier>/);
    await expect(runExperiment(['stop', 'x'], deps)).rejects.toThrow(/stop needs --reason/);
    await expect(runExperiment(['frobnicate'], deps)).rejects.toThrow(/unknown experiment command/);
    await expect(runExperiment(['rollbacks', '--limit', '0'], deps)).rejects.toThrow(/--limit must be 1-1000/);
  });
});

describe('EXPERIMENTS_CONFIG', () => {
  it('is the defaults when unset, and overrides only what it names', () => {
    expect(parseExperimentConfig(undefined)).toBe(DEFAULT_EXPERIMENT_CONFIG);
    const config = parseExperimentConfig('{"gates":{"minFeedbackPerArm":500},"rollback":{"drop":0.1},"plans":{"fast":[{"share":50,"minHours":1,"minSamples":10},{"share":100}]}}');
    expect(config.gates).toEqual({ ...DEFAULT_EXPERIMENT_CONFIG.gates, minFeedbackPerArm: 500 });
    expect(config.rollback.drop).toBe(0.1);
    expect(config.rollback.windowMinutes).toBe(60);
    expect(config.plans['fast']?.map((stage) => stage.share)).toEqual([50, 100]);
    expect(config.plans['gradual']).toBeDefined();
  });

  it('lists every problem at once: unknown keys, values out of range, a bad plan, bad JSON', () => {
    expect(() => parseExperimentConfig('{"gates":{"satisfactionDrop":2,"typo":1},"stages":[{"share":10}],"extra":true}')).toThrow(
      'invalid experiments configuration: extra: unknown setting; gates.satisfactionDrop: must be a number from 0 to 1; gates.typo: unknown setting; stages: a stage plan needs at least one partial stage and then 100',
    );
    expect(() => parseExperimentConfig('{')).toThrow('experiments configuration is not valid JSON');
    expect(() => parseExperimentConfig('[]')).toThrow('must be a JSON object');
  });
});

describe('the evaluator handler', () => {
  it('runs on the schedule payload and refuses anything else with a clear error', async () => {
    const { clock, experiments, routing } = setup();
    const handler = makeExperimentEvaluatorHandler({ experiments, routing, config: DEFAULT_EXPERIMENT_CONFIG, clock, log: silentLog, metrics: { record: () => undefined } });
    await expect(handler({ kind: 'scheduled' })).resolves.toEqual({ decisions: [], rollbacks: [] });
    await expect(handler({ source: 'aws.events' })).rejects.toThrow('not an evaluator payload ({"kind":"scheduled"})');
  });
});
