import * as z from 'zod/mini';
import '../runtime/validation';
import { authorizeConnection, type AuthorizeDeps } from '../app/authorize-connection';
import { authorizerContext } from '../core/auth';
import { principalKey } from '../core/principal';

/** The parts of an API Gateway WebSocket REQUEST authorizer event the handler uses. */
const authorizerEvent = z.object({
  methodArn: z.string().check(z.minLength(1)),
  headers: z.nullish(z.record(z.string(), z.nullish(z.string()))),
  queryStringParameters: z.nullish(z.record(z.string(), z.nullish(z.string()))),
  requestContext: z.object({ connectionId: z.string().check(z.minLength(1)) }),
});

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly [{ readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: string }];
  };
  readonly context?: Readonly<Record<string, string>>;
}

/** API Gateway answers 401 when a Lambda authorizer throws exactly this message (and 500 for any other error). */
export const UNAUTHORIZED = 'Unauthorized';

const policy = (principalId: string, effect: 'Allow' | 'Deny', resource: string, context?: Record<string, string>): AuthorizerResult => ({
  principalId,
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
  ...(context && { context }),
});

/** Headers are case-insensitive; API Gateway passes them as the client wrote them. */
const header = (headers: Readonly<Record<string, string | null | undefined>> | null | undefined, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
};

/**
 * The `$connect` Lambda REQUEST authorizer: the token from the `token` query parameter (browsers cannot set headers
 * on a WebSocket) and the `Origin` header, decided by lambdas/app/authorize-connection.ts. Allowed: an IAM Allow
 * policy whose context ({principalKind, customerId, scopes}) API Gateway hands to every route of the connection.
 * No or a bad credential: "Unauthorized" (401). A refused origin: a Deny policy (403). The token is never logged.
 */
export const makeAuthorizerHandler =
  (deps: AuthorizeDeps) =>
  async (rawEvent: unknown): Promise<AuthorizerResult> => {
    const parsed = authorizerEvent.safeParse(rawEvent);
    if (!parsed.success) {
      deps.log.warn('not an API Gateway REQUEST authorizer event; refused', { issues: parsed.error.issues.map((issue) => issue.path.join('.')) });
      throw new Error(UNAUTHORIZED);
    }
    const event = parsed.data;
    const connectionId = event.requestContext.connectionId;
    const decision = await authorizeConnection(deps, {
      token: event.queryStringParameters?.['token'] ?? undefined,
      origin: header(event.headers, 'origin'),
      connectionId,
    });
    switch (decision.outcome) {
      case 'allow':
        return policy(principalKey(decision.principal), 'Allow', event.methodArn, authorizerContext(decision.principal));
      case 'forbidden':
        return policy(`refused:${connectionId}`, 'Deny', event.methodArn);
      case 'unauthorized':
        throw new Error(UNAUTHORIZED);
    }
  };
