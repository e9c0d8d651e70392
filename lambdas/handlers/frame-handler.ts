import { InvalidFrameError } from '../core/errors';
import { principalFromAuthorizerContext, principalKey, type Principal } from '../core/principal';
import { BINARY_FRAME_REFUSED, characterCount, DEFAULT_FRAME_LIMITS, parseClientFrame, peekRequestId, type ClientFrame, type FrameLimits } from '../core/protocol';
import type { Clock, Log, Messenger, MetricsSink } from '../ports';
import { sendError } from './reply';
import { frameBody, OK, parseWebSocketEvent, type WebSocketEvent, type WebSocketResult } from './websocket-event';

export interface FrameHandlerDeps {
  readonly messengerFor: (event: WebSocketEvent) => Messenger;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  readonly limits?: FrameLimits;
  /**
   * Adds the customer's message text to the `frame received` debug entry. Offline debugging only (`npm start` with
   * LOG_MESSAGE_TEXT=1); the Lambda wiring never sets it, so message text is never logged in AWS.
   */
  readonly logMessageText?: boolean;
}

export interface FrameContext {
  readonly event: WebSocketEvent;
  readonly messenger: Messenger;
  readonly connectionId: string;
  /** Who the connection acts for (a guest keyed by the connection when no authorizer context is present). */
  readonly principal: Principal;
  readonly requestId: string;
  readonly receivedAt: number;
}

/**
 * The shared shape of the frame routes (`route`, `invoke`, `feedback`, `$default`): validate the event and the frame, run the
 * action, and turn any failure into an `error` frame. The connection always stays open.
 */
export const makeFrameHandler =
  <A extends ClientFrame['action']>(
    deps: FrameHandlerDeps,
    action: A | undefined,
    run: (frame: Extract<ClientFrame, { action: A }>, context: FrameContext) => Promise<void>,
  ) =>
  async (rawEvent: unknown): Promise<WebSocketResult> => {
    const event = parseWebSocketEvent(rawEvent);
    const messenger = deps.messengerFor(event);
    const connectionId = event.requestContext.connectionId;
    const body = frameBody(event);
    let requestId: string | null = peekRequestId(body) ?? null;
    try {
      if (event.isBase64Encoded === true) throw new InvalidFrameError('invalid_frame', BINARY_FRAME_REFUSED);
      const frame = parseClientFrame(body, deps.limits ?? DEFAULT_FRAME_LIMITS);
      requestId = frame.requestId ?? event.requestContext.requestId;
      if (frame.action !== action) {
        throw new InvalidFrameError('unknown_action', `action "${frame.action}" is not served on this route`);
      }
      const receivedAt = event.requestContext.requestTimeEpoch ?? deps.clock.now();
      const principal = principalFromAuthorizerContext(event.requestContext.authorizer, connectionId);
      // Who and how much, never what: the text only behind the offline debug switch. The principal key is an id.
      deps.log.debug('frame received', {
        connectionId,
        principal: principalKey(principal),
        action: frame.action,
        requestId,
        // A feedback frame carries no text, only a rating.
        ...('message' in frame && { messageChars: characterCount(frame.message) }),
        ...(deps.logMessageText === true && 'message' in frame && { messageText: frame.message }),
      });
      await run(frame as Extract<ClientFrame, { action: A }>, { event, messenger, connectionId, principal, requestId, receivedAt });
    } catch (error) {
      await sendError(deps, messenger, connectionId, error, requestId);
    }
    return OK;
  };
