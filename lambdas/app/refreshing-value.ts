import type { Clock } from '../ports';

/**
 * A value re-read with `load` at most every `ttlMs` on `clock`. Concurrent callers on a warm container share one
 * in-flight read instead of stampeding the store. If a read fails, `onError` hears of it and the last good value
 * (or `initial`) stays in force until the next read, `ttlMs` later: a store outage must not stop the chat.
 */
export class RefreshingValue<T> {
  private current: T;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    initial: T,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.current = initial;
  }

  /** The value in force, read first if the last read is `ttlMs` old (`load` starts before this returns). */
  async get(): Promise<T> {
    if (this.clock.now() - this.loadedAt < this.ttlMs) return this.current;
    this.inflight ??= this.reload().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The value last read (or set), without reading. */
  latest(): T {
    return this.current;
  }

  /** Replaces the value locally, until the next read completes; does not delay that read. */
  set(value: T): void {
    this.current = value;
  }

  /** Forgets the last read: the next `get` reads again. */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  private async reload(): Promise<T> {
    try {
      this.current = await this.load();
    } catch (error) {
      this.onError(error);
    }
    this.loadedAt = this.clock.now();
    return this.current;
  }
}
