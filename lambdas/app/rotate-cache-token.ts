import type { TokenCache, TokenSecret } from '../ports/cache-auth';

/** The four steps Secrets Manager invokes a rotation function with, in order, each retried on failure. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export interface RotationEvent {
  readonly step: RotationStep;
  /** The version being rotated in (Secrets Manager's ClientRequestToken). */
  readonly versionId: string;
}

export interface RotationDeps {
  readonly secret: TokenSecret;
  readonly cache: TokenCache;
  /** Waits between status checks of the cache while it applies the new token. */
  readonly sleep: (ms: number) => Promise<void>;
  /** How long testSecret waits for the cache to finish modifying before failing (Secrets Manager retries the step). */
  readonly maxWaitMs: number;
  readonly pollMs: number;
}

export class RotationError extends Error {
  override readonly name = 'RotationError';
}

/**
 * One step of the rotation of the cache's AUTH token (Secrets Manager's single-user rotation protocol):
 * - createSecret: a new random token staged AWSPENDING (nothing if this version already has one: steps are retried);
 * - setSecret: the cache accepts it next to the current one (ElastiCache `ROTATE`: both are valid until the next
 *   rotation), so functions still holding the old token from their cold start keep working;
 * - testSecret: the cache has finished applying it (status `available`);
 * - finishSecret: the new version becomes AWSCURRENT, which new cold starts read.
 * The token itself is never logged.
 */
export const rotateCacheToken = async (deps: RotationDeps, event: RotationEvent): Promise<void> => {
  const { secret, cache } = deps;
  switch (event.step) {
    case 'createSecret': {
      if ((await secret.get('AWSCURRENT')) === undefined) throw new RotationError('the secret has no AWSCURRENT version to rotate from');
      if ((await secret.get('AWSPENDING', event.versionId)) !== undefined) return;
      await secret.putPending(event.versionId, await secret.randomToken());
      return;
    }
    case 'setSecret': {
      const pending = await secret.get('AWSPENDING', event.versionId);
      if (pending === undefined) throw new RotationError(`no AWSPENDING token for version ${event.versionId}`);
      // A retried step finds the cache still applying the token it was given: nothing to do.
      if ((await cache.status()) === 'modifying') return;
      await cache.rotateTo(pending);
      return;
    }
    case 'testSecret': {
      for (let waited = 0; ; waited += deps.pollMs) {
        const status = await cache.status();
        if (status === 'available') return;
        if (waited >= deps.maxWaitMs) throw new RotationError(`the cache is still ${status} after ${deps.maxWaitMs} ms`);
        await deps.sleep(deps.pollMs);
      }
    }
    case 'finishSecret': {
      const current = await secret.currentVersionId();
      if (current === event.versionId) return;
      await secret.promote(event.versionId, current);
      return;
    }
  }
};

/** The step of a raw Secrets Manager rotation event; anything else is refused before any call. */
export const parseRotationEvent = (event: unknown): RotationEvent => {
  const record = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const step = record['Step'];
  const versionId = record['ClientRequestToken'];
  if (typeof step !== 'string' || !(ROTATION_STEPS as readonly string[]).includes(step)) throw new RotationError(`unknown rotation step ${String(step)}`);
  if (typeof versionId !== 'string' || versionId.length === 0) throw new RotationError('the rotation event has no ClientRequestToken');
  return { step: step as RotationStep, versionId };
};
