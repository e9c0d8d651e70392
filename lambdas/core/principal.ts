/**
 * Who a connection acts for. API Gateway WebSocket authorizes only at `$connect`; the authorizer's context is then
 * delivered in `requestContext.authorizer` on every route of that connection, so this is the one place that turns
 * it into a principal. Guests are a deploy choice: a guest may ask general questions, nothing customer-specific.
 */
export type Principal =
  | { readonly kind: 'customer'; readonly customerId: string; readonly scopes: readonly string[] }
  | { readonly kind: 'guest'; readonly guestId: string };

/** The keys the `$connect` authorizer puts in its context (API Gateway allows only string/number/boolean values). */
export const AUTHORIZER_CONTEXT_KEYS = {
  kind: 'principalKind',
  customerId: 'customerId',
  /** Space-separated, as in OAuth `scope`. */
  scopes: 'scopes',
} as const;

/** Scope that lets a token see the full routing reasons (matched keywords) in `route` frames. */
export const OPERATOR_SCOPE = 'mangaassist/operator';

const CUSTOMER_ID = /^[\w.@:+-]{1,128}$/;

/**
 * The principal of a frame, from the authorizer context. No context (no authorizer deployed, or the offline stack
 * run without one) or a context that names no valid customer is a guest keyed by its connection: it never gains a
 * customer's rights by accident.
 */
export const principalFromAuthorizerContext = (context: Readonly<Record<string, unknown>> | null | undefined, connectionId: string): Principal => {
  const kind = context?.[AUTHORIZER_CONTEXT_KEYS.kind];
  const customerId = context?.[AUTHORIZER_CONTEXT_KEYS.customerId];
  if (kind === 'customer' && typeof customerId === 'string' && CUSTOMER_ID.test(customerId)) {
    const scopes = context?.[AUTHORIZER_CONTEXT_KEYS.scopes];
    return { kind: 'customer', customerId, scopes: typeof scopes === 'string' ? scopes.split(' ').filter((s) => s.length > 0) : [] };
  }
  return { kind: 'guest', guestId: connectionId };
};

/** A stable key for limits, ownership and logs: never a name or an address. */
export const principalKey = (principal: Principal): string =>
  principal.kind === 'customer' ? `customer:${principal.customerId}` : `guest:${principal.guestId}`;

export const hasScope = (principal: Principal, scope: string): boolean => principal.kind === 'customer' && principal.scopes.includes(scope);
