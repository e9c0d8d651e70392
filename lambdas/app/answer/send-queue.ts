import type { ChunkReply, ServerFrame } from '../../core/protocol';
import type { Messenger } from '../../ports';

/**
 * The ordered send queue of one model call: frames are posted one at a time, in order, while the caller keeps
 * reading the model's stream (a slow `postToConnection` no longer stalls it). When a chunk arrives while another
 * chunk is still waiting behind the post in flight, the two merge (text concatenated): a backed-up queue holds at
 * most one waiting chunk, never one per token. A failed post (a client that left: ConnectionGoneError) drops what
 * is queued and calls `onFailure` once, so the caller can abort the model stream and its spend.
 */
export class SendQueue {
  private readonly waiting: ServerFrame[] = [];
  private pumping: Promise<void> | undefined;
  private failure: { readonly error: unknown } | undefined;
  /** Chunk frames merged into the one before them instead of being posted on their own. */
  merged = 0;

  constructor(
    private readonly messenger: Messenger,
    private readonly connectionId: string,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** The failed post's error, if one failed (everything after it was dropped). */
  get failed(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  /** Queues a frame without waiting for it to be posted; ignored once a post has failed. */
  enqueue(frame: ServerFrame): void {
    if (this.failure !== undefined) return;
    const last = this.waiting.at(-1);
    if (frame.type === 'chunk' && last?.type === 'chunk' && last.requestId === frame.requestId) {
      const merged: ChunkReply = { ...last, text: last.text + frame.text };
      this.waiting[this.waiting.length - 1] = merged;
      this.merged += 1;
    } else {
      this.waiting.push(frame);
    }
    this.pumping ??= this.pump();
  }

  /** Resolves once every queued frame was posted (or dropped after a failure); never throws. */
  async drain(): Promise<void> {
    while (this.pumping !== undefined) await this.pumping;
  }

  private async pump(): Promise<void> {
    for (let frame = this.waiting.shift(); frame !== undefined; frame = this.waiting.shift()) {
      try {
        await this.messenger.send(this.connectionId, frame);
      } catch (error) {
        this.failure = { error };
        this.waiting.length = 0;
        this.onFailure(error);
      }
    }
    this.pumping = undefined;
  }
}
