import { hasScope, OPERATOR_SCOPE, principalFromAuthorizerContext, principalKey } from '../../lambdas/core/principal';

describe('principalFromAuthorizerContext', () => {
  it('reads a customer with scopes from the authorizer context', () => {
    const principal = principalFromAuthorizerContext({ principalKind: 'customer', customerId: 'cust-1', scopes: `read ${OPERATOR_SCOPE}` }, 'conn-1');
    expect(principal).toEqual({ kind: 'customer', customerId: 'cust-1', scopes: ['read', OPERATOR_SCOPE] });
    expect(principalKey(principal)).toBe('customer:cust-1');
    expect(hasScope(principal, OPERATOR_SCOPE)).toBe(true);
  });

  it.each([
    ['no context', undefined],
    ['guest kind', { principalKind: 'guest', customerId: 'cust-1' }],
    ['customer without id', { principalKind: 'customer' }],
    ['customer id that is not a string', { principalKind: 'customer', customerId: 42 }],
    ['customer id with spaces', { principalKind: 'customer', customerId: 'a b' }],
  ])('falls back to a guest keyed by the connection: %s', (_label, context) => {
    const principal = principalFromAuthorizerContext(context, 'conn-9');
    expect(principal).toEqual({ kind: 'guest', guestId: 'conn-9' });
    expect(principalKey(principal)).toBe('guest:conn-9');
    expect(hasScope(principal, OPERATOR_SCOPE)).toBe(false);
  });
});
