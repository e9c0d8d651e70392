/**
 * The widget's WebSocket: opened with a fresh token from the host page's callback (`?token=`, the only place a
 * browser can put it) and, for a signed-in customer, the widget's session id (`&sessionId=`, so a reconnect resumes the
 * same conversation),
 * reopened with backoff when it drops. Only a close the widget asked for is final.
 */
import { reconnectDelayMs } from './backoff';

export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface ConnectionEvents {
  onConnecting(): void;
  /** `signedIn`: this connection was opened with a token (else it is a guest's, whose session is the connection). */
  onOpen(signedIn: boolean): void;
  onFrame(data: string): void;
  /** The socket dropped; the next attempt starts at `reconnectAt` (epoch ms). */
  onLost(reconnectAt: number): void;
}

export class ChatConnection {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly endpoint: string,
    private readonly sessionId: () => string | undefined,
    private readonly getToken: TokenSource | undefined,
    private readonly events: ConnectionEvents,
  ) {}

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  send(frame: Readonly<Record<string, unknown>>): boolean {
    if (!this.isOpen || this.socket === undefined) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.close(1000, 'widget closed');
    this.socket = undefined;
  }

  private async open(): Promise<void> {
    this.events.onConnecting();
    let token: string | null | undefined;
    try {
      token = await this.getToken?.();
    } catch {
      // The host page could not sign in now: try again later rather than connect as someone else.
      return this.retryLater();
    }
    if (this.stopped) return;
    const url = new URL(this.endpoint);
    if (token) url.searchParams.set('token', token);
    // A guest's session is its connection: only a signed-in customer resumes one.
    const sessionId = token ? this.sessionId() : undefined;
    if (sessionId !== undefined) url.searchParams.set('sessionId', sessionId);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url.toString());
    } catch {
      return this.retryLater();
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.events.onOpen(Boolean(token));
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') this.events.onFrame(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      this.retryLater();
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    const delay = reconnectDelayMs(this.attempt, Math.random());
    this.attempt += 1;
    this.events.onLost(Date.now() + delay);
    this.timer = setTimeout(() => void this.open(), delay);
  }
}
