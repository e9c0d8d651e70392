import { MODEL_CATALOGS } from '../../../lambdas/core/catalog';
import { applyMitigation, ThrottleWatch } from '../../../lambdas/core/capacity/mitigation';
import { DEFAULT_CAPACITY_CONFIG } from '../../../lambdas/core/capacity/config';
import {
  onDemandTarget,
  pickServingTarget,
  reconcileTier,
  tierOfThroughput,
  type ProvisionedThroughput,
  type TierSituation,
  type TierTarget,
} from '../../../lambdas/core/capacity/reconcile';
import { decideRoute } from '../../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP } from '../../../lambdas/core/vocabulary';

const NOW = Date.UTC(2026, 11, 2, 8, 0);
const SONNET_ARN = 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0';

const throughput = (arn: string, units: number, overrides: Partial<ProvisionedThroughput> = {}): ProvisionedThroughput => ({
  arn,
  name: `mangaassist-sonnet-${units}u-${arn}`,
  modelArn: SONNET_ARN,
  units,
  status: 'InService',
  committed: false,
  ...overrides,
});

const situation = (overrides: Partial<TierSituation> = {}): TierSituation => ({
  tier: 'sonnet',
  now: NOW,
  desiredUnits: 15,
  desiredReasons: ['window:evening'],
  desiredSince: Date.UTC(2026, 11, 2, 8, 0),
  throughputs: [],
  target: onDemandTarget('sonnet'),
  namePrefix: 'mangaassist',
  drainMs: 300_000,
  ...overrides,
});

const target = (provisioned: TierTarget['provisioned'], switchedAt = NOW - 3600_000, version = 3): TierTarget => ({ tier: 'sonnet', version, provisioned, switchedAt });

describe('reconcileTier: create -> InService -> switch -> drain -> delete', () => {
  it('creates the throughput with a name and token derived from tier, units and the change, then waits', () => {
    const actions = reconcileTier(situation());
    expect(actions[0]).toEqual({
      kind: 'create',
      tier: 'sonnet',
      units: 15,
      name: 'mangaassist-sonnet-15u-20261202T0800',
      clientRequestToken: 'mangaassist-sonnet-15u-20261202T0800',
      reasons: ['window:evening'],
    });
    expect(actions.map((a) => a.kind)).toEqual(['create', 'wait']);
    // The same change decided again (a retry, a concurrent run) carries the same token.
    expect(reconcileTier(situation({ now: NOW + 60_000 }))[0]).toEqual(actions[0]);
  });

  it('only waits while the new throughput is being created: no second create, no switch, no delete', () => {
    const old = throughput('old', 8);
    const creating = throughput('new', 15, { status: 'Creating' });
    const actions = reconcileTier(situation({ throughputs: [old, creating], target: target([{ arn: 'old', units: 8 }]) }));
    expect(actions.map((a) => a.kind)).toEqual(['wait']);
  });

  it('switches to the new throughput once it is InService and keeps the old one while it drains', () => {
    const actions = reconcileTier(situation({ throughputs: [throughput('old', 8), throughput('new', 15)], target: target([{ arn: 'old', units: 8 }]) }));
    expect(actions).toEqual([
      { kind: 'switch', tier: 'sonnet', expectedVersion: 3, provisioned: [{ arn: 'new', units: 15 }], reasons: ['window:evening'] },
      expect.objectContaining({ kind: 'wait', arn: 'old' }),
    ]);
  });

  it('deletes the old throughput only after the drain period', () => {
    const base = { throughputs: [throughput('old', 8), throughput('new', 15)] };
    expect(reconcileTier(situation({ ...base, target: target([{ arn: 'new', units: 15 }], NOW - 60_000) })).map((a) => a.kind)).toEqual(['wait']);
    expect(reconcileTier(situation({ ...base, target: target([{ arn: 'new', units: 15 }], NOW - 300_000) }))).toEqual([
      { kind: 'delete', tier: 'sonnet', arn: 'old', reasons: ['drained', 'not_target'] },
    ]);
  });

  it('does nothing when the target already serves the desired units', () => {
    expect(reconcileTier(situation({ throughputs: [throughput('new', 15)], target: target([{ arn: 'new', units: 15 }]) }))).toEqual([]);
  });

  it('moves to on-demand when no units are wanted, then drains and deletes', () => {
    const switched = reconcileTier(situation({ desiredUnits: 0, throughputs: [throughput('old', 15)], target: target([{ arn: 'old', units: 15 }]) }));
    expect(switched[0]).toEqual(expect.objectContaining({ kind: 'switch', provisioned: [] }));
    expect(switched.some((a) => a.kind === 'delete')).toBe(false);
    const later = reconcileTier(situation({ desiredUnits: 0, throughputs: [throughput('old', 15)], target: target([], NOW - 600_000, 4) }));
    expect(later).toEqual([expect.objectContaining({ kind: 'delete', arn: 'old' })]);
  });
});

describe('reconcileTier: what is never deleted', () => {
  it('never deletes committed throughput, and serves it as the floor with flexible units on top', () => {
    const committed = throughput('committed', 4, { committed: true, name: 'bought-by-finance' });
    const actions = reconcileTier(situation({ desiredUnits: 15, throughputs: [committed, throughput('flex', 11)], target: target([{ arn: 'committed', units: 4 }]) }));
    expect(actions[0]).toEqual(expect.objectContaining({ kind: 'switch', provisioned: [{ arn: 'committed', units: 4 }, { arn: 'flex', units: 11 }] }));
    const idle = reconcileTier(situation({ desiredUnits: 0, throughputs: [committed], target: target([{ arn: 'committed', units: 4 }], 0) }));
    expect(idle).toEqual([]);
  });

  it('never deletes the current target, even when it is not what is wanted and the drain is long over', () => {
    const actions = reconcileTier(situation({ desiredUnits: 20, throughputs: [throughput('current', 15)], target: target([{ arn: 'current', units: 15 }], 0) }));
    expect(actions.some((a) => a.kind === 'delete')).toBe(false);
    expect(actions[0]).toEqual(expect.objectContaining({ kind: 'create', units: 20 }));
  });

  it('never deletes throughput that is still being created', () => {
    const actions = reconcileTier(situation({ desiredUnits: 0, throughputs: [throughput('creating', 15, { status: 'Creating' })], target: target([], 0) }));
    expect(actions.some((a) => a.kind === 'delete')).toBe(false);
  });

  it('drops a target entry that no longer serves, falling back to on-demand while the replacement is created', () => {
    const actions = reconcileTier(situation({ throughputs: [], target: target([{ arn: 'vanished', units: 15 }]) }));
    expect(actions.map((a) => a.kind)).toEqual(['create', 'wait', 'switch']);
    expect(actions[2]).toEqual(expect.objectContaining({ provisioned: [] }));
  });

  it('deletes a failed creation at once and retries under a new name', () => {
    const failed = throughput('failed', 15, { status: 'Failed', name: 'mangaassist-sonnet-15u-20261202T0800' });
    const actions = reconcileTier(situation({ throughputs: [failed] }));
    expect(actions[0]).toEqual(expect.objectContaining({ kind: 'create', name: 'mangaassist-sonnet-15u-20261202T0800-r20261202T0800' }));
    expect(actions).toContainEqual({ kind: 'delete', tier: 'sonnet', arn: 'failed', reasons: ['failed', 'not_target'] });
  });

  it('ignores throughput that is neither ours nor committed', () => {
    const foreign = throughput('foreign', 15, { name: 'someone-elses' });
    expect(tierOfThroughput(foreign, MODEL_CATALOGS.current, 'mangaassist')).toBeUndefined();
    expect(tierOfThroughput({ ...foreign, committed: true }, MODEL_CATALOGS.current, 'mangaassist')).toBe('sonnet');
  });
});

describe('picking a serving target', () => {
  it('weights provisioned targets by their units and uses on-demand when there are none', () => {
    const t = target([{ arn: 'a', units: 1 }, { arn: 'b', units: 3 }]);
    expect(pickServingTarget(t, 0.2)?.arn).toBe('a');
    expect(pickServingTarget(t, 0.3)?.arn).toBe('b');
    expect(pickServingTarget(t, 0.999)?.arn).toBe('b');
    expect(pickServingTarget(onDemandTarget('haiku'), 0.5)).toBeUndefined();
  });
});

describe('mitigation', () => {
  const route = (intent: 'shipping_info' | 'recommendation') =>
    decideRoute({ intent, confidence: 0.9, complexity: 3, signals: [] }, { ...DEFAULT_ROUTING_MAP, shipping_info: { tier: 'sonnet', locked: false } }, MODEL_CATALOGS.current);

  it('moves an FAQ-like intent off the strong tier but never a locked one', () => {
    const model = (tier: string) => (tier === 'haiku' ? 'haiku-model' : 'sonnet-model');
    const map = { ...DEFAULT_ROUTING_MAP, shipping_info: { tier: 'sonnet' as const, locked: false } };
    const demoted = applyMitigation(route('shipping_info'), map, DEFAULT_CAPACITY_CONFIG.mitigation, model);
    expect(demoted.tier).toBe('haiku');
    expect(demoted.reasons).toContain('mitigation:demoted_to_haiku');
    const config = { ...DEFAULT_CAPACITY_CONFIG.mitigation, demoteIntents: [...DEFAULT_CAPACITY_CONFIG.mitigation.demoteIntents, 'recommendation' as const] };
    expect(applyMitigation(route('recommendation'), map, config, model).tier).toBe('sonnet');
  });

  it('switches on once the throttled share over the window reaches the threshold, with enough calls seen', () => {
    const watch = new ThrottleWatch({ throttleRateThreshold: 0.1, minCallsInWindow: 10, windowMs: 60_000 });
    for (let i = 0; i < 9; i++) watch.record(NOW + i, i < 3);
    expect(watch.shouldMitigate(NOW + 10)).toBe(false);
    watch.record(NOW + 10, false);
    expect(watch.rate(NOW + 10)).toBeCloseTo(0.3);
    expect(watch.shouldMitigate(NOW + 10)).toBe(true);
    expect(watch.shouldMitigate(NOW + 70_000)).toBe(false);
  });
});
