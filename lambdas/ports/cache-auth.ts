/**
 * Ports of the cache AUTH token's rotation (lambdas/app/rotate-cache-token.ts): the secret's versions in Secrets
 * Manager, and the cache that must accept the new token before it becomes current.
 */
export interface TokenSecret {
  /** The token of a version by stage (and version id); undefined when no such version exists. */
  get(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  /** A new random token within the cache's AUTH token rules (16-128 characters, punctuation limited to `!&#$^<>-`). */
  randomToken(): Promise<string>;
  /** Stores `token` as version `versionId`, staged AWSPENDING (idempotent per versionId). */
  putPending(versionId: string, token: string): Promise<void>;
  /** The id of the version staged AWSCURRENT. */
  currentVersionId(): Promise<string | undefined>;
  /** Moves AWSCURRENT to `versionId` (from `fromVersionId`). */
  promote(versionId: string, fromVersionId: string | undefined): Promise<void>;
}

export type CacheStatus = 'available' | 'modifying' | string;

export interface TokenCache {
  status(): Promise<CacheStatus>;
  /**
   * Adds `token` as an accepted AUTH token, keeping the current one valid (AuthTokenUpdateStrategy ROTATE), so
   * connections opened with the previous token keep working while functions pick up the new one.
   */
  rotateTo(token: string): Promise<void>;
}
