/**
 * DynamoDB table definitions, defined once: the CDK data stack creates them in AWS and the offline stack
 * creates the same tables in dynalite. Attribute names here are the contract of the DynamoDB adapters.
 */
export interface TableDefinition {
  /** Logical name: the CDK construct id and, prefixed, the local table name. */
  readonly logicalName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Epoch-seconds attribute that DynamoDB TTL deletes items by. */
  readonly ttlAttribute?: string;
}

/**
 * Connections and sessions in one table: `pk` = `CONNECTION#<id>` or `SESSION#<id>`, `sk` = `META` (later
 * issues add per-turn items under the session). Items expire by `expiresAt`.
 */
export const SESSIONS_TABLE: TableDefinition = {
  logicalName: 'Sessions',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
};

/** One item per intent: `intent`, `tier`, `locked`, `updatedBy`, `updatedAt`. Operators edit it in incidents. */
export const ROUTING_CONFIG_TABLE: TableDefinition = {
  logicalName: 'RoutingConfig',
  partitionKey: 'intent',
};

/** Orders, the template tier's lookup source: `orderId`, `status`, `items`, `carrier`, `trackingNumber`, `eta`. */
export const ORDERS_TABLE: TableDefinition = {
  logicalName: 'Orders',
  partitionKey: 'orderId',
};

export const ALL_TABLES: readonly TableDefinition[] = [SESSIONS_TABLE, ROUTING_CONFIG_TABLE, ORDERS_TABLE];
