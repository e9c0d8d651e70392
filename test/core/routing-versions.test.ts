import {
  diffVersions,
  initialVersion,
  parseRoutingVersion,
  planChange,
  planRollback,
  revertIntent,
  routingMapOf,
  sameRouting,
  type RoutingActor,
  type RoutingChangePlan,
  type RoutingVersion,
} from '../../lambdas/core/routing-versions';
import { DEFAULT_ROUTING_MAP, INTENTS } from '../../lambdas/core/vocabulary';

const AT = '2026-12-02T03:00:00.000Z';
const alice: RoutingActor = { kind: 'person', name: 'alice' };
const evaluator: RoutingActor = { kind: 'automation', name: 'experiment-evaluator' };
const v0 = initialVersion([], AT).version;

const next = (plan: RoutingChangePlan): RoutingVersion => {
  if (!plan.ok) throw new Error(`refused: ${plan.errors.map((error) => error.code).join(', ')}`);
  return plan.next;
};
const codes = (plan: RoutingChangePlan): string[] => (plan.ok ? [] : plan.errors.map((error) => error.code));

describe('routing version 0', () => {
  it('routes exactly as the embedded defaults when there are no legacy rows', () => {
    expect(routingMapOf(v0)).toEqual(DEFAULT_ROUTING_MAP);
    expect(v0).toMatchObject({ version: 0, parent: null, kind: 'initial', defaultTier: 'haiku' });
  });

  it('takes the legacy RoutingConfig rows over the defaults, and still rejects a bare row lowering a lock', () => {
    const { version, rejected } = initialVersion(
      [
        { intent: 'shipping_info', tier: 'sonnet' },
        { intent: 'recommendation', tier: 'haiku' },
      ],
      AT,
    );
    expect(routingMapOf(version).shipping_info).toEqual({ tier: 'sonnet', locked: false });
    expect(routingMapOf(version).recommendation).toEqual({ tier: 'sonnet', locked: true });
    expect(rejected).toHaveLength(1);
  });

  it('sends an intent the version does not name to its default tier, the cheap one, unlocked', () => {
    const { taste_profile: _omitted, ...rules } = v0.rules;
    const map = routingMapOf({ rules, defaultTier: v0.defaultTier });
    expect(map.taste_profile).toEqual({ tier: 'haiku', locked: false });
    expect(Object.keys(map)).toEqual([...INTENTS]);
  });
});

describe('the change policy (seed 000)', () => {
  it('makes version n+1 of a one-intent change, naming who, when, why and the diff', () => {
    const v1 = next(planChange(v0, { actor: alice, rules: [{ intent: 'comparison', tier: 'haiku' }], reason: 'eval: 9.0 vs 8.9' }, AT));
    expect(v1).toMatchObject({ version: 1, parent: 0, kind: 'set', createdBy: 'alice', actorKind: 'person', createdAt: AT, reason: 'eval: 9.0 vs 8.9' });
    expect(v1.diff.changes).toEqual([{ intent: 'comparison', from: { tier: 'sonnet', locked: false }, to: { tier: 'haiku', locked: false } }]);
    expect(routingMapOf(v1)).toEqual({ ...DEFAULT_ROUTING_MAP, comparison: { tier: 'haiku', locked: false } });
    expect(v1.forced).toBeUndefined();
  });

  it('refuses a change that does not say why', () => {
    expect(codes(planChange(v0, { actor: alice, rules: [{ intent: 'comparison', tier: 'haiku' }] }, AT))).toEqual(['reason_required']);
    expect(codes(planChange(v0, { actor: alice, rules: [{ intent: 'comparison', tier: 'haiku' }], reason: '  ' }, AT))).toEqual(['reason_required']);
    expect(codes(planChange(v0, { actor: evaluator, rules: [{ intent: 'comparison', tier: 'haiku' }] }, AT))).toEqual(['reason_required']);
  });

  it('refuses the blanket multi-intent change of scenario 4 without --force, and with --force but no reason', () => {
    // 15/50/35 -> 8/52/40: manga_qa and comparison to the cheap tier, chitchat to the template tier, in one go.
    const blanket = [
      { intent: 'manga_qa', tier: 'haiku' },
      { intent: 'comparison', tier: 'haiku' },
      { intent: 'chitchat', tier: 'template' },
    ];
    expect(codes(planChange(v0, { actor: alice, rules: blanket, reason: 'cost' }, AT))).toEqual(['several_intents_need_force']);
    expect(codes(planChange(v0, { actor: alice, rules: blanket, force: true }, AT))).toEqual(['force_needs_reason']);
    const forced = next(planChange(v0, { actor: alice, rules: blanket, force: true, reason: 'approved in CAB-12' }, AT));
    expect(forced.forced).toBe(true);
    expect(forced.diff.changes.map((change) => change.intent)).toEqual(['chitchat', 'comparison', 'manga_qa']);
  });

  it('never lets automation change several intents, even with force', () => {
    const plan = planChange(v0, { actor: evaluator, rules: [{ intent: 'manga_qa', tier: 'haiku' }, { intent: 'comparison', tier: 'haiku' }], force: true, reason: 'promote' }, AT);
    expect(codes(plan)).toEqual(['several_intents_need_force']);
  });

  it('counts only intents that actually change: restating a rule is not a second intent', () => {
    const plan = planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }, { intent: 'chitchat', tier: 'haiku' }], reason: 'test' }, AT);
    expect(next(plan).diff.changes.map((change) => change.intent)).toEqual(['manga_qa']);
  });

  it('refuses unknown intents and tiers with the names it knows, and a change that changes nothing', () => {
    const unknown = planChange(v0, { actor: alice, rules: [{ intent: 'mangaqa', tier: 'haiku' }, { intent: 'manga_qa', tier: 'opus' }], reason: 'test' }, AT);
    expect(codes(unknown)).toEqual(['unknown_intent', 'unknown_tier']);
    expect(unknown.ok ? '' : unknown.errors[0]?.message).toContain('manga_qa');
    expect(unknown.ok ? '' : unknown.errors[1]?.message).toContain('template, haiku, sonnet');
    expect(codes(planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'sonnet' }], reason: 'test' }, AT))).toEqual(['no_change']);
    expect(codes(planChange(v0, { actor: alice, rules: [], reason: 'test' }, AT))).toEqual(['no_change']);
    expect(codes(planChange(v0, { actor: { kind: 'person', name: ' ' }, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' }, AT))).toEqual(['missing_actor']);
  });

  it('never lets automation change a locked intent, in either direction', () => {
    expect(codes(planChange(v0, { actor: evaluator, rules: [{ intent: 'recommendation', tier: 'haiku' }], reason: 'arm B won' }, AT))).toEqual(['locked_intent_automation']);
    const lockedLow = next(planChange(v0, { actor: alice, rules: [{ intent: 'chitchat', tier: 'haiku', locked: true }], reason: 'test' }, AT));
    expect(codes(planChange(lockedLow, { actor: evaluator, rules: [{ intent: 'chitchat', tier: 'sonnet' }], reason: 'arm B won' }, AT))).toEqual(['locked_intent_automation']);
  });

  it('lets a person change a locked intent only with --unlock and a reason', () => {
    const lower = { actor: alice, rules: [{ intent: 'recommendation', tier: 'haiku', locked: false }] };
    expect(codes(planChange(v0, lower, AT))).toEqual(['locked_intent_needs_unlock']);
    expect(codes(planChange(v0, { ...lower, unlock: true }, AT))).toEqual(['unlock_needs_reason']);
    const unlocked = next(planChange(v0, { ...lower, unlock: true, reason: 'INC-7: Sonnet throttled' }, AT));
    expect(routingMapOf(unlocked).recommendation).toEqual({ tier: 'haiku', locked: false });
    // Once unlocked, it is an ordinary intent again; and locking one needs no permission.
    const relocked = next(planChange(unlocked, { actor: alice, rules: [{ intent: 'recommendation', tier: 'sonnet', locked: true }], reason: 'test' }, AT));
    expect(routingMapOf(relocked).recommendation).toEqual({ tier: 'sonnet', locked: true });
  });

  it('keeps an intent locked when --unlock only authorises a tier change that says locked', () => {
    const v1 = next(planChange(v0, { actor: alice, rules: [{ intent: 'recommendation', tier: 'haiku', locked: true }], unlock: true, reason: 'INC-7' }, AT));
    expect(routingMapOf(v1).recommendation).toEqual({ tier: 'haiku', locked: true });
  });
});

describe('the default tier of unmapped intents', () => {
  it('is changed by a person with a reason, as one change, and never to the template tier or by automation', () => {
    expect(codes(planChange(v0, { actor: alice, rules: [], defaultTier: 'sonnet' }, AT))).toEqual(['reason_required']);
    expect(codes(planChange(v0, { actor: alice, rules: [], defaultTier: 'template', reason: 'r' }, AT))).toEqual(['unknown_tier']);
    expect(codes(planChange(v0, { actor: evaluator, rules: [], defaultTier: 'sonnet', reason: 'r' }, AT))).toEqual(['several_intents_need_force']);
    expect(codes(planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], defaultTier: 'sonnet', reason: 'r' }, AT))).toEqual(['several_intents_need_force']);
    const v1 = next(planChange(v0, { actor: alice, rules: [], defaultTier: 'sonnet', reason: 'new intents are premium features' }, AT));
    expect(v1.diff).toEqual({ changes: [], defaultTier: { from: 'haiku', to: 'sonnet' } });
    const { taste_profile: _unnamed, ...rules } = v1.rules;
    expect(routingMapOf({ rules, defaultTier: v1.defaultTier }).taste_profile).toEqual({ tier: 'sonnet', locked: false });
    expect(next(planRollback(v1, v0, { actor: alice, reason: 'back' }, AT)).defaultTier).toBe('haiku');
  });
});

describe('diff and rollback', () => {
  const v1 = next(planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'test' }, AT));
  const v2 = next(planChange(v1, { actor: alice, rules: [{ intent: 'chitchat', tier: 'template' }], reason: 'test' }, AT));

  it('diffs any two versions, both ways', () => {
    expect(diffVersions(v0, v2).changes.map((change) => change.intent)).toEqual(['chitchat', 'manga_qa']);
    expect(diffVersions(v2, v0).changes[1]).toEqual({ intent: 'manga_qa', from: { tier: 'haiku', locked: false }, to: { tier: 'sonnet', locked: false } });
    expect(diffVersions(v1, v1).changes).toEqual([]);
  });

  it('rolls back to a version with a new version whose map is exactly the target map, several intents without --force', () => {
    const v3 = next(planRollback(v2, v0, { actor: alice, reason: 'CSAT fell' }, AT));
    expect(v3).toMatchObject({ version: 3, parent: 2, kind: 'rollback', restores: 0 });
    expect(v3.rules).toEqual(v0.rules);
    expect(routingMapOf(v3)).toEqual(routingMapOf(v0));
    expect(sameRouting(v3, v0)).toBe(true);
  });

  it('refuses a rollback without a reason, or one that changes nothing', () => {
    expect(codes(planRollback(v2, v0, { actor: alice }, AT))).toEqual(['reason_required']);
    expect(codes(planRollback(v2, v2, { actor: alice, reason: 'x' }, AT))).toEqual(['no_change']);
  });

  it('keeps the lock rule in a rollback that would move a locked intent', () => {
    const unlocked = next(planChange(v0, { actor: alice, rules: [{ intent: 'recommendation', tier: 'haiku', locked: true }], unlock: true, reason: 'INC-7' }, AT));
    expect(codes(planRollback(unlocked, v0, { actor: alice, reason: 'over' }, AT))).toEqual(['locked_intent_needs_unlock']);
    expect(codes(planRollback(unlocked, v0, { actor: evaluator, reason: 'over' }, AT))).toEqual(['locked_intent_automation']);
    expect(next(planRollback(unlocked, v0, { actor: alice, reason: 'over', unlock: true }, AT)).rules).toEqual(v0.rules);
  });

  it('reverts one intent for automation: back to its previous rule, other later changes kept', () => {
    const reverted = next(revertIntent(v2, v0, 'manga_qa', evaluator, 'manga_qa CSAT -18% within 1 h of v1', AT));
    expect(reverted).toMatchObject({ version: 3, parent: 2, kind: 'automation', actorKind: 'automation' });
    expect(routingMapOf(reverted)).toEqual({ ...routingMapOf(v0), chitchat: { tier: 'template', locked: false } });
    expect(codes(revertIntent(v2, v0, 'recommendation', evaluator, 'x', AT))).toEqual(['no_change']);
  });

  it('refuses an automatic revert of an intent that is locked now', () => {
    const locked = next(planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku', locked: true }], reason: 'test' }, AT));
    expect(codes(revertIntent(locked, v0, 'manga_qa', evaluator, 'CSAT -18%', AT))).toEqual(['locked_intent_automation']);
  });

  it('reverts an intent that was unmapped before by dropping its rule', () => {
    const { manga_qa: _gone, ...rules } = v0.rules;
    const before: RoutingVersion = { ...v0, rules };
    const reverted = next(revertIntent(v1, before, 'manga_qa', evaluator, 'CSAT -18%', AT));
    expect(reverted.rules.manga_qa).toBeUndefined();
    expect(routingMapOf(reverted).manga_qa).toEqual({ tier: 'haiku', locked: false });
  });
});

describe('stored versions', () => {
  it('reads back what was stored, and refuses a malformed item', () => {
    const v1 = next(planChange(v0, { actor: alice, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'r' }, AT));
    expect(parseRoutingVersion(JSON.parse(JSON.stringify(v1)) as Record<string, unknown>)).toEqual(v1);
    expect(parseRoutingVersion({ ...v1, rules: { manga_qa: { tier: 'opus', locked: false } } })).toEqual({ error: 'version 1: bad rule for manga_qa' });
    expect(parseRoutingVersion({ ...v1, version: -1 })).toHaveProperty('error');
  });
});
