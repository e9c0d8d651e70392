import type { RoutingCommitResult, RoutingVersion, RoutingVersionStore } from '../ports/routing-versions';

/**
 * Versioned routing in process: the core's unit tests, the experiments' tests and the simulator. Same contract as
 * the DynamoDB store: a commit applies only on top of the expected active version, else nothing changes.
 */
export class MemoryRoutingVersionStore implements RoutingVersionStore {
  private readonly versions = new Map<number, RoutingVersion>();
  private pointer: number | null = null;

  constructor(initial: readonly RoutingVersion[] = []) {
    for (const version of initial) this.versions.set(version.version, version);
    if (initial.length > 0) this.pointer = Math.max(...initial.map((version) => version.version));
  }

  async active(): Promise<RoutingVersion | null> {
    return this.pointer === null ? null : (this.versions.get(this.pointer) ?? null);
  }

  async get(version: number): Promise<RoutingVersion | undefined> {
    return this.versions.get(version);
  }

  async history(limit: number): Promise<readonly RoutingVersion[]> {
    return [...this.versions.values()].sort((a, b) => b.version - a.version).slice(0, Math.max(0, limit));
  }

  async commit(expected: number | null, next: RoutingVersion): Promise<RoutingCommitResult> {
    if (this.pointer !== expected || this.versions.has(next.version)) return { ok: false, conflict: true, expected, active: this.pointer };
    this.versions.set(next.version, next);
    this.pointer = next.version;
    return { ok: true, version: next };
  }
}
