/**
 * An order as the template tier shows it. Owned by one customer: the order store answers a lookup only for its
 * owner (an order of someone else and an order that does not exist are the same "not found", so nothing can be
 * enumerated).
 */
export interface OrderRecord {
  readonly orderId: string;
  /** The owner: the `customerId` of the principal that may see it. */
  readonly customerId: string;
  readonly status: 'processing' | 'shipped' | 'delivered' | 'cancelled' | string;
  readonly items: readonly string[];
  readonly carrier?: string;
  readonly trackingNumber?: string;
  /** ISO date. */
  readonly eta?: string;
}
