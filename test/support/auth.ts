import { DEMO_CUSTOMERS } from '../../local/dynamo';
import type { LocalStack } from '../../local/stack';

/** The stack's WebSocket URL signed in as a customer (a token of the stack's local issuer in `?token=`). */
export const signedInUrl = (stack: Pick<LocalStack, 'url' | 'issuer'>, customerId: string = DEMO_CUSTOMERS[0], query: Record<string, string> = {}): string =>
  `${stack.url}/?${new URLSearchParams({ ...query, token: stack.issuer.sign({ customerId }) }).toString()}`;
