/**
 * Coalesces model tokens into chunk frames: `postToConnection` counts against the account's 10,000 requests/s,
 * so one post per token would not survive a release-night peak. A chunk is released when it is big enough or
 * when the oldest buffered text has waited long enough; the clock is a parameter.
 */
export interface CoalescerOptions {
  readonly maxChars: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_COALESCER: CoalescerOptions = { maxChars: 160, maxDelayMs: 120 };

export class ChunkCoalescer {
  private buffer = '';
  private bufferedSince = 0;

  constructor(private readonly options: CoalescerOptions = DEFAULT_COALESCER) {}

  /** Adds text; returns the chunk to send now, if any. */
  push(text: string, nowMs: number): string | undefined {
    if (text.length === 0) return undefined;
    if (this.buffer.length === 0) this.bufferedSince = nowMs;
    this.buffer += text;
    if (this.buffer.length >= this.options.maxChars || nowMs - this.bufferedSince >= this.options.maxDelayMs) {
      return this.flush();
    }
    return undefined;
  }

  /** Releases whatever is buffered (end of stream). */
  flush(): string | undefined {
    if (this.buffer.length === 0) return undefined;
    const chunk = this.buffer;
    this.buffer = '';
    return chunk;
  }
}
