import { openConnection } from '../app/sessions';
import type { Clock, Log, SessionStore } from '../ports';
import { OK, parseWebSocketEvent, type WebSocketResult } from './websocket-event';

export interface ConnectDeps {
  readonly sessions: SessionStore;
  readonly clock: Clock;
  readonly newSessionId: () => string;
  readonly log: Log;
}

const SESSION_ID = /^[\w-]{8,64}$/;

/** `$connect`: registers the connection and its session (resumed with `?sessionId=` when the client has one). */
export const makeConnectHandler =
  (deps: ConnectDeps) =>
  async (rawEvent: unknown): Promise<WebSocketResult> => {
    const event = parseWebSocketEvent(rawEvent);
    const requested = event.queryStringParameters?.['sessionId'];
    const sessionId = requested !== undefined && SESSION_ID.test(requested) ? requested : deps.newSessionId();
    try {
      await openConnection(deps.sessions, { connectionId: event.requestContext.connectionId, sessionId, nowMs: deps.clock.now() });
      return OK;
    } catch (error) {
      // A non-2xx reply makes API Gateway refuse the connection: better than a chat with no session behind it.
      deps.log.error('connection not registered', { error, connectionId: event.requestContext.connectionId });
      return { statusCode: 500, body: 'connection not registered' };
    }
  };
