import { MODEL_CATALOGS } from '../../../lambdas/core/catalog';
import {
  applyDecision,
  applyExperiment,
  assignArm,
  assignmentSubject,
  decideExperiment,
  decideRollback,
  DEFAULT_EXPERIMENT_CONFIG,
  EMPTY_COUNTERS,
  fmix32,
  fnv1a32,
  meanTest,
  normalCdf,
  planExperiment,
  proportionTest,
  resolveStagePlan,
  rollbackRanges,
  type ArmCounters,
  type Experiment,
  type StageCounters,
} from '../../../lambdas/core/experiments';
import { DEFAULT_ROUTING_MAP, type Tier } from '../../../lambdas/core/vocabulary';
import type { RouteDecision } from '../../../lambdas/core/routing';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);
const config = DEFAULT_EXPERIMENT_CONFIG;

const experiment = (over: Partial<Experiment> = {}): Experiment => ({
  ...planExperiment({ intent: 'manga_qa', treatmentTier: 'haiku', stages: config.stages, reason: 'seed 000 scenario 4', by: 'ops' }, DEFAULT_ROUTING_MAP, undefined, T0),
  ...over,
});

const arm = (answers: number, up: number, down: number, extra: Partial<ArmCounters> = {}): ArmCounters => ({ ...EMPTY_COUNTERS, answers, up, down, ...extra });
const context = (now: number, current: { tier: Tier; locked: boolean } = { tier: 'sonnet', locked: false }) => ({ now, config, current });

describe('statistical test (hand-computed values)', () => {
  it('two proportions 170/200 vs 150/200: pooled z -2.5, p 0.0124; margin z -1.478', () => {
    // pooled p = 320/400 = 0.8, se = sqrt(0.8 * 0.2 * (1/200 + 1/200)) = 0.04, z = (0.75 - 0.85) / 0.04 = -2.5
    // margin 5%: (0.75 - 0.95 * 0.85) / sqrt(0.75 * 0.25 / 200 + 0.95^2 * 0.85 * 0.15 / 200) = -0.0575 / 0.038895 = -1.4783
    const test = proportionTest({ x: 170, n: 200 }, { x: 150, n: 200 }, 0.05);
    expect(test.controlRate).toBeCloseTo(0.85, 10);
    expect(test.treatmentRate).toBeCloseTo(0.75, 10);
    expect(test.relativeDrop).toBeCloseTo(0.117647, 5);
    expect(test.zDifference).toBeCloseTo(-2.5, 10);
    expect(test.pDifference).toBeCloseTo(0.01242, 4);
    expect(test.zMargin).toBeCloseTo(-1.4783, 3);
  });

  it('means 4,4,5,5 vs 3,4,4,5 at a 5% margin: z -0.559', () => {
    // variances 1/3 and 2/3; (4 - 0.95 * 4.5) / sqrt((2/3)/4 + 0.9025 * (1/3)/4) = -0.275 / 0.49181 = -0.55916
    const test = meanTest({ count: 4, sum: 18, sumSquares: 82 }, { count: 4, sum: 16, sumSquares: 66 }, 0.05);
    expect(test.controlMean).toBe(4.5);
    expect(test.treatmentMean).toBe(4);
    expect(test.zMargin).toBeCloseTo(-0.55916, 4);
  });

  it('normal CDF at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.645)).toBeCloseTo(0.05, 3);
  });

  it('no variance on either arm gives a bounded z, not NaN', () => {
    const test = proportionTest({ x: 100, n: 100 }, { x: 100, n: 100 }, 0.05);
    expect(test.zMargin).toBe(99);
    expect(test.zDifference).toBe(0);
  });
});

describe('sticky arms', () => {
  const subjects = Array.from({ length: 5000 }, (_, i) => `customer:c${i}`);

  it('the same customer always gets the same arm, and FNV-1a is the published function', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    // MurmurHash3 fmix32 of 1 (the published finalizer's value).
    expect(fmix32(1)).toBe(0x514e28b7);
    for (const subject of subjects.slice(0, 200)) expect(assignArm('manga_qa.x', subject, 10)).toBe(assignArm('manga_qa.x', subject, 10));
  });

  it('raising the share only moves control to treatment; the split is near the share', () => {
    const at10 = subjects.filter((s) => assignArm('manga_qa.x', s, 10) === 'treatment');
    const at25 = new Set(subjects.filter((s) => assignArm('manga_qa.x', s, 25) === 'treatment'));
    for (const subject of at10) expect(at25.has(subject)).toBe(true);
    expect(at10.length / subjects.length).toBeGreaterThan(0.085);
    expect(at10.length / subjects.length).toBeLessThan(0.115);
    expect(subjects.every((s) => assignArm('manga_qa.x', s, 100) === 'treatment')).toBe(true);
  });

  it('two experiments do not pick the same customers', () => {
    const a = subjects.filter((s) => assignArm('manga_qa.a', s, 10) === 'treatment');
    const b = new Set(subjects.filter((s) => assignArm('chitchat.a', s, 10) === 'treatment'));
    expect(a.filter((s) => b.has(s)).length).toBeLessThan(a.length * 0.3);
  });

  it('a customer is keyed by id, a guest by session', () => {
    expect(assignmentSubject('customer:alice', 'sess-1')).toBe('customer:alice');
    expect(assignmentSubject('guest:conn-1', 'sess-1')).toBe('session:sess-1');
    expect(assignmentSubject('guest:conn-1')).toBe('guest:conn-1');
  });
});

describe('planExperiment', () => {
  it('refuses a locked intent (recommendation), the current tier, a template tier without template, a second one', () => {
    const start = (intent: string, tier: string, current?: Experiment) =>
      planExperiment({ intent, treatmentTier: tier, stages: config.stages, reason: 'r', by: 'ops' }, DEFAULT_ROUTING_MAP, current, T0);
    expect(() => start('recommendation', 'haiku')).toThrow(expect.objectContaining({ code: 'intent_locked' }));
    expect(() => start('manga_qa', 'sonnet')).toThrow(expect.objectContaining({ code: 'same_tier' }));
    expect(() => start('manga_qa', 'template')).toThrow(expect.objectContaining({ code: 'invalid_experiment' }));
    expect(() => start('manga_qa', 'haiku', experiment())).toThrow(expect.objectContaining({ code: 'experiment_running' }));
    expect(() => start('nope', 'haiku')).toThrow(expect.objectContaining({ code: 'invalid_experiment' }));
  });

  it('stages from configuration: names, share lists, and bad lists refused', () => {
    expect(resolveStagePlan(undefined).map((s) => s.share)).toEqual([10, 25, 100]);
    expect(resolveStagePlan('gradual').map((s) => s.share)).toEqual([1, 10, 50, 100]);
    expect(resolveStagePlan('10,25,100')[0]).toEqual({ share: 10, minHours: 48, minSamples: 2000 });
    expect(() => resolveStagePlan('25,10,100')).toThrow(/rise strictly/);
    expect(() => resolveStagePlan('10,25')).toThrow(/last stage must be 100/);
  });
});

describe('decideExperiment', () => {
  const counters = (control: ArmCounters, treatment: ArmCounters): StageCounters => ({ control, treatment });

  it('holds on too few samples even with a perfect treatment', () => {
    const decision = decideExperiment(experiment(), counters(arm(18_000, 150, 30), arm(1_999, 180, 0)), context(T0 + 49 * HOUR));
    expect(decision).toMatchObject({ kind: 'hold', reason: 'min_samples:1999<2000' });
    expect(decideExperiment(experiment(), counters(arm(18_000, 1700, 300), arm(2_000, 1700, 300)), context(T0 + 47 * HOUR)).kind).toBe('hold');
  });

  it('advances 10% -> 25% when the up-rate is confidently within 5%, and promotes from the canary', () => {
    const equal = counters(arm(18_000, 1700, 300), arm(2_000, 1700, 300));
    expect(decideExperiment(experiment(), equal, context(T0 + 48 * HOUR))).toMatchObject({ kind: 'advance', reason: 'gates_passed:10%->25%' });
    const canary = applyDecision(experiment(), { kind: 'advance', reason: 'x' }, T0 + 48 * HOUR);
    expect(canary).toMatchObject({ stage: 1, revision: 2, stageStartedAt: T0 + 48 * HOUR });
    expect(decideExperiment(canary, equal, context(T0 + 72 * HOUR)).kind).toBe('promote');
  });

  it('stops at the gate when the drop is confidently beyond 5% (seed 000 scenario 4: manga_qa on haiku)', () => {
    // control 85% up, treatment 76%: a 10.6% drop, margin z about -3.2
    const decision = decideExperiment(experiment(), counters(arm(18_000, 850, 150), arm(2_000, 760, 240)), context(T0 + 6 * HOUR));
    expect(decision.kind).toBe('stop');
    expect(decision.reason).toMatch(/^gate_failed:up_rate:drop=0\.10\d+>0\.05$/);
    expect(decision.figures?.gates[0]).toMatchObject({ gate: 'up_rate', verdict: 'fail', control: 0.85, treatment: 0.76 });
  });

  it('rolls the arm back inside the window on a drop beyond 15%', () => {
    const decision = decideExperiment(experiment(), counters(arm(900, 85, 15), arm(100, 60, 40)), context(T0 + 50 * 60_000));
    expect(decision.kind).toBe('rollback');
    expect(decision.reason).toMatch(/^rollback:arm_satisfaction_drop=0\.29/);
  });

  it('stops a locked intent or one whose control moved, and never promotes it', () => {
    const equal = counters(arm(18_000, 1700, 300), arm(2_000, 1700, 300));
    expect(decideExperiment(experiment(), equal, context(T0 + 48 * HOUR, { tier: 'sonnet', locked: true }))).toMatchObject({ kind: 'stop', reason: 'intent_locked' });
    expect(decideExperiment(experiment(), equal, context(T0 + 48 * HOUR, { tier: 'haiku', locked: false })).reason).toBe('control_changed:sonnet->haiku');
  });

  it('uses the quality score where ratings are sparse, holds while undecided, and stops past the maximum', () => {
    const quality = (mean: number) => ({ count: 400, sum: 400 * mean, sumSquares: 400 * (mean * mean + 0.01) });
    const sparse = counters(arm(18_000, 10, 2, { quality: quality(0.8) }), arm(2_000, 10, 2, { quality: quality(0.79) }));
    expect(decideExperiment(experiment(), sparse, context(T0 + 48 * HOUR)).kind).toBe('advance');
    const none = counters(arm(18_000, 10, 2), arm(2_000, 10, 2));
    expect(decideExperiment(experiment(), none, context(T0 + 48 * HOUR))).toMatchObject({ kind: 'hold', reason: 'undecided:up_rate:insufficient_samples' });
    expect(decideExperiment(experiment(), none, context(T0 + 145 * HOUR)).kind).toBe('stop');
  });

  it('is a function of its inputs: a hold keeps the revision, the same inputs give the same decision', () => {
    const input = counters(arm(100, 1, 0), arm(10, 1, 0));
    const first = decideExperiment(experiment(), input, context(T0 + HOUR * 2));
    expect(decideExperiment(experiment(), input, context(T0 + HOUR * 2))).toEqual(first);
    expect(applyDecision(experiment(), first, T0).revision).toBe(1);
  });
});

describe('automatic rollback after a change', () => {
  const change = { intent: 'chitchat' as const, version: 7, previousVersion: 6, at: T0 + 7 * 60_000 };
  const rule = { config: config.rollback, evaluatorPeriodMinutes: 15, locked: false };

  it('compares the whole buckets after the change with the 24 h before it', () => {
    const ranges = rollbackRanges(change, config.rollback);
    expect(ranges.after).toEqual({ from: T0 + 10 * 60_000, to: T0 + 67 * 60_000 });
    expect(ranges.baseline).toEqual({ from: T0 + 5 * 60_000 - 24 * HOUR, to: T0 + 5 * 60_000 });
  });

  it('reverts on a drop beyond 15% within the hour, not on 10%, not on too few ratings, not after the window', () => {
    const now = change.at + 40 * 60_000;
    const verdict = decideRollback(change, { up: 900, down: 100 }, { up: 70, down: 30 }, { ...rule, now });
    expect(verdict).toMatchObject({ kind: 'rollback', reason: 'satisfaction_drop=0.2222>0.15:v7->v6', figures: { baselineRate: 0.9, afterRate: 0.7 } });
    expect(decideRollback(change, { up: 900, down: 100 }, { up: 81, down: 19 }, { ...rule, now }).kind).toBe('watch');
    expect(decideRollback(change, { up: 900, down: 100 }, { up: 20, down: 20 }, { ...rule, now })).toMatchObject({ kind: 'watch', reason: 'min_feedback:40<50' });
    expect(decideRollback(change, { up: 900, down: 100 }, { up: 70, down: 30 }, { ...rule, now: change.at + 76 * 60_000 }).kind).toBe('expired');
    expect(decideRollback(change, { up: 900, down: 100 }, { up: 70, down: 30 }, { ...rule, now, locked: true }).kind).toBe('blocked');
  });
});

describe('applyExperiment', () => {
  const catalog = MODEL_CATALOGS.current;
  const modelFor = (tier: string) => (tier === 'template' ? null : tier === 'haiku' ? catalog.haiku.modelId : catalog.sonnet.modelId);
  const decision: RouteDecision = { intent: 'manga_qa', tier: 'sonnet', model: catalog.sonnet.modelId, complexity: 3, confidence: 0.9, reasons: ['intent:manga_qa', 'map:sonnet'] };
  const subjects = Array.from({ length: 200 }, (_, i) => `customer:c${i}`);

  it('puts the treatment arm on the treatment tier with its reason, and tags the control arm', () => {
    const running = experiment();
    const routed = subjects.map((s) => applyExperiment(decision, running, s, DEFAULT_ROUTING_MAP, modelFor));
    const treated = routed.filter((d) => d.experiment?.arm === 'treatment');
    expect(treated.length).toBeGreaterThan(5);
    for (const d of treated) expect(d).toMatchObject({ tier: 'haiku', model: catalog.haiku.modelId, reasons: expect.arrayContaining([`experiment:${running.id}:treatment`]) });
    for (const d of routed.filter((r) => r.experiment?.arm === 'control')) expect(d.tier).toBe('sonnet');
    expect(routed.every((d) => d.experiment !== undefined)).toBe(true);
  });

  it('leaves other intents, stopped experiments and policy-moved decisions alone', () => {
    expect(applyExperiment({ ...decision, intent: 'comparison' }, experiment(), 'customer:c1', DEFAULT_ROUTING_MAP, modelFor).experiment).toBeUndefined();
    expect(applyExperiment(decision, experiment({ status: 'stopped' }), 'customer:c1', DEFAULT_ROUTING_MAP, modelFor)).toBe(decision);
    expect(applyExperiment({ ...decision, tier: 'haiku' }, experiment(), 'customer:c1', DEFAULT_ROUTING_MAP, modelFor).experiment).toBeUndefined();
    const everyone = experiment({ stages: [{ share: 99, minHours: 0, minSamples: 0 }, { share: 100, minHours: 0, minSamples: 0 }] });
    expect(applyExperiment({ ...decision, intents: ['manga_qa', 'comparison'] }, everyone, 'customer:c1', DEFAULT_ROUTING_MAP, modelFor).experiment).toBeUndefined();
    expect(applyExperiment(decision, everyone, 'customer:c1', DEFAULT_ROUTING_MAP, modelFor).experiment).toBeDefined();
  });
});
