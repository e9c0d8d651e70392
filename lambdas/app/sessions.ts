import type { SessionStore } from '../ports';

/** API Gateway closes a WebSocket after 2 hours; the record outlives it a little so late events still find it. */
const CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 10 * 60;

export interface OpenConnectionRequest {
  readonly connectionId: string;
  readonly sessionId: string;
  readonly nowMs: number;
}

export const openConnection = async (sessions: SessionStore, request: OpenConnectionRequest): Promise<void> => {
  await sessions.openConnection({
    connectionId: request.connectionId,
    sessionId: request.sessionId,
    connectedAt: request.nowMs,
    expiresAt: Math.floor(request.nowMs / 1000) + CONNECTION_TTL_SECONDS,
  });
};
