import { principalKey, type Principal } from '../core/principal';
import type { Log, SessionStore } from '../ports';

/** API Gateway closes a WebSocket after 2 hours; the record outlives it a little so late events still find it. */
const CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 10 * 60;

export interface OpenConnectionRequest {
  readonly connectionId: string;
  /** Who the connection acts for: the owner of the session it opens. */
  readonly principal: Principal;
  /** The session the client asked to resume (`?sessionId=`), already checked for shape; absent, a new one. */
  readonly requestedSessionId?: string;
  readonly newSessionId: () => string;
  readonly nowMs: number;
}

export interface OpenedConnection {
  readonly sessionId: string;
  /** The requested session belonged to another principal, so a new one was started instead. */
  readonly refusedSessionId?: string;
}

/**
 * Registers a connection and its session. A requested session is resumed only if the principal owns it (or it does
 * not exist yet: it becomes theirs); one owned by someone else is never opened: the connection starts a new session.
 * A guest's principal is its connection, so a guest can never resume a session of an earlier connection.
 */
export const openConnection = async (deps: { readonly sessions: SessionStore; readonly log: Log }, request: OpenConnectionRequest): Promise<OpenedConnection> => {
  const owner = principalKey(request.principal);
  const record = (sessionId: string) => ({
    connectionId: request.connectionId,
    sessionId,
    principalKey: owner,
    connectedAt: request.nowMs,
    expiresAt: Math.floor(request.nowMs / 1000) + CONNECTION_TTL_SECONDS,
  });
  if (request.requestedSessionId !== undefined) {
    const claim = await deps.sessions.openConnection(record(request.requestedSessionId));
    if (claim === 'claimed') return { sessionId: request.requestedSessionId };
    deps.log.warn('session of another principal refused at $connect; new session started', { connectionId: request.connectionId, principal: owner });
  }
  const sessionId = request.newSessionId();
  const claim = await deps.sessions.openConnection(record(sessionId));
  // A fresh random id owned by someone else means the id source is broken: refuse the connection rather than share.
  if (claim !== 'claimed') throw new Error('a new session id was already owned by another principal');
  return { sessionId, ...(request.requestedSessionId !== undefined && { refusedSessionId: request.requestedSessionId }) };
};
