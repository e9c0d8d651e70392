/**
 * When to reconnect, when to ask the host page for a fresh token, and when to stop and ask the customer to sign in
 * again: a pure decision per connection outcome, so the refused-token case is unit-tested without a browser.
 *
 * A browser does not say why a WebSocket handshake failed: the gateway's authorizer answering 401/403 (an expired or
 * bad token), a network that is down, or a gateway that is away all look the same: `error` then `close` (1006)
 * without `open`. What tells them apart well enough is persistence with fresh tokens: a first failure before `open`
 * asks the host's callback for a fresh token (`refresh`: tokens expire, and hosts cache them); when attempts keep
 * failing before `open` although their tokens were asked fresh, `maxRefused` times in a row, the customer's sign-in is
 * what is refused, and retrying would only spin. A connection that opened and then dropped (idle timeout, a deploy)
 * is the ordinary lost connection: reconnect with backoff. A guest's attempt (no token) and an attempt while the
 * browser is offline prove nothing about a sign-in and never count.
 */
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffPolicy } from './backoff';

export interface ConnectPolicy {
  readonly backoff: BackoffPolicy;
  /** Failures before `open` in a row with fresh tokens after which the customer is asked to sign in again. */
  readonly maxRefused: number;
}

/** Three: with the backoff, about 2 to 4 s of refusals after the token was renewed (see the module's comment). */
export const DEFAULT_MAX_REFUSED = 3;
export const DEFAULT_CONNECT_POLICY: ConnectPolicy = { backoff: DEFAULT_BACKOFF, maxRefused: DEFAULT_MAX_REFUSED };

export interface ConnectState {
  /** The backoff step of the next delay (0 after a connection opened). */
  readonly attempt: number;
  /** Ask the host for a fresh token on the next attempt: the last one failed before `open`. */
  readonly refresh: boolean;
  /** Attempts in a row that failed before `open` although their token was asked fresh. */
  readonly refused: number;
}

export const INITIAL_CONNECT_STATE: ConnectState = { attempt: 0, refresh: false, refused: 0 };

export type ConnectOutcome =
  | { readonly kind: 'opened' }
  /** A connection that had opened closed (not by the widget). */
  | { readonly kind: 'dropped' }
  /**
   * An attempt ended before `open`. `signedIn`: it carried a token, or the host's token callback failed (its sign-in
   * is what is missing); false for a guest's attempt. `online`: `navigator.onLine` at the time.
   */
  | { readonly kind: 'failed'; readonly signedIn: boolean; readonly online: boolean }
  /** The customer signed in again, or asked to try again: start over now with a fresh token. */
  | { readonly kind: 'restarted' };

export type ConnectStep =
  | { readonly kind: 'connected' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Stop the retry loop until the customer signs in again (`restarted`). */
  | { readonly kind: 'signInRequired' };

export interface ConnectDecision {
  readonly state: ConnectState;
  readonly step: ConnectStep;
}

const sanePolicy = (policy: ConnectPolicy): ConnectPolicy => ({
  backoff: policy.backoff,
  maxRefused: Number.isFinite(policy.maxRefused) ? Math.max(1, Math.floor(policy.maxRefused)) : DEFAULT_MAX_REFUSED,
});

/** The next state and step after `outcome`; `random` in [0, 1) jitters the delay. */
export const nextConnect = (state: ConnectState, outcome: ConnectOutcome, random: number, policy: ConnectPolicy = DEFAULT_CONNECT_POLICY): ConnectDecision => {
  const { backoff, maxRefused } = sanePolicy(policy);
  const retry = (next: ConnectState): ConnectDecision => ({ state: { ...next, attempt: state.attempt + 1 }, step: { kind: 'retry', delayMs: reconnectDelayMs(state.attempt, random, backoff) } });
  switch (outcome.kind) {
    case 'opened':
      return { state: INITIAL_CONNECT_STATE, step: { kind: 'connected' } };
    case 'dropped':
      // The token was good a moment ago: the host's callback decides whether it still is.
      return retry({ attempt: state.attempt, refresh: false, refused: 0 });
    case 'restarted':
      return { state: { attempt: 0, refresh: true, refused: 0 }, step: { kind: 'retry', delayMs: 0 } };
    case 'failed': {
      if (!outcome.signedIn || !outcome.online) return retry({ ...state, refresh: state.refresh || outcome.signedIn });
      const refused = state.refresh ? state.refused + 1 : state.refused;
      if (refused >= maxRefused) return { state: { attempt: 0, refresh: true, refused }, step: { kind: 'signInRequired' } };
      return retry({ attempt: state.attempt, refresh: true, refused });
    }
  }
};
