import { WebSocket } from 'ws';
import type { ServerFrame } from '../../lambdas/core/protocol';

/** A real WebSocket client that collects server frames and can wait for the end of one request. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until a frame matching `predicate` arrives; fails with the frames seen so far after `timeoutMs`. */
  async waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The frames of one request, once its `done` or `error` frame has arrived. */
  async finish(requestId: string, timeoutMs = 10_000): Promise<ServerFrame[]> {
    await this.waitFor((f) => f.requestId === requestId && (f.type === 'done' || f.type === 'error'), timeoutMs);
    return this.frames.filter((f) => f.requestId === requestId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export const textOf = (frames: readonly ServerFrame[]): string =>
  frames.map((f) => (f.type === 'chunk' ? f.text : '')).join('');
