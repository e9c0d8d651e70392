/**
 * The widget's WebSocket: opened with a token from the host page's callback (`?token=`, the only place a browser can
 * put it) and, for a signed-in customer, the widget's session id (`&sessionId=`, so a reconnect resumes the same
 * conversation), reopened with backoff when it drops. When attempts keep failing before they open although their
 * tokens were asked fresh, it stops and says the customer must sign in again (connect-policy.ts decides); `restart`
 * starts over. Only a close the widget asked for is final.
 */
import { DEFAULT_CONNECT_POLICY, INITIAL_CONNECT_STATE, nextConnect, type ConnectOutcome, type ConnectPolicy, type ConnectState } from './connect-policy';

/** What the widget asks the host's token callback for. */
export interface TokenRequest {
  /**
   * The previous attempt failed before it opened (the gateway may have refused the token, e.g. expired): return a
   * newly issued token, not a cached one.
   */
  readonly refresh: boolean;
}

export type TokenSource = (request: TokenRequest) => string | null | undefined | Promise<string | null | undefined>;

export interface ConnectionEvents {
  onConnecting(): void;
  /** `signedIn`: this connection was opened with a token (else it is a guest's, whose session is the connection). */
  onOpen(signedIn: boolean): void;
  onFrame(data: string): void;
  /** The socket dropped or could not open; the next attempt starts at `reconnectAt` (epoch ms). */
  onLost(reconnectAt: number): void;
  /** Attempts kept failing with fresh tokens: no more until `restart` (the customer signs in again). */
  onSignInRequired(): void;
}

/** The part of a browser WebSocket the connection uses (tests give a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}

/** The browser around the connection; tests replace it. */
export interface ConnectionEnvironment {
  createSocket(url: string): SocketLike;
  online(): boolean;
  now(): number;
  random(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

const OPEN = 1;

export const browserEnvironment = (): ConnectionEnvironment => ({
  createSocket: (url) => new WebSocket(url),
  // Read through globalThis: the module is also compiled without the DOM's types (its unit tests). A browser
  // without the flag says nothing, and the failure counts.
  online: () => (globalThis as { readonly navigator?: { readonly onLine?: boolean } }).navigator?.onLine !== false,
  now: () => Date.now(),
  random: () => Math.random(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
});

export class ChatConnection {
  private socket: SocketLike | undefined;
  private policyState: ConnectState = INITIAL_CONNECT_STATE;
  private timer: unknown;
  private stopped = false;
  /** Attempts are numbered so that a token answered after a restart or stop opens nothing. */
  private generation = 0;

  constructor(
    private readonly endpoint: string,
    private readonly sessionId: () => string | undefined,
    private readonly getToken: TokenSource | undefined,
    private readonly events: ConnectionEvents,
    private readonly policy: ConnectPolicy = DEFAULT_CONNECT_POLICY,
    private readonly env: ConnectionEnvironment = browserEnvironment(),
  ) {}

  get isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  /** Starts over now with a fresh token, forgetting the refusals: after the customer signed in again. */
  restart(): void {
    this.stopped = false;
    this.cancel();
    this.apply({ kind: 'restarted' });
  }

  send(frame: Readonly<Record<string, unknown>>): boolean {
    if (!this.isOpen || this.socket === undefined) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    this.generation += 1;
    if (this.timer !== undefined) this.env.clearTimer(this.timer);
    this.timer = undefined;
    this.socket?.close(1000, 'widget closed');
    this.socket = undefined;
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.events.onConnecting();
    const refresh = this.policyState.refresh;
    let token: string | null | undefined;
    try {
      token = await this.getToken?.({ refresh });
    } catch {
      // The host page could not sign in now: its sign-in is what is missing; never connect as someone else.
      if (generation === this.generation) this.failed(true);
      return;
    }
    if (this.stopped || generation !== this.generation) return;
    const signedIn = typeof token === 'string' && token !== '';
    const url = new URL(this.endpoint);
    if (signedIn) url.searchParams.set('token', token as string);
    // A guest's session is its connection: only a signed-in customer resumes one.
    const sessionId = signedIn ? this.sessionId() : undefined;
    if (sessionId !== undefined) url.searchParams.set('sessionId', sessionId);
    let socket: SocketLike;
    try {
      socket = this.env.createSocket(url.toString());
    } catch {
      return this.failed(signedIn);
    }
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.apply({ kind: 'opened' });
      this.events.onOpen(signedIn);
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.events.onFrame(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (opened) this.apply({ kind: 'dropped' });
      else this.failed(signedIn);
    });
  }

  private failed(signedIn: boolean): void {
    this.apply({ kind: 'failed', signedIn, online: this.env.online() });
  }

  private apply(outcome: ConnectOutcome): void {
    if (this.stopped) return;
    const { state, step } = nextConnect(this.policyState, outcome, this.env.random(), this.policy);
    this.policyState = state;
    if (step.kind === 'signInRequired') return this.events.onSignInRequired();
    if (step.kind !== 'retry') return;
    if (outcome.kind !== 'restarted') this.events.onLost(this.env.now() + step.delayMs);
    this.timer = this.env.setTimer(() => {
      this.timer = undefined;
      void this.open();
    }, step.delayMs);
  }
}
