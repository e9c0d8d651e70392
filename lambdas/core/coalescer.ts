/**
 * Coalesces model tokens into chunk frames: `postToConnection` counts against the account's 10,000 requests/s,
 * so one post per token would not survive a release-night peak. The first text of an answer is released at once
 * (what a customer feels is the time to the first words); after it, a chunk is released when it is big enough or
 * when the oldest buffered text has waited `maxDelayMs`. `push` applies both rules when text arrives; the delay
 * rule also needs a timer, for text buffered behind a model that goes quiet: the caller arms one for `dueInMs`
 * and calls `flush` when it fires. The clock is a parameter: no timer lives here.
 */
export interface CoalescerOptions {
  readonly maxChars: number;
  readonly maxDelayMs: number;
  /**
   * Release the first text at once, whatever its size (default true). At once rather than at the first word
   * boundary: Japanese has no spaces to wait for, and a model's first delta is usually a word or more already.
   */
  readonly firstAtOnce?: boolean;
}

export const DEFAULT_COALESCER: CoalescerOptions = { maxChars: 160, maxDelayMs: 120 };

export class ChunkCoalescer {
  private buffer = '';
  private bufferedSince = 0;
  private released = false;

  constructor(private readonly options: CoalescerOptions = DEFAULT_COALESCER) {}

  /** Adds text; returns the chunk to send now, if any. */
  push(text: string, nowMs: number): string | undefined {
    if (text.length === 0) return undefined;
    if (this.buffer.length === 0) this.bufferedSince = nowMs;
    this.buffer += text;
    const first = !this.released && this.options.firstAtOnce !== false;
    if (first || this.buffer.length >= this.options.maxChars || nowMs - this.bufferedSince >= this.options.maxDelayMs) {
      return this.flush();
    }
    return undefined;
  }

  /** Milliseconds until the buffered text is due (0: due now); undefined when nothing is buffered. */
  dueInMs(nowMs: number): number | undefined {
    if (this.buffer.length === 0) return undefined;
    return Math.max(0, this.bufferedSince + this.options.maxDelayMs - nowMs);
  }

  /** Releases whatever is buffered (the delay's timer fired, or the stream ended). */
  flush(): string | undefined {
    if (this.buffer.length === 0) return undefined;
    const chunk = this.buffer;
    this.buffer = '';
    this.released = true;
    return chunk;
  }
}
