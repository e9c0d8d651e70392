import { parseRotationEvent, rotateCacheToken, RotationError, type RotationDeps } from '../../lambdas/app/rotate-cache-token';
import type { TokenCache, TokenSecret } from '../../lambdas/ports/cache-auth';

/** Secrets Manager's versions of one secret, in memory. */
class MemorySecret implements TokenSecret {
  readonly versions = new Map<string, { token: string; stages: string[] }>([['v-old', { token: 'old-token', stages: ['AWSCURRENT'] }]]);
  generated = 0;
  async get(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined> {
    for (const [id, version] of this.versions) {
      if (version.stages.includes(stage) && (versionId === undefined || versionId === id)) return version.token;
    }
    return undefined;
  }
  async randomToken(): Promise<string> {
    this.generated += 1;
    return `new-token-${this.generated}`;
  }
  async putPending(versionId: string, token: string): Promise<void> {
    this.versions.set(versionId, { token, stages: ['AWSPENDING'] });
  }
  async currentVersionId(): Promise<string | undefined> {
    return [...this.versions].find(([, version]) => version.stages.includes('AWSCURRENT'))?.[0];
  }
  async promote(versionId: string, fromVersionId: string | undefined): Promise<void> {
    if (fromVersionId) this.versions.get(fromVersionId)!.stages = ['AWSPREVIOUS'];
    this.versions.get(versionId)!.stages = ['AWSCURRENT'];
  }
}

/** A replication group that accepts tokens (ROTATE keeps the previous one) and stays `modifying` for a few checks. */
class MemoryCache implements TokenCache {
  accepted = ['old-token'];
  rotations = 0;
  private checksUntilAvailable = 0;
  constructor(private readonly modifyingChecks = 2) {}
  async status(): Promise<string> {
    if (this.checksUntilAvailable > 0) {
      this.checksUntilAvailable -= 1;
      return 'modifying';
    }
    return 'available';
  }
  async rotateTo(token: string): Promise<void> {
    this.rotations += 1;
    this.accepted = [this.accepted.at(-1) ?? '', token];
    this.checksUntilAvailable = this.modifyingChecks;
  }
}

const depsFor = (secret: MemorySecret, cache: MemoryCache, maxWaitMs = 60_000): RotationDeps => ({ secret, cache, sleep: async () => undefined, maxWaitMs, pollMs: 15_000 });

const rotateAll = async (deps: RotationDeps, versionId: string) => {
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await rotateCacheToken(deps, { step, versionId });
};

describe('cache AUTH token rotation', () => {
  it('rotates in four steps: a new pending token, accepted by the cache next to the old one, then made current', async () => {
    // Prepare
    const secret = new MemorySecret();
    const cache = new MemoryCache();

    // Act
    await rotateAll(depsFor(secret, cache), 'v-new');

    // Assess
    expect(await secret.get('AWSCURRENT')).toBe('new-token-1');
    expect(cache.accepted).toEqual(['old-token', 'new-token-1']);
    expect(secret.versions.get('v-old')?.stages).toEqual(['AWSPREVIOUS']);
  });

  it('is idempotent per step: retried steps neither generate a second token nor modify the cache twice', async () => {
    // Prepare
    const secret = new MemorySecret();
    const cache = new MemoryCache(5);
    const deps = depsFor(secret, cache);

    // Act
    await rotateCacheToken(deps, { step: 'createSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'createSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'setSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'setSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'testSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'finishSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'finishSecret', versionId: 'v-new' });

    // Assess
    expect(secret.generated).toBe(1);
    expect(cache.rotations).toBe(1);
    expect(await secret.currentVersionId()).toBe('v-new');
  });

  it('fails testSecret while the cache is still applying the token, so the new version is not made current', async () => {
    // Prepare
    const secret = new MemorySecret();
    const cache = new MemoryCache(100);
    const deps = depsFor(secret, cache, 30_000);
    await rotateCacheToken(deps, { step: 'createSecret', versionId: 'v-new' });
    await rotateCacheToken(deps, { step: 'setSecret', versionId: 'v-new' });

    // Act
    const tested = rotateCacheToken(deps, { step: 'testSecret', versionId: 'v-new' });

    // Assess
    await expect(tested).rejects.toThrow(RotationError);
    expect(await secret.currentVersionId()).toBe('v-old');
  });

  it('refuses setSecret without a pending token (never sends an empty token to the cache)', async () => {
    // Act
    const set = rotateCacheToken(depsFor(new MemorySecret(), new MemoryCache()), { step: 'setSecret', versionId: 'v-missing' });

    // Assess
    await expect(set).rejects.toThrow(/no AWSPENDING/);
  });

  it.each([{}, { Step: 'dropSecret', ClientRequestToken: 'v' }, { Step: 'createSecret' }, null])('refuses a malformed rotation event %j', (event) => {
    // Assess
    expect(() => parseRotationEvent(event)).toThrow(RotationError);
  });

  it('reads Secrets Manager event fields', () => {
    // Assess
    expect(parseRotationEvent({ Step: 'testSecret', SecretId: 'arn:aws:secretsmanager:...', ClientRequestToken: 'v-9' })).toEqual({ step: 'testSecret', versionId: 'v-9' });
  });
});
