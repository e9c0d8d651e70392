import { parseArgs } from 'node:util';
import {
  activeRouting,
  changeRouting,
  previewChange,
  rollbackRouting,
  routingVersion,
  RoutingPolicyRefusedError,
  type RoutingChangeDeps,
} from '../../lambdas/app/routing-changes';
import { describeDiff, diffVersions, routingMapOf, type ProposedRule, type RoutingVersion } from '../../lambdas/core/routing-versions';
import { RoutingConflictError } from '../../lambdas/ports/routing-versions';
import { CliUsageError } from './capacity';

/**
 * `mangaassist routing ...`: versioned routing (issue 12). JSON on stdout, one object per command. Exit codes: 0 done;
 * 2 a usage error or a change the policy refused (one `refused <code>: <message>` line per reason on stderr);
 * 3 a conflict (someone committed first); in every non-zero case nothing was written.
 */
export const ROUTING_COMMANDS = ['show', 'history', 'diff', 'set', 'rollback'] as const;

export const ROUTING_USAGE = `usage: mangaassist routing <command>

  show [--version N]                   the active routing version (or version N): who made it, when, why, what it
                                       changed, and every intent's tier and lock
  history [--limit 20]                 the newest versions, newest first, each with its diff
  diff A B                             what changes from version A to version B (per intent: from -> to)
  set <intent> <tier> --reason R [--lock | --unlock] [--by NAME] [--dry-run]
                                       a new version moving one intent (tier: template, haiku, sonnet). A locked
                                       intent changes only with --unlock and --reason (--unlock also removes the lock
                                       unless --lock is given too); --lock locks it
  set <intent> <tier> <intent> <tier> ... --force --reason R [--by NAME]
                                       several intents in one version: only with --force and a reason
  set --default-tier haiku|sonnet --reason R [--by NAME]
                                       where intents the map does not name go (haiku unless changed)
  rollback [--to VERSION] --reason R [--unlock] [--by NAME]
                                       a new version whose map is exactly VERSION's (default: the active version's
                                       parent); --unlock when it moves a locked intent

--by defaults to $USER; every change needs --reason (the history says who, when and why). Every change is conditional on the version it was planned from: when someone else committed
first, nothing is written (exit 3) and the command can simply be run again. Handlers follow a new version within
30 s (the routing refresh). Tables: ROUTING_VERSIONS_TABLE and ROUTING_TABLE (the legacy rows: version 0) with AWS
credentials and AWS_REGION (DYNAMODB_ENDPOINT for another endpoint); without them, the running npm start's dynalite.`;

export interface RoutingCliDeps {
  /** Throws CliUsageError when no table is configured and no local stack runs. */
  readonly stores: () => Promise<RoutingChangeDeps>;
  readonly write: (line: string) => void;
  readonly err: (line: string) => void;
  /** Who is asking when --by is not given. */
  readonly operator: string;
}

/** The policy refused the change, or the commit lost a race: the exit code says which; nothing was written. */
const EXIT_REFUSED = 2;
const EXIT_CONFLICT = 3;

const parse = (args: readonly string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) => {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
};

const versionNumber = (text: string | undefined, what: string): number => {
  if (text === undefined) throw new CliUsageError(`${what} is required`);
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new CliUsageError(`${what} must be a version number (0, 1, 2, ...), got "${text}"`);
  return value;
};

const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** A version as the CLI prints it: the record, the readable diff and the full map it routes by. */
const present = (version: RoutingVersion, options: { readonly map: boolean }) => ({
  version: version.version,
  parent: version.parent,
  kind: version.kind,
  createdBy: version.createdBy,
  actorKind: version.actorKind,
  createdAt: version.createdAt,
  reason: version.reason,
  ...(version.restores !== undefined && { restores: version.restores }),
  ...(version.forced && { forced: true }),
  changes: describeDiff(version.diff, version.defaultTier),
  defaultTier: version.defaultTier,
  ...(options.map && { map: routingMapOf(version) }),
});

const show = async (deps: RoutingCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { version: { type: 'string' } });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
  const stores = await deps.stores();
  const active = await activeRouting(stores);
  const wanted = text(values['version']);
  const version = wanted === undefined ? active.version : await routingVersion(stores, versionNumber(wanted, '--version'));
  if (!version) throw new CliUsageError(`there is no routing version ${wanted}`);
  deps.write(
    `${JSON.stringify({
      active: active.version.version === version.version,
      // Version 0 before the first commit: computed from the defaults and the legacy rows, not yet stored.
      ...(!active.stored && { stored: false, legacyRowsIgnored: active.rejected.map((rejected) => rejected.reason) }),
      ...present(version, { map: true }),
    })}\n`,
  );
  return 0;
};

const history = async (deps: RoutingCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { limit: { type: 'string' } });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
  const limit = versionNumber(text(values['limit']) ?? '20', '--limit');
  if (limit < 1 || limit > 1000) throw new CliUsageError('--limit must be 1-1000');
  const stores = await deps.stores();
  const versions = await stores.versions.history(limit);
  const shown = versions.length > 0 ? versions : [(await activeRouting(stores)).version];
  deps.write(`${JSON.stringify({ versions: shown.map((version) => present(version, { map: false })) })}\n`);
  return 0;
};

const diff = async (deps: RoutingCliDeps, args: readonly string[]): Promise<number> => {
  const { positionals } = parse(args, {});
  if (positionals.length !== 2) throw new CliUsageError('diff takes two versions: routing diff A B');
  const [a, b] = [versionNumber(positionals[0], 'A'), versionNumber(positionals[1], 'B')];
  const stores = await deps.stores();
  const [from, to] = await Promise.all([routingVersion(stores, a), routingVersion(stores, b)]);
  if (!from) throw new CliUsageError(`there is no routing version ${a}`);
  if (!to) throw new CliUsageError(`there is no routing version ${b}`);
  const result = diffVersions(from, to);
  deps.write(`${JSON.stringify({ from: a, to: b, changes: describeDiff(result, to.defaultTier), diff: result })}\n`);
  return 0;
};

const actorOf = (deps: RoutingCliDeps, by: string | boolean | undefined) => ({ kind: 'person' as const, name: text(by) ?? deps.operator });

const set = async (deps: RoutingCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, {
    lock: { type: 'boolean' },
    unlock: { type: 'boolean' },
    force: { type: 'boolean' },
    reason: { type: 'string' },
    by: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'default-tier': { type: 'string' },
  });
  const defaultTier = text(values['default-tier']);
  if ((positionals.length === 0 && defaultTier === undefined) || positionals.length % 2 !== 0) {
    throw new CliUsageError('set takes <intent> <tier> pairs (routing set manga_qa haiku) or --default-tier TIER');
  }
  const rules: ProposedRule[] = [];
  for (let index = 0; index < positionals.length; index += 2) {
    // --unlock removes the lock unless --lock keeps it; neither keeps the intent's lock as it is.
    const locked = values['lock'] === true ? true : values['unlock'] === true ? false : undefined;
    rules.push({ intent: positionals[index] ?? '', tier: positionals[index + 1] ?? '', ...(locked !== undefined && { locked }) });
  }
  const request = {
    actor: actorOf(deps, values['by']),
    rules,
    unlock: values['unlock'] === true,
    force: values['force'] === true,
    ...(defaultTier !== undefined && { defaultTier }),
    ...(text(values['reason']) !== undefined && { reason: text(values['reason']) }),
  };
  const stores = await deps.stores();
  if (values['dry-run'] === true) {
    const plan = await previewChange(stores, request);
    if (!plan.ok) throw new RoutingPolicyRefusedError(plan.errors);
    deps.write(`${JSON.stringify({ dryRun: true, ...present(plan.next, { map: false }) })}\n`);
    return 0;
  }
  const version = await changeRouting(stores, request);
  deps.write(`${JSON.stringify({ committed: true, ...present(version, { map: false }) })}\n`);
  return 0;
};

const rollback = async (deps: RoutingCliDeps, args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { to: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' }, unlock: { type: 'boolean' } });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}" (use --to VERSION)`);
  const to = text(values['to']);
  const version = await rollbackRouting(await deps.stores(), {
    actor: actorOf(deps, values['by']),
    ...(to !== undefined && { to: versionNumber(to, '--to') }),
    ...(text(values['reason']) !== undefined && { reason: text(values['reason']) }),
    unlock: values['unlock'] === true,
  });
  deps.write(`${JSON.stringify({ committed: true, ...present(version, { map: false }) })}\n`);
  return 0;
};

/**
 * Runs one routing command. Usage errors throw CliUsageError (bin/cli.ts prints it, exit 2); a refused change and a
 * lost race are answered here, with their exit codes, since they are outcomes an operator acts on, not mistakes.
 */
export const runRouting = async (argv: readonly string[], deps: RoutingCliDeps): Promise<number> => {
  const [command, ...rest] = argv;
  try {
    switch (command ?? '') {
      case 'show':
        return await show(deps, rest);
      case 'history':
        return await history(deps, rest);
      case 'diff':
        return await diff(deps, rest);
      case 'set':
        return await set(deps, rest);
      case 'rollback':
        return await rollback(deps, rest);
      default:
        throw new CliUsageError(command === undefined || command === '' ? 'missing routing command' : `unknown routing command "${command}"`);
    }
  } catch (error) {
    if (error instanceof RoutingPolicyRefusedError) {
      for (const reason of error.errors) deps.err(`mangaassist routing: refused (${reason.code}): ${reason.message}\n`);
      deps.err('mangaassist routing: nothing was changed\n');
      return EXIT_REFUSED;
    }
    if (error instanceof RoutingConflictError) {
      deps.err(`mangaassist routing: conflict: ${error.message}\n`);
      return EXIT_CONFLICT;
    }
    throw error;
  }
};
