import * as z from 'zod';

/** The parts of an API Gateway WebSocket Lambda event the handlers use. Validated, not trusted. */
const websocketEvent = z.object({
  requestContext: z.object({
    connectionId: z.string().min(1),
    routeKey: z.string(),
    domainName: z.string().min(1),
    stage: z.string().min(1),
    requestId: z.string().min(1),
    requestTimeEpoch: z.number().optional(),
  }),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
  queryStringParameters: z.record(z.string(), z.string()).nullish(),
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

/** The frame text, decoded if API Gateway delivered it base64-encoded (binary frames). */
export const frameBody = (event: WebSocketEvent): string | undefined => {
  if (event.body === undefined || event.body === null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** The management API endpoint of the connection's stage, unless configured explicitly. */
export const managementEndpoint = (event: WebSocketEvent, configured?: string): string =>
  configured ?? `https://${event.requestContext.domainName}/${event.requestContext.stage}`;
