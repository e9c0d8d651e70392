import { preVerification, principalFromClaims, TokenRejectedError, type ConnectAuthPolicy, type ConnectDecision } from '../core/auth';
import type { Clock, Log, MetricsSink, TokenVerifier } from '../ports';

export interface AuthorizeDeps {
  readonly verifier: TokenVerifier;
  readonly policy: ConnectAuthPolicy;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

export interface ConnectAttempt {
  /** The `token` query parameter, if any. Never logged. */
  readonly token: string | undefined;
  /** The `Origin` header, if any (browsers always send it on a WebSocket handshake). */
  readonly origin: string | undefined;
  /** The connection id, which keys a guest. */
  readonly connectionId: string;
}

/**
 * `$connect` authorization: the origin allow-list, then the token (or a guest where the deploy allows guests).
 * Every refusal is logged with its reason and counted (`ConnectRefused` by reason); the token itself never is.
 */
export const authorizeConnection = async (deps: AuthorizeDeps, attempt: ConnectAttempt): Promise<ConnectDecision> => {
  const decision = await decide(deps, attempt);
  if (decision.outcome === 'allow') {
    deps.metrics.record('ConnectAuthorized', 1, 'Count', { Kind: decision.principal.kind });
  } else {
    deps.metrics.record('ConnectRefused', 1, 'Count', { Reason: decision.reason });
    deps.log.info('connection refused', { reason: decision.reason, connectionId: attempt.connectionId, origin: attempt.origin });
  }
  return decision;
};

const decide = async (deps: AuthorizeDeps, attempt: ConnectAttempt): Promise<ConnectDecision> => {
  const early = preVerification(attempt, deps.policy, attempt.connectionId);
  if (early !== 'verify' || attempt.token === undefined) return early === 'verify' ? { outcome: 'unauthorized', reason: 'missing_token' } : early;
  let claims: Readonly<Record<string, unknown>>;
  try {
    claims = await deps.verifier.verify(attempt.token);
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      if (error.reason === 'issuer_unavailable') deps.log.warn('identity provider keys unavailable; connection refused', { error: error.cause });
      return { outcome: 'unauthorized', reason: error.reason };
    }
    // Fail closed: a verifier that breaks admits no one.
    deps.log.error('token verification failed unexpectedly; connection refused', { error });
    return { outcome: 'unauthorized', reason: 'issuer_unavailable' };
  }
  const result = principalFromClaims(claims, deps.policy, Math.floor(deps.clock.now() / 1000));
  return 'principal' in result ? { outcome: 'allow', principal: result.principal } : { outcome: 'unauthorized', reason: result.reason };
};
