/**
 * The embeddable chat widget: `MangaAssistChat.mount({ endpoint, getToken })`. It draws the state of state.ts in a
 * shadow root, with model text always as text nodes (never parsed as HTML), and sends the protocol's frames through
 * connection.ts. No framework: the whole widget is this file and a few pure modules.
 */
import { DEFAULT_BACKOFF } from './backoff';
import { DEFAULT_MAX_REFUSED } from './connect-policy';
import { ChatConnection, type TokenSource } from './connection';
import { pickLocale, STRINGS, type Locale, type Strings } from './i18n';
import { shouldSend } from './keys';
import { splitLinks } from './links';
import { canRate, canRetry, characterCount, chatReducer, formatFacts, INITIAL_CHAT_STATE, MAX_MESSAGE_CHARS, type ChatEvent, type ChatState, type Turn } from './state';
import { WIDGET_CSS } from './styles';

export interface WidgetOptions {
  /** The gateway's WebSocket URL, e.g. `wss://chat.example.com/prod`. */
  readonly endpoint: string;
  /**
   * The signed-in customer's access token, asked for at every (re)connection; none (null) connects as a guest.
   * `{ refresh: true }`: the last attempt failed before it opened (perhaps the token expired): return a new one.
   */
  readonly getToken?: TokenSource;
  /**
   * The host page's sign-in, called from the widget's *Sign in again* button once connections keep being refused
   * with fresh tokens. The widget reconnects when it returns (a promise: when it resolves; a rejection means the
   * customer cancelled, and the button stays). Without it the button says *Try again* and only reconnects.
   */
  readonly signIn?: () => unknown;
  /** Attempts in a row failing before they open with fresh tokens before the widget asks to sign in again (3). */
  readonly maxRefusedConnects?: number;
  /** `ja` or `en`; default: the page's `lang`, then the browser's languages, then Japanese. */
  readonly lang?: string;
  /** Where the widget's host element goes; default `document.body`. */
  readonly container?: HTMLElement;
  /** Start with the chat panel open. */
  readonly open?: boolean;
  /** Offer the developer view toggle (intent, tier, model, cost, cache, latency per answer). */
  readonly developer?: boolean;
  /** Hosts whose `https` links in answers become links (e.g. the store's own); every other URL stays text. */
  readonly allowedLinkHosts?: readonly string[];
  /** sessionStorage key of the conversation's session id (resumed after a reload of the tab). */
  readonly sessionKey?: string;
}

export interface WidgetHandle {
  /** The conversation's session id (a signed-in customer's; a guest's session is its connection). */
  readonly sessionId: string;
  open(): void;
  /** Reconnects now with a fresh token, e.g. after the page signed the customer in again by itself. */
  reconnect(): void;
  close(): void;
  destroy(): void;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** 20 random characters: ids the protocol accepts (`[\w.:-]{1,128}`), from the browser's CSPRNG. */
const randomId = (prefix: string): string => {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return `${prefix}${Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}`;
};

const sessionIdFor = (key: string): string => {
  try {
    const stored = sessionStorage.getItem(key);
    if (stored !== null && /^[\w.:-]{1,128}$/.test(stored)) return stored;
    const fresh = randomId('web-');
    sessionStorage.setItem(key, fresh);
    return fresh;
  } catch {
    // Storage disabled (privacy settings): the session lives as long as the page.
    return randomId('web-');
  }
};

const renewSessionId = (key: string): string => {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: sessionIdFor makes an in-memory one.
  }
  return sessionIdFor(key);
};

type Attributes = Readonly<Record<string, string>>;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, text?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Material Design's thumb icon (Apache-2.0), drawn as SVG: emoji fonts are missing on many systems. */
const THUMB_PATH = 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.3c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
const thumbIcon = (down: boolean): SVGSVGElement => {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (down) svg.setAttribute('transform', 'rotate(180)');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', THUMB_PATH);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
};

const setDisabled = (button: HTMLButtonElement, disabled: boolean): void => {
  // aria-disabled instead of `disabled`: the button keeps its place in the focus order and keyboard focus stays put.
  button.setAttribute('aria-disabled', String(disabled));
};
const isDisabled = (button: HTMLButtonElement): boolean => button.getAttribute('aria-disabled') === 'true';

/** One question and its answer, with elements that persist across updates so focus is never lost. */
class TurnView {
  readonly root = el('article', { class: 'turn' });
  private readonly question = el('p', { class: 'question' });
  private readonly answer = el('div', { class: 'answer' });
  private readonly text = el('div', { class: 'answer-text' });
  private readonly notice = el('p', { class: 'notice', hidden: '' });
  private readonly retry: HTMLButtonElement;
  private readonly feedback = el('div', { class: 'feedback', hidden: '' });
  private readonly up: HTMLButtonElement;
  private readonly down: HTMLButtonElement;
  private readonly csat: HTMLDivElement;
  private readonly scores: HTMLButtonElement[] = [];
  private readonly thanks = el('span', { role: 'status' });
  private readonly facts = el('p', { class: 'facts' });
  private shownText = '';
  turn: Turn | undefined;

  constructor(
    private readonly strings: Strings,
    private readonly allowedLinkHosts: readonly string[],
    actions: { retry(view: TurnView): void; rate(view: TurnView, rating: 'up' | 'down', csat?: number): void },
  ) {
    this.question.append(el('span', { class: 'sr-only' }, `${strings.you}: `), el('span', { class: 'question-text' }));
    this.answer.append(el('span', { class: 'sr-only' }, `${strings.assistant}: `), this.text, this.notice);
    this.retry = el('button', { type: 'button', class: 'retry', hidden: '' }, strings.retry);
    this.retry.addEventListener('click', () => !isDisabled(this.retry) && actions.retry(this));
    this.up = el('button', { type: 'button', class: 'up', 'aria-pressed': 'false', 'aria-label': strings.helpful, title: strings.helpful });
    this.down = el('button', { type: 'button', class: 'down', 'aria-pressed': 'false', 'aria-label': strings.notHelpful, title: strings.notHelpful });
    this.up.append(thumbIcon(false));
    this.down.append(thumbIcon(true));
    this.up.addEventListener('click', () => !isDisabled(this.up) && actions.rate(this, 'up'));
    this.down.addEventListener('click', () => !isDisabled(this.down) && actions.rate(this, 'down'));
    this.csat = el('div', { class: 'csat', role: 'group', 'aria-label': strings.csatGroup, hidden: '' });
    for (let score = 1; score <= 5; score += 1) {
      const button = el('button', { type: 'button', class: 'score', 'aria-label': strings.csatScore(score), 'aria-pressed': 'false' }, String(score));
      button.addEventListener('click', () => {
        const rating = this.turn?.feedback.rating;
        if (!isDisabled(button) && rating !== undefined) actions.rate(this, rating, score);
      });
      this.scores.push(button);
      this.csat.append(button);
    }
    this.feedback.append(this.up, this.down, this.csat, this.thanks);
    this.answer.append(this.retry, this.feedback, this.facts);
    this.root.append(this.question, this.answer);
  }

  update(turn: Turn, now: number): void {
    const previous = this.turn;
    this.turn = turn;
    const s = this.strings;
    this.root.dataset['requestId'] = turn.requestId;
    (this.question.lastChild as HTMLElement).textContent = turn.question;
    this.answer.dataset['status'] = turn.status;
    this.answer.setAttribute('aria-busy', String(turn.status === 'waiting' || turn.status === 'streaming'));
    const shown = turn.status === 'waiting' ? s.thinking : turn.answer;
    if (shown !== this.shownText || previous === undefined) {
      this.shownText = shown;
      // Text nodes and allow-listed links only: whatever the model writes, nothing in it is parsed as markup.
      this.text.replaceChildren(
        ...splitLinks(shown, this.allowedLinkHosts).map((segment) => {
          if (segment.kind === 'text') return document.createTextNode(segment.text);
          const link = el('a', { href: segment.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, segment.text);
          return link;
        }),
      );
    }
    const notice = this.noticeText(turn, now);
    this.notice.textContent = notice;
    this.notice.hidden = notice === '';
    const retryable = (turn.status === 'failed' || turn.status === 'interrupted') && turn.errorCode !== undefined && canRetry(turn, Number.POSITIVE_INFINITY);
    this.retry.hidden = !retryable;
    setDisabled(this.retry, !canRetry(turn, now));

    const { feedback } = turn;
    this.feedback.hidden = turn.status !== 'done';
    const rated = feedback.rating !== undefined;
    this.up.setAttribute('aria-pressed', String(feedback.rating === 'up'));
    this.down.setAttribute('aria-pressed', String(feedback.rating === 'down'));
    setDisabled(this.up, rated || feedback.pending);
    setDisabled(this.down, rated || feedback.pending);
    this.csat.hidden = !rated;
    const scorable = canRate(turn) && rated;
    this.scores.forEach((button, index) => {
      button.setAttribute('aria-pressed', String(feedback.csat === index + 1));
      setDisabled(button, !scorable);
    });
    this.thanks.textContent = feedback.errorCode !== undefined ? (feedback.errorCode === 'already_rated' ? s.error('already_rated') : s.feedbackFailed) : feedback.acknowledged ? s.feedbackThanks : '';
    this.facts.textContent = turn.facts === undefined ? '' : formatFacts(turn.facts);
  }

  private noticeText(turn: Turn, now: number): string {
    const s = this.strings;
    const wait = turn.retryAt === undefined ? 0 : Math.max(0, Math.ceil((turn.retryAt - now) / 1000));
    switch (turn.errorCode) {
      case undefined:
        return '';
      case 'rate_limited':
        return s.rateLimited(wait);
      case 'limit_exceeded':
        return s.limitExceeded;
      case 'connection_lost':
        return turn.status === 'interrupted' ? `${s.incomplete} ${s.connectionLost}` : s.connectionLost;
      case 'model_stream_interrupted':
        return s.incomplete;
      default: {
        const sentence = turn.status === 'interrupted' ? `${s.incomplete} ${s.error(turn.errorCode)}` : s.error(turn.errorCode);
        return wait > 0 ? `${sentence} ${s.retryIn(wait)}` : sentence;
      }
    }
  }
}

/** What a screen reader hears when a turn ends: the whole answer once, never every chunk. */
const announcement = (turn: Turn, strings: Strings): string => {
  if (turn.status === 'done') return `${strings.assistant}: ${turn.answer}`;
  if (turn.errorCode === 'rate_limited') return strings.rateLimited(Math.max(0, Math.ceil(((turn.retryAt ?? 0) - Date.now()) / 1000)));
  if (turn.status === 'interrupted') return strings.incomplete;
  return turn.errorCode === undefined ? '' : strings.error(turn.errorCode);
};

export const mount = (options: WidgetOptions): WidgetHandle => {
  if (typeof options?.endpoint !== 'string' || !/^wss?:\/\//.test(options.endpoint)) throw new TypeError('MangaAssistChat.mount: `endpoint` must be a ws:// or wss:// URL');
  const locale: Locale = pickLocale(options.lang, document.documentElement.lang, navigator.languages ?? []);
  const s = STRINGS[locale];
  const sessionKey = options.sessionKey ?? 'mangaassist.session';
  let sessionId = sessionIdFor(sessionKey);
  /** Frames name the session only on a signed-in connection: a guest's frames use the connection's session. */
  let signedIn = false;
  const frameSession = (): { sessionId?: string } => (signedIn ? { sessionId } : {});
  const allowedLinkHosts = options.allowedLinkHosts ?? [];

  const host = el('div', { 'data-mangaassist-chat': '' });
  const shadow = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(WIDGET_CSS);
  shadow.adoptedStyleSheets = [sheet];

  const root = el('div', { class: 'root', lang: locale });
  const launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'mangaassist-panel' }, s.launcher);
  const panel = el('section', { class: 'panel', id: 'mangaassist-panel', role: 'dialog', 'aria-labelledby': 'mangaassist-title', hidden: '' });
  const header = el('header');
  header.append(el('h2', { id: 'mangaassist-title' }, s.title));
  const developer = el('input', { type: 'checkbox', class: 'developer-toggle' });
  if (options.developer === true) {
    const label = el('label', { class: 'dev' });
    label.append(developer, document.createTextNode(s.developerView));
    header.append(label);
  }
  const closeButton = el('button', { type: 'button', class: 'close', 'aria-label': s.close, title: s.close }, '×');
  header.append(closeButton);
  const status = el('p', { class: 'status', role: 'status' });
  const signInBar = el('div', { class: 'signin', hidden: '' });
  const signInButton = el('button', { type: 'button', class: 'signin-again' }, options.signIn === undefined ? s.tryAgain : s.signInAgain);
  signInBar.append(signInButton);
  const log = el('div', { class: 'log', role: 'log', 'aria-label': s.conversation, 'aria-live': 'off' });
  const announcer = el('div', { class: 'sr-only announcer', 'aria-live': 'polite' });
  const form = el('form', { class: 'composer' });
  const input = el('textarea', { id: 'mangaassist-input', rows: '2', placeholder: s.placeholder, 'aria-describedby': 'mangaassist-counter' });
  const inputLabel = el('label', { for: 'mangaassist-input', class: 'sr-only' }, s.inputLabel);
  const send = el('button', { type: 'submit', class: 'send' }, s.send);
  const counter = el('p', { class: 'counter', id: 'mangaassist-counter', 'aria-live': 'polite' });
  form.append(inputLabel, input, send, counter);
  panel.append(header, status, signInBar, log, announcer, form);
  root.append(launcher, panel);
  shadow.append(root);
  (options.container ?? document.body).append(host);

  let state: ChatState = INITIAL_CHAT_STATE;
  const views: TurnView[] = [];
  let ticker: ReturnType<typeof setInterval> | undefined;
  let composing = false;

  const render = (): void => {
    const now = Date.now();
    status.dataset['state'] = state.connection;
    status.textContent =
      state.connection === 'open'
        ? s.connected
        : state.connection === 'reconnecting'
          ? s.reconnecting(Math.max(0, Math.ceil(((state.reconnectAt ?? now) - now) / 1000)))
          : state.connection === 'signInRequired'
            ? s.signInRequired
            : state.connection === 'closed'
              ? s.offline
              : s.connecting;
    signInBar.hidden = state.connection !== 'signInRequired';
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    state.turns.forEach((turn, index) => {
      let view = views[index];
      if (view === undefined) {
        view = new TurnView(s, allowedLinkHosts, { retry: (v) => retry(v), rate: (v, rating, csat) => rate(v, rating, csat) });
        views.push(view);
        log.append(view.root);
      }
      const before = view.turn;
      // A chunk changes one turn: the others are drawn again only while a countdown of theirs runs.
      if (before === turn && (turn.retryAt === undefined || turn.retryAt < now - 1000)) return;
      view.update(turn, now);
      if (before !== undefined && before.status !== turn.status && turn.status !== 'streaming') announcer.textContent = announcement(turn, s);
    });
    if (nearBottom) log.scrollTop = log.scrollHeight;
    const count = characterCount(input.value);
    counter.textContent = count > MAX_MESSAGE_CHARS ? s.tooLong(count, MAX_MESSAGE_CHARS) : '';
    setDisabled(send, state.connection !== 'open' || input.value.trim() === '' || count > MAX_MESSAGE_CHARS);
    // Countdowns (a retry hint, the next reconnect) tick once a second, only while there is one.
    const counting = state.connection === 'reconnecting' || state.turns.some((turn) => turn.retryAt !== undefined && turn.retryAt > now - 1000);
    if (counting && ticker === undefined) ticker = setInterval(render, 1000);
    if (!counting && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  const dispatch = (event: ChatEvent): void => {
    state = chatReducer(state, event);
    render();
  };

  const connection = new ChatConnection(
    options.endpoint,
    () => sessionId,
    options.getToken,
    {
      onConnecting: () => dispatch({ type: 'connecting' }),
      onOpen: (withToken) => {
        signedIn = withToken;
        // The sign-in button that had focus is gone: the message box is where the customer continues.
        const recovering = shadow.activeElement === signInButton;
        dispatch({ type: 'opened' });
        if (recovering) input.focus();
      },
      onFrame: (data) => {
        // The stored session is another principal's (another customer signed in on this tab): start a new one.
        if (data.includes('"session_refused"')) sessionId = renewSessionId(sessionKey);
        dispatch({ type: 'frame', data, now: Date.now() });
      },
      onLost: (reconnectAt) => dispatch({ type: 'lost', reconnectAt }),
      onSignInRequired: () => dispatch({ type: 'signInRequired' }),
    },
    { backoff: DEFAULT_BACKOFF, maxRefused: options.maxRefusedConnects ?? DEFAULT_MAX_REFUSED },
  );

  let signingIn = false;
  signInButton.addEventListener('click', () => {
    if (signingIn) return;
    signingIn = true;
    setDisabled(signInButton, true);
    void (async () => {
      try {
        await options.signIn?.();
      } catch {
        // The customer cancelled the host's sign-in: the state and its button stay.
        return;
      } finally {
        signingIn = false;
        setDisabled(signInButton, false);
      }
      connection.restart();
    })();
  });

  const submit = (): void => {
    const message = input.value.trim();
    if (message === '' || characterCount(message) > MAX_MESSAGE_CHARS || !connection.isOpen) return;
    const requestId = randomId('w-');
    if (!connection.send({ action: 'invoke', message, ...frameSession(), requestId })) return;
    input.value = '';
    dispatch({ type: 'sent', requestId, message });
  };
  const retry = (view: TurnView): void => {
    const turn = view.turn;
    if (turn === undefined || !canRetry(turn, Date.now())) return;
    const requestId = randomId('w-');
    if (connection.send({ action: 'invoke', message: turn.question, ...frameSession(), requestId })) dispatch({ type: 'retried', previousRequestId: turn.requestId, requestId });
  };
  const rate = (view: TurnView, rating: 'up' | 'down', csat?: number): void => {
    const turn = view.turn;
    if (turn === undefined || !canRate(turn)) return;
    if (connection.send({ action: 'feedback', requestId: turn.requestId, rating, ...frameSession(), ...(csat !== undefined && { csat }) })) dispatch({ type: 'rated', requestId: turn.requestId, rating, ...(csat !== undefined && { csat }) });
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('compositionstart', () => (composing = true));
  input.addEventListener('compositionend', () => (composing = false));
  input.addEventListener('input', () => render());
  input.addEventListener('keydown', (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    // Enter while an input method composes confirms the conversion: it is the IME's, never a send.
    if (shouldSend(event, composing)) {
      event.preventDefault();
      submit();
    }
  });
  developer.addEventListener('change', () => {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    panel.classList.toggle('developer', developer.checked);
    // The facts lines change every answer's height: keep the latest answer in view.
    if (nearBottom) log.scrollTop = log.scrollHeight;
  });

  let started = false;
  const open = (): void => {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    if (!started) {
      started = true;
      connection.start();
    }
    input.focus();
  };
  const close = (): void => {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };
  launcher.addEventListener('click', open);
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !composing && !event.isComposing) close();
  });

  render();
  if (options.open === true) open();
  return {
    get sessionId() {
      return sessionId;
    },
    open,
    reconnect: () => {
      if (started) connection.restart();
    },
    close,
    destroy: () => {
      connection.stop();
      if (ticker !== undefined) clearInterval(ticker);
      host.remove();
    },
  };
};
