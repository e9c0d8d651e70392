import { DEFAULT_CONNECT_POLICY, INITIAL_CONNECT_STATE, nextConnect, type ConnectDecision, type ConnectOutcome, type ConnectState } from '../../web/widget/connect-policy';
import { ChatConnection, type ConnectionEnvironment, type ConnectionEvents, type SocketLike, type TokenRequest } from '../../web/widget/connection';
import { chatReducer, INITIAL_CHAT_STATE } from '../../web/widget/state';
import { STRINGS } from '../../web/widget/i18n';

const FAILED: ConnectOutcome = { kind: 'failed', signedIn: true, online: true };

/** Applies outcomes in order (random 0: the shortest delays) and returns every decision. */
const decide = (outcomes: readonly ConnectOutcome[], from: ConnectState = INITIAL_CONNECT_STATE): ConnectDecision[] => {
  const decisions: ConnectDecision[] = [];
  let state = from;
  for (const outcome of outcomes) {
    const decision = nextConnect(state, outcome, 0);
    decisions.push(decision);
    state = decision.state;
  }
  return decisions;
};
const steps = (decisions: readonly ConnectDecision[]) => decisions.map(({ step }) => (step.kind === 'retry' ? `retry ${step.delayMs}` : step.kind));

describe('the reconnect policy for connections refused before they open', () => {
  it('asks for a fresh token after a failure before open, and asks to sign in again after 3 more with fresh tokens', () => {
    const decisions = decide([FAILED, FAILED, FAILED, FAILED]);
    expect(steps(decisions)).toEqual(['retry 250', 'retry 500', 'retry 1000', 'signInRequired']);
    expect(decisions.map(({ state }) => [state.refresh, state.refused])).toEqual([
      [true, 0],
      [true, 1],
      [true, 2],
      [true, 3],
    ]);
  });

  it('forgets the refusals once a connection opens: a fresh token that works is the end of it', () => {
    const decisions = decide([FAILED, FAILED, FAILED, { kind: 'opened' }, FAILED, FAILED, FAILED]);
    expect(steps(decisions)).toEqual(['retry 250', 'retry 500', 'retry 1000', 'connected', 'retry 250', 'retry 500', 'retry 1000']);
    expect(decisions[3]?.state).toEqual(INITIAL_CONNECT_STATE);
  });

  it('keeps reconnecting with backoff (no fresh token asked) when a connection that had opened drops, however often', () => {
    const decisions = decide(Array.from({ length: 8 }, (): ConnectOutcome => ({ kind: 'dropped' })));
    expect(steps(decisions)).toEqual(['retry 250', 'retry 500', 'retry 1000', 'retry 2000', 'retry 4000', 'retry 7500', 'retry 7500', 'retry 7500']);
    expect(decisions.every(({ state }) => !state.refresh && state.refused === 0)).toBe(true);
  });

  it('does not count failures of a guest (no token) or while the browser is offline', () => {
    const guest = decide(Array.from({ length: 10 }, (): ConnectOutcome => ({ kind: 'failed', signedIn: false, online: true })));
    expect(guest.every(({ step }) => step.kind === 'retry')).toBe(true);
    expect(guest.at(-1)?.state).toMatchObject({ refused: 0, refresh: false, attempt: 10 });
    const offline = decide([FAILED, ...Array.from({ length: 10 }, (): ConnectOutcome => ({ kind: 'failed', signedIn: true, online: false })), FAILED]);
    expect(offline.every(({ step }) => step.kind === 'retry')).toBe(true);
    expect(offline.at(-1)?.state).toMatchObject({ refused: 1, refresh: true });
  });

  it('starts over at once with a fresh token after signing in again, and asks again after 3 more refusals', () => {
    const refused = decide([FAILED, FAILED, FAILED, FAILED]).at(-1)?.state ?? INITIAL_CONNECT_STATE;
    const again = decide([{ kind: 'restarted' }, FAILED, FAILED, FAILED], refused);
    expect(steps(again)).toEqual(['retry 0', 'retry 250', 'retry 500', 'signInRequired']);
    expect(again[0]?.state).toEqual({ attempt: 0, refresh: true, refused: 0 });
  });

  it('takes a policy of its own, with odd limits made sane', () => {
    const once = { ...DEFAULT_CONNECT_POLICY, maxRefused: 1 };
    expect(nextConnect({ attempt: 0, refresh: true, refused: 0 }, FAILED, 0, once).step).toEqual({ kind: 'signInRequired' });
    // Below one counts as one; not a number is the default (3).
    for (const maxRefused of [0, -1]) expect(nextConnect({ attempt: 0, refresh: true, refused: 0 }, FAILED, 0, { ...DEFAULT_CONNECT_POLICY, maxRefused }).step.kind).toBe('signInRequired');
    expect(nextConnect({ attempt: 0, refresh: true, refused: 1 }, FAILED, 0, { ...DEFAULT_CONNECT_POLICY, maxRefused: Number.NaN }).step.kind).toBe('retry');
    expect(nextConnect({ attempt: 0, refresh: true, refused: 2 }, FAILED, 0, { ...DEFAULT_CONNECT_POLICY, maxRefused: Number.NaN }).step.kind).toBe('signInRequired');
  });
});

/** A socket the test opens, closes and refuses; records the URL it was made for. */
class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, ((event: { data: unknown }) => void)[]>();
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: 'open' | 'close' | 'message', data?: string): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}

/** The connection against fake sockets and a manual clock: timers run when the test says. */
const harness = (getToken: (request: TokenRequest) => Promise<string | null>, options: { online?: () => boolean } = {}) => {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const log: string[] = [];
  const env: ConnectionEnvironment = {
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    online: options.online ?? (() => true),
    now: () => 0,
    random: () => 0,
    setTimer: (callback) => timers.push(callback),
    clearTimer: () => undefined,
  };
  const events: ConnectionEvents = {
    onConnecting: () => log.push('connecting'),
    onOpen: (signedIn) => log.push(`open ${String(signedIn)}`),
    onFrame: (data) => log.push(`frame ${data}`),
    onLost: (at) => log.push(`lost ${at}`),
    onSignInRequired: () => log.push('signInRequired'),
  };
  const connection = new ChatConnection('ws://gateway.test/prod', () => 'web-s1', getToken, events, DEFAULT_CONNECT_POLICY, env);
  /** Lets the token promise settle, so the socket of the attempt exists. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const runTimers = async () => {
    for (const timer of timers.splice(0)) timer();
    await settle();
  };
  return { connection, sockets, timers, log, settle, runTimers };
};

describe('the widget connection with a refused token', () => {
  it('asks the host for a fresh token after a refusal, stops after 3 refusals with fresh tokens, and starts over on restart', async () => {
    const requests: boolean[] = [];
    const h = harness(async ({ refresh }) => {
      requests.push(refresh);
      return `token-${requests.length}`;
    });
    h.connection.start();
    await h.settle();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      // The gateway's authorizer answers 401: the browser gives `close` without `open`.
      h.sockets.at(-1)?.fire('close');
      await h.runTimers();
    }
    expect(requests).toEqual([false, true, true, true]);
    expect(h.log.filter((entry) => entry !== 'connecting')).toEqual(['lost 250', 'lost 500', 'lost 1000', 'signInRequired']);
    expect(h.sockets).toHaveLength(4);
    expect(h.sockets[1]?.url).toBe('ws://gateway.test/prod?token=token-2&sessionId=web-s1');
    // Stopped: no timer is left that would try again.
    expect(h.timers).toHaveLength(0);

    h.connection.restart();
    await h.runTimers();
    expect(requests.at(-1)).toBe(true);
    h.sockets.at(-1)?.fire('open');
    expect(h.log.at(-1)).toBe('open true');
    expect(h.connection.send({ action: 'invoke' })).toBe(true);
  });

  it('reconnects without end when an opened connection drops, and counts a failing token callback as a refusal', async () => {
    let calls = 0;
    const h = harness(async () => {
      calls += 1;
      if (calls > 12) throw new Error('the host is signed out');
      return 'token';
    });
    h.connection.start();
    await h.settle();
    for (let drop = 0; drop < 12; drop += 1) {
      h.sockets.at(-1)?.fire('open');
      h.sockets.at(-1)?.fire('close');
      await h.runTimers();
    }
    expect(h.log.filter((entry) => entry === 'signInRequired')).toEqual([]);
    // From here the host's callback throws (its own session expired): the same as a refused token.
    for (let attempt = 0; attempt < 4; attempt += 1) await h.runTimers();
    expect(h.log.at(-1)).toBe('signInRequired');
    expect(h.sockets).toHaveLength(12);
  });

  it("keeps retrying a guest's connection and one while the browser is offline", async () => {
    const guest = harness(async () => null);
    guest.connection.start();
    await guest.settle();
    for (let attempt = 0; attempt < 8; attempt += 1) {
      guest.sockets.at(-1)?.fire('close');
      await guest.runTimers();
    }
    expect(guest.log).not.toContain('signInRequired');
    expect(guest.sockets.at(-1)?.url).toBe('ws://gateway.test/prod');

    const offline = harness(async () => 'token', { online: () => false });
    offline.connection.start();
    await offline.settle();
    for (let attempt = 0; attempt < 8; attempt += 1) {
      offline.sockets.at(-1)?.fire('close');
      await offline.runTimers();
    }
    expect(offline.log).not.toContain('signInRequired');
  });

  it('ignores a token that arrives after a restart or stop: only the latest attempt opens a socket', async () => {
    const pending: ((token: string) => void)[] = [];
    const h = harness(() => new Promise((resolve) => pending.push(resolve)));
    h.connection.start();
    await h.settle();
    h.connection.restart();
    await h.runTimers();
    pending[0]?.('stale');
    pending[1]?.('current');
    await h.settle();
    expect(h.sockets.map((socket) => socket.url)).toEqual(['ws://gateway.test/prod?token=current&sessionId=web-s1']);
    h.connection.stop();
    await h.runTimers();
    expect(h.sockets).toHaveLength(1);
  });
});

describe('the sign-in-required state of the conversation', () => {
  it('ends answers in flight like a lost connection, and a later open clears it', () => {
    const asked = [{ type: 'opened' }, { type: 'sent', requestId: 'r1', message: 'hello' }, { type: 'lost', reconnectAt: 5 }, { type: 'connecting' }, { type: 'signInRequired' }] as const;
    const state = asked.reduce(chatReducer, INITIAL_CHAT_STATE);
    expect(state).toEqual({ connection: 'signInRequired', turns: [expect.objectContaining({ status: 'failed', errorCode: 'connection_lost' })] });
    const pendingRating = chatReducer({ connection: 'open', turns: [{ requestId: 'r2', question: 'q', answer: 'a', status: 'done', feedback: { rating: 'up', pending: true, acknowledged: false } }] }, { type: 'signInRequired' });
    expect(pendingRating.turns[0]?.feedback).toMatchObject({ pending: false, errorCode: 'connection_lost' });
    expect(chatReducer(state, { type: 'opened' }).connection).toBe('open');
  });

  it('has its sentence and buttons in Japanese and English', () => {
    expect(STRINGS.en.signInRequired).toMatch(/sign in again/);
    expect(STRINGS.ja.signInRequired).toContain('もう一度ログイン');
    expect([STRINGS.en.signInAgain, STRINGS.ja.signInAgain, STRINGS.en.tryAgain, STRINGS.ja.tryAgain]).toEqual(['Sign in again', 'もう一度ログイン', 'Try again', '再試行']);
  });
});
