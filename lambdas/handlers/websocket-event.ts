import * as z from 'zod/mini';
import '../runtime/validation';

const nonEmpty = () => z.string().check(z.minLength(1));

/** The parts of an API Gateway WebSocket Lambda event the handlers use. Validated, not trusted. */
const websocketEvent = z.object({
  requestContext: z.object({
    connectionId: nonEmpty(),
    routeKey: z.string(),
    domainName: nonEmpty(),
    stage: nonEmpty(),
    requestId: nonEmpty(),
    requestTimeEpoch: z.optional(z.number()),
    /** The `$connect` authorizer's context, repeated by API Gateway on every route of the connection. */
    authorizer: z.nullish(z.record(z.string(), z.unknown())),
  }),
  body: z.nullish(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  queryStringParameters: z.nullish(z.record(z.string(), z.string())),
});

export type WebSocketEvent = z.infer<typeof websocketEvent>;

export interface WebSocketResult {
  readonly statusCode: number;
  readonly body?: string;
}

export const OK: WebSocketResult = { statusCode: 200 };

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export const parseWebSocketEvent = (event: unknown): WebSocketEvent => {
  const result = websocketEvent.safeParse(event);
  if (!result.success) {
    throw new InvalidEventError(`not an API Gateway WebSocket event: ${result.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`);
  }
  return result.data;
};

/**
 * The frame text; undefined for a binary frame (delivered base64-encoded), whose content is never read: binary
 * frames are refused (see BINARY_FRAME_REFUSED).
 */
export const frameBody = (event: WebSocketEvent): string | undefined => {
  if (event.body === undefined || event.body === null || event.isBase64Encoded === true) return undefined;
  return event.body;
};

/** The management API endpoint of the connection's stage, unless configured explicitly. */
export const managementEndpoint = (event: WebSocketEvent, configured?: string): string =>
  configured ?? `https://${event.requestContext.domainName}/${event.requestContext.stage}`;
