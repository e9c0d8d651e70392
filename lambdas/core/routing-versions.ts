import { mergeRoutingOverrides, type RoutingOverride } from './routing';
import { DEFAULT_ROUTING_MAP, INTENTS, isIntent, isTier, type Intent, type RoutingMap, type RoutingRule, type Tier } from './vocabulary';

/**
 * Versioned routing (issue 12 item 1), pure: every change of the routing map is a new immutable version that names
 * who made it, when, why and what it changed; the change policy of seed 000 (scenarios 1 and 4) decides whether a
 * proposed change may become a version. The store (lambdas/ports/routing-versions.ts) commits a version only on top
 * of the version it was planned from, so two operators never overwrite each other.
 */

/** Where an intent the version does not name goes: the cheap model (seed 000: "unmapped intents default to the cheap tier"). */
export const DEFAULT_UNMAPPED_TIER: Tier = 'haiku';

/** Who changes routing. Automation (the experiment evaluator, automatic rollback) never touches a locked intent. */
export type ActorKind = 'person' | 'automation';

export interface RoutingActor {
  readonly kind: ActorKind;
  /** A person's name (`--by`), or the automation's name (`experiment-evaluator`). */
  readonly name: string;
}

/**
 * - `initial`: version 0, the embedded defaults with the legacy RoutingConfig rows over them (never made by anyone);
 * - `set`: a person changed intents; `automation`: automation changed intents (a promoted experiment, a revert of one
 *   intent); `rollback`: the whole map restored to an earlier version's.
 */
export type RoutingVersionKind = 'initial' | 'set' | 'automation' | 'rollback';

/** One intent's rule in two versions; `null` = not named (it routes to the version's default tier). */
export interface RoutingRuleChange {
  readonly intent: Intent;
  readonly from: RoutingRule | null;
  readonly to: RoutingRule | null;
}

export interface RoutingDiff {
  readonly changes: readonly RoutingRuleChange[];
  /** Present when the default tier of unmapped intents differs. */
  readonly defaultTier?: { readonly from: Tier; readonly to: Tier };
}

export interface RoutingVersion {
  /** 0, 1, 2, ...: version n+1 is committed only while n is active. */
  readonly version: number;
  /** The version this one was made from (null for version 0). */
  readonly parent: number | null;
  /** The rule of every intent the version names. */
  readonly rules: Readonly<Partial<Record<Intent, RoutingRule>>>;
  /** Where the intents it does not name go. */
  readonly defaultTier: Tier;
  readonly kind: RoutingVersionKind;
  readonly createdBy: string;
  readonly actorKind: ActorKind;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  /** Why; required for every change (null only for a version written before that rule, and never for a new one). */
  readonly reason: string | null;
  /** What changed from `parent` (empty for version 0). */
  readonly diff: RoutingDiff;
  /** For `rollback`: the version whose map this one restores. */
  readonly restores?: number;
  /** Set when the change passed the one-intent rule by `force`. */
  readonly forced?: boolean;
}

/** The stable codes of a refused change: the CLI prints them, the evaluator records them. */
export const ROUTING_POLICY_CODES = [
  'unknown_intent',
  'unknown_tier',
  'no_change',
  'duplicate_intent',
  'several_intents_need_force',
  'force_needs_reason',
  'locked_intent_automation',
  'locked_intent_needs_unlock',
  'unlock_needs_reason',
  'missing_actor',
  'reason_required',
  'unknown_version',
] as const;
export type RoutingPolicyCode = (typeof ROUTING_POLICY_CODES)[number];

export interface RoutingPolicyError {
  readonly code: RoutingPolicyCode;
  readonly message: string;
  readonly intent?: string;
}

/** One intent's proposed rule; `intent` and `tier` are unvalidated input (a CLI argument, an experiment's arm). */
export interface ProposedRule {
  readonly intent: string;
  readonly tier: string;
  /** true locks, false unlocks (needs `unlock`), absent keeps the intent's current lock. */
  readonly locked?: boolean;
}

export interface RoutingChangeRequest {
  readonly actor: RoutingActor;
  readonly rules: readonly ProposedRule[];
  /** A new default tier for the intents the map does not name (`haiku` or `sonnet`; a person only): one change, like an intent. */
  readonly defaultTier?: string;
  /** A person's explicit permission to change a locked intent (`--unlock`); needs `reason`. */
  readonly unlock?: boolean;
  /** A person's permission to change more than one intent at once (`--force`); needs `reason`. */
  readonly force?: boolean;
  readonly reason?: string;
}

export type RoutingChangePlan =
  | { readonly ok: true; readonly next: RoutingVersion }
  | { readonly ok: false; readonly errors: readonly RoutingPolicyError[] };

const REASON_CODES: ReadonlySet<RoutingPolicyCode> = new Set(['force_needs_reason', 'unlock_needs_reason', 'reason_required', 'locked_intent_needs_unlock', 'several_intents_need_force']);

const hasText = (value: string | undefined | null): value is string => typeof value === 'string' && value.trim().length > 0;

const sameRule = (a: RoutingRule | null, b: RoutingRule | null): boolean =>
  a === b || (a !== null && b !== null && a.tier === b.tier && a.locked === b.locked);

/** An intent's rule in a version: its own, or the default tier, unlocked. */
export const ruleOf = (version: Pick<RoutingVersion, 'rules' | 'defaultTier'>, intent: Intent): RoutingRule =>
  version.rules[intent] ?? { tier: version.defaultTier, locked: false };

/** The full routing map a version routes by (what RoutingMapSource hands the policy). */
export const routingMapOf = (version: Pick<RoutingVersion, 'rules' | 'defaultTier'>): RoutingMap =>
  Object.fromEntries(INTENTS.map((intent) => [intent, ruleOf(version, intent)])) as Record<Intent, RoutingRule>;

/** Every intent whose rule (as named, not resolved) differs between A and B, in vocabulary order; and the default tier. */
export const diffVersions = (a: Pick<RoutingVersion, 'rules' | 'defaultTier'>, b: Pick<RoutingVersion, 'rules' | 'defaultTier'>): RoutingDiff => {
  const changes: RoutingRuleChange[] = [];
  for (const intent of INTENTS) {
    const from = a.rules[intent] ?? null;
    const to = b.rules[intent] ?? null;
    if (!sameRule(from, to)) changes.push({ intent, from, to });
  }
  return a.defaultTier === b.defaultTier ? { changes } : { changes, defaultTier: { from: a.defaultTier, to: b.defaultTier } };
};

export const isEmptyDiff = (diff: RoutingDiff): boolean => diff.changes.length === 0 && diff.defaultTier === undefined;

/** Two versions route identically: the same named rules and the same default tier. */
export const sameRouting = (a: Pick<RoutingVersion, 'rules' | 'defaultTier'>, b: Pick<RoutingVersion, 'rules' | 'defaultTier'>): boolean =>
  isEmptyDiff(diffVersions(a, b));

/**
 * Version 0: what routed before versioning, the embedded defaults with the legacy RoutingConfig rows over them
 * (rows the lock rule rejects are reported, not applied, exactly as before).
 */
export const initialVersion = (
  legacyRows: readonly RoutingOverride[],
  createdAt: string,
  defaults: RoutingMap = DEFAULT_ROUTING_MAP,
): { readonly version: RoutingVersion; readonly rejected: ReturnType<typeof mergeRoutingOverrides>['rejected'] } => {
  const merged = mergeRoutingOverrides(legacyRows, defaults);
  return {
    version: {
      version: 0,
      parent: null,
      rules: { ...merged.map },
      defaultTier: DEFAULT_UNMAPPED_TIER,
      kind: 'initial',
      createdBy: 'embedded-defaults',
      actorKind: 'automation',
      createdAt,
      reason: legacyRows.length > 0 ? `embedded defaults + ${legacyRows.length} legacy RoutingConfig row(s)` : 'embedded defaults',
      diff: { changes: [] },
    },
    rejected: merged.rejected,
  };
};

/** The lock rule, shared by set, revert and rollback: a locked intent changes only by a person with `unlock` and a reason. */
const lockErrors = (current: RoutingVersion, changes: readonly RoutingRuleChange[], request: Pick<RoutingChangeRequest, 'actor' | 'unlock' | 'reason'>): RoutingPolicyError[] => {
  const errors: RoutingPolicyError[] = [];
  for (const change of changes) {
    if (!ruleOf(current, change.intent).locked) continue;
    if (request.actor.kind === 'automation') {
      // Seed 000 scenario 1: recommendations moved to the cheap tier "experimentally". Automation never moves a lock.
      errors.push({ code: 'locked_intent_automation', intent: change.intent, message: `intent ${change.intent} is locked: automation never changes a locked intent` });
    } else if (request.unlock !== true) {
      errors.push({ code: 'locked_intent_needs_unlock', intent: change.intent, message: `intent ${change.intent} is locked: changing it needs --unlock and --reason` });
    } else if (!hasText(request.reason)) {
      errors.push({ code: 'unlock_needs_reason', intent: change.intent, message: `--unlock of intent ${change.intent} needs --reason` });
    }
  }
  return errors;
};

const actorErrors = (actor: RoutingActor): RoutingPolicyError[] =>
  hasText(actor.name) ? [] : [{ code: 'missing_actor', message: 'a routing change names who makes it (--by NAME)' }];

const nextVersion = (
  current: RoutingVersion,
  fields: Pick<RoutingVersion, 'rules' | 'defaultTier' | 'kind'> & Partial<Pick<RoutingVersion, 'restores' | 'forced'>>,
  actor: RoutingActor,
  reason: string | undefined,
  createdAt: string,
): RoutingVersion => ({
  version: current.version + 1,
  parent: current.version,
  rules: fields.rules,
  defaultTier: fields.defaultTier,
  kind: fields.kind,
  createdBy: actor.name.trim(),
  actorKind: actor.kind,
  createdAt,
  reason: hasText(reason) ? reason.trim() : null,
  diff: diffVersions(current, fields),
  ...(fields.restores !== undefined ? { restores: fields.restores } : {}),
  ...(fields.forced ? { forced: true } : {}),
});

/**
 * Validates a proposed change against the active version and, when the policy allows it, returns the version it
 * makes. The rules (seed 000):
 * - every intent and tier is known; an intent appears once; the change changes something;
 * - one intent per change; several only with `force` and a reason (scenario 4: a blanket change to everyone at once);
 * - a locked intent is never changed by automation, and by a person only with `unlock` and a reason (scenario 1);
 * - every change gives a reason (it is what the history, the record and the alarm show).
 * Every error is reported, not only the first, so an operator fixes the command once.
 */
export const planChange = (current: RoutingVersion, request: RoutingChangeRequest, createdAt: string): RoutingChangePlan => {
  const errors: RoutingPolicyError[] = [...actorErrors(request.actor)];
  const rules: Partial<Record<Intent, RoutingRule>> = { ...current.rules };
  const seen = new Set<string>();
  for (const proposed of request.rules) {
    if (!isIntent(proposed.intent)) {
      errors.push({ code: 'unknown_intent', intent: String(proposed.intent), message: `unknown intent ${JSON.stringify(proposed.intent)} (known: ${INTENTS.join(', ')})` });
      continue;
    }
    if (seen.has(proposed.intent)) {
      errors.push({ code: 'duplicate_intent', intent: proposed.intent, message: `intent ${proposed.intent} appears more than once in one change` });
      continue;
    }
    seen.add(proposed.intent);
    if (!isTier(proposed.tier)) {
      errors.push({ code: 'unknown_tier', intent: proposed.intent, message: `unknown tier ${JSON.stringify(proposed.tier)} for intent ${proposed.intent} (known: template, haiku, sonnet)` });
      continue;
    }
    const was = ruleOf(current, proposed.intent);
    rules[proposed.intent] = { tier: proposed.tier, locked: proposed.locked ?? was.locked };
  }
  let defaultTier = current.defaultTier;
  if (request.defaultTier !== undefined) {
    if (!isTier(request.defaultTier) || request.defaultTier === 'template') {
      // An unmapped intent has no template: its default is a model tier.
      errors.push({ code: 'unknown_tier', message: `default tier must be haiku or sonnet, got ${JSON.stringify(request.defaultTier)}` });
    } else if (request.actor.kind === 'automation') {
      errors.push({ code: 'several_intents_need_force', message: 'automation never changes the default tier of unmapped intents' });
    } else {
      defaultTier = request.defaultTier;
    }
  }
  if (request.rules.length === 0 && request.defaultTier === undefined) errors.push({ code: 'no_change', message: 'the change names no intent' });
  const changes = diffVersions(current, { rules, defaultTier: current.defaultTier }).changes;
  const touched = changes.length + (defaultTier !== current.defaultTier ? 1 : 0);
  if (errors.length === 0 && touched === 0) {
    errors.push({ code: 'no_change', message: `version ${current.version} already routes ${[...seen, ...(request.defaultTier !== undefined ? ['unmapped intents'] : [])].join(', ')} that way` });
  }
  if (touched > 1) {
    if (request.force !== true || request.actor.kind === 'automation') {
      errors.push({
        code: 'several_intents_need_force',
        message: `a change touches one intent; this one changes ${touched} (${[...changes.map((c) => c.intent), ...(touched > changes.length ? ['the default tier'] : [])].join(', ')}): use per-intent changes, or --force with --reason`,
      });
    } else if (!hasText(request.reason)) {
      errors.push({ code: 'force_needs_reason', message: '--force needs --reason' });
    }
  }
  errors.push(...lockErrors(current, changes, request));
  // Every version says why (the "who, when, why"); one error for it, not one per rule that also wants it.
  if (!hasText(request.reason) && !errors.some((error) => REASON_CODES.has(error.code))) {
    errors.push({ code: 'reason_required', message: 'a routing change records why: --reason' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    next: nextVersion(current, { rules, defaultTier, kind: request.actor.kind === 'automation' ? 'automation' : 'set', forced: touched > 1 }, request.actor, request.reason, createdAt),
  };
};

/**
 * Automatic rollback of one intent: the change that puts `intent` back to its rule in `previous` (the version before
 * the change being undone), everything else as it is now. Refused for a locked intent, like any automated change.
 */
export const revertIntent = (
  current: RoutingVersion,
  previous: RoutingVersion,
  intent: Intent,
  actor: RoutingActor,
  reason: string,
  createdAt: string,
  unlock = false,
): RoutingChangePlan => {
  const target = previous.rules[intent];
  if (target === undefined) {
    // The intent was unmapped before: reverting means routing it to the default tier again, i.e. dropping its rule.
    const { [intent]: _dropped, ...rest } = current.rules;
    const changes = diffVersions(current, { rules: rest, defaultTier: current.defaultTier }).changes;
    const errors = [...actorErrors(actor), ...lockErrors(current, changes, { actor, reason, unlock })];
    if (changes.length === 0) errors.push({ code: 'no_change', intent, message: `intent ${intent} already routes as in version ${previous.version}` });
    if (!hasText(reason)) errors.push({ code: 'reason_required', message: 'a revert records why (reason)' });
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, next: nextVersion(current, { rules: rest, defaultTier: current.defaultTier, kind: actor.kind === 'automation' ? 'automation' : 'set' }, actor, reason, createdAt) };
  }
  return planChange(current, { actor, rules: [{ intent, tier: target.tier, locked: target.locked }], reason, unlock }, createdAt);
};

/**
 * Rollback of the whole map: a new version whose rules and default tier are exactly `target`'s (history is never
 * rewritten). Several intents may change at once without `force`: restoring a known version is the way back from a
 * blanket change (seed 000 scenario 4, where the old configuration was rebuilt by hand). Always needs a reason; the
 * lock rule still holds for every intent it changes.
 */
export const planRollback = (
  current: RoutingVersion,
  target: RoutingVersion,
  request: Pick<RoutingChangeRequest, 'actor' | 'unlock' | 'reason'>,
  createdAt: string,
): RoutingChangePlan => {
  const changes = diffVersions(current, target);
  const errors: RoutingPolicyError[] = [...actorErrors(request.actor)];
  if (!hasText(request.reason)) errors.push({ code: 'reason_required', message: 'a rollback needs --reason' });
  if (isEmptyDiff(changes)) errors.push({ code: 'no_change', message: `version ${current.version} already routes exactly as version ${target.version}` });
  errors.push(...lockErrors(current, changes.changes, request));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    next: nextVersion(current, { rules: { ...target.rules }, defaultTier: target.defaultTier, kind: 'rollback', restores: target.version }, request.actor, request.reason, createdAt),
  };
};

/** The version a plain `rollback` (no `--to`) restores: the active version's parent. */
export const defaultRollbackTarget = (current: RoutingVersion): number | null => current.parent;

/** Reads a stored version back, refusing anything malformed (a hand-edited item never becomes a route). */
export const parseRoutingVersion = (item: Record<string, unknown>): RoutingVersion | { readonly error: string } => {
  const version = item['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return { error: `bad version ${JSON.stringify(version)}` };
  const rawRules = item['rules'];
  if (typeof rawRules !== 'object' || rawRules === null) return { error: `version ${version}: rules missing` };
  const rules: Partial<Record<Intent, RoutingRule>> = {};
  for (const [intent, rule] of Object.entries(rawRules as Record<string, unknown>)) {
    const tier = (rule as { tier?: unknown } | null)?.tier;
    const locked = (rule as { locked?: unknown } | null)?.locked;
    // An intent a later vocabulary dropped is skipped, not fatal: the rest of the version still routes.
    if (!isIntent(intent)) continue;
    if (!isTier(tier) || typeof locked !== 'boolean') return { error: `version ${version}: bad rule for ${intent}` };
    rules[intent] = { tier, locked };
  }
  const defaultTier = item['defaultTier'];
  if (!isTier(defaultTier)) return { error: `version ${version}: bad defaultTier` };
  const kind = item['kind'];
  if (kind !== 'initial' && kind !== 'set' && kind !== 'automation' && kind !== 'rollback') return { error: `version ${version}: bad kind` };
  const actorKind = item['actorKind'] === 'automation' ? 'automation' : 'person';
  const parent = typeof item['parent'] === 'number' ? item['parent'] : null;
  const text = (key: string): string | null => (typeof item[key] === 'string' ? (item[key] as string) : null);
  const parsed: RoutingVersion = {
    version,
    parent,
    rules,
    defaultTier,
    kind,
    createdBy: text('createdBy') ?? 'unknown',
    actorKind,
    createdAt: text('createdAt') ?? '',
    reason: text('reason'),
    diff: parent === null ? { changes: [] } : ((item['diff'] as RoutingDiff | undefined) ?? { changes: [] }),
    ...(typeof item['restores'] === 'number' ? { restores: item['restores'] } : {}),
    ...(item['forced'] === true ? { forced: true } : {}),
  };
  return parsed;
};

/** One line per changed intent: `manga_qa: sonnet -> haiku`, `recommendation: sonnet (locked) -> haiku`. */
export const describeDiff = (diff: RoutingDiff, defaultTier?: Tier): string[] => {
  const show = (rule: RoutingRule | null): string => (rule === null ? `(unmapped: ${defaultTier ?? 'default tier'})` : `${rule.tier}${rule.locked ? ' (locked)' : ''}`);
  const lines = diff.changes.map((change) => `${change.intent}: ${show(change.from)} -> ${show(change.to)}`);
  if (diff.defaultTier) lines.push(`unmapped intents: ${diff.defaultTier.from} -> ${diff.defaultTier.to}`);
  return lines;
};
