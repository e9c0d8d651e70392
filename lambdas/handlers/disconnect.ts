import type { Log, SessionStore } from '../ports';
import { OK, parseWebSocketEvent, type WebSocketResult } from './websocket-event';

export interface DisconnectDeps {
  readonly sessions: SessionStore;
  readonly log: Log;
}

/** `$disconnect`: best effort; the TTL removes whatever a failed cleanup leaves. */
export const makeDisconnectHandler =
  (deps: DisconnectDeps) =>
  async (rawEvent: unknown): Promise<WebSocketResult> => {
    const event = parseWebSocketEvent(rawEvent);
    try {
      await deps.sessions.closeConnection(event.requestContext.connectionId);
    } catch (error) {
      deps.log.warn('connection cleanup failed; TTL will remove it', { error, connectionId: event.requestContext.connectionId });
    }
    return OK;
  };
