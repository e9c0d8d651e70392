import type { RoutingVersion } from '../core/routing-versions';

export type { RoutingVersion } from '../core/routing-versions';

/** What a commit did: `conflict` = the active version was no longer `expected`; nothing was written. */
export type RoutingCommitResult =
  | { readonly ok: true; readonly version: RoutingVersion }
  | { readonly ok: false; readonly conflict: true; readonly expected: number | null; readonly active: number | null };

/**
 * The versions of the routing map (the RoutingVersions table): immutable versions plus one pointer to the active
 * one. A version is only ever added, by `commit`, and only on top of the version it was planned from.
 */
export interface RoutingVersionStore {
  /** The active version; null before the first commit (routing is then version 0 built from the defaults). */
  active(): Promise<RoutingVersion | null>;
  /** A stored version, or undefined. */
  get(version: number): Promise<RoutingVersion | undefined>;
  /** The newest `limit` stored versions, newest first. */
  history(limit: number): Promise<readonly RoutingVersion[]>;
  /**
   * Stores `next` and makes it active, atomically, only if the active version is still `expected` (null: none yet)
   * and `next.version` is not taken. On a race exactly one commit wins; the loser gets `conflict` and changes nothing.
   */
  commit(expected: number | null, next: RoutingVersion): Promise<RoutingCommitResult>;
}

/** Thrown by the app layer when a commit lost the race: re-read the active version and plan again. */
export class RoutingConflictError extends Error {
  override readonly name = 'RoutingConflictError';
  readonly code = 'routing_conflict';
  constructor(
    readonly expected: number | null,
    readonly active: number | null,
  ) {
    super(`routing changed meanwhile: the change was planned on version ${expected ?? 'none'} but version ${active ?? 'none'} is active now; nothing was changed (re-run to plan on the new version)`);
  }
}
