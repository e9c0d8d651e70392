import { principalFromAuthorizerContext } from '../core/principal';
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

/**
 * `$connect` (after the authorizer admitted the connection): registers the connection and its session, owned by the
 * authorizer's principal; `?sessionId=` resumes a session only if that principal owns it, else a new one starts.
 */
export const makeConnectHandler =
  (deps: ConnectDeps) =>
  async (rawEvent: unknown): Promise<WebSocketResult> => {
    const event = parseWebSocketEvent(rawEvent);
    const connectionId = event.requestContext.connectionId;
    const requested = event.queryStringParameters?.['sessionId'];
    try {
      await openConnection(deps, {
        connectionId,
        principal: principalFromAuthorizerContext(event.requestContext.authorizer, connectionId),
        ...(requested !== undefined && SESSION_ID.test(requested) && { requestedSessionId: requested }),
        newSessionId: deps.newSessionId,
        nowMs: deps.clock.now(),
      });
      return OK;
    } catch (error) {
      // A non-2xx reply makes API Gateway refuse the connection: better than a chat with no session behind it.
      deps.log.error('connection not registered', { error, connectionId });
      return { statusCode: 500, body: 'connection not registered' };
    }
  };
