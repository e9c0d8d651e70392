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
 * Connections and sessions in one table: `pk` = `CONNECTION#<id>` (with its `principalKey`) or `SESSION#<id>` (with
 * its `owner`, a principal key: writes are conditional on it, so no one else opens it), `sk` = `META`; under a session,
 * its conversation turns, `sk` = `TURN#<15-digit epoch ms>#<requestId>` (`role`, `text`, `intent`, `tier`, `at`,
 * `requestId`; lambdas/adapters/dynamodb-conversation.ts), and each answered request, `sk` = `ANSWER#<requestId>`
 * (`intent`, `tier`, `owner`, `answeredAt`, then `rating`, `csat`, `ratedAt` once rated; feedback,
 * lambdas/adapters/dynamodb-answer-records.ts). Items expire by `expiresAt`.
 */
export const SESSIONS_TABLE: TableDefinition = {
  logicalName: 'Sessions',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
};

/**
 * Legacy (before versioned routing): one item per intent, `intent`, `tier`, `locked`, `unlock`, `reason`. Frozen: it
 * is read only to build routing version 0 (the embedded defaults with these rows over them) until the first version
 * is committed to ROUTING_VERSIONS_TABLE; after that its rows change nothing. Change routing with `cli routing set`.
 */
export const ROUTING_CONFIG_TABLE: TableDefinition = {
  logicalName: 'RoutingConfig',
  partitionKey: 'intent',
};

/**
 * Orders, the template tier's lookup source: `orderId`, `customerId` (the owner: an order is shown to that customer
 * only), `status`, `items`, `carrier`, `trackingNumber`, `eta`.
 */
export const ORDERS_TABLE: TableDefinition = {
  logicalName: 'Orders',
  partitionKey: 'orderId',
};

/**
 * The event calendar (lambdas/adapters/dynamodb-capacity.ts DynamoCalendarStore), one item per event; operators
 * edit it, so the reader validates every row and skips (and reports) the ones it cannot plan from:
 * - common: `id` (1-64 lowercase letters, digits, hyphens), `kind` (`once` | `weekly`), `name`, `multiplier`
 *   (above 0, at most 20), `leadMinutes` (0-1440), `updatedAt` (ISO 8601, informational);
 * - `once`: `start`, `end`: ISO 8601 instants WITH an offset (`2026-12-24T18:00:00+09:00`; a bare date is JST
 *   midnight);
 * - `weekly`: `weekday` (`sunday`..`saturday`), `at` (`HH:MM` JST), `durationMinutes`.
 */
export const EVENT_CALENDAR_TABLE: TableDefinition = {
  logicalName: 'EventCalendar',
  partitionKey: 'id',
};

/**
 * The capacity scheduler's state (lambdas/adapters/dynamodb-capacity.ts DynamoCapacityStateStore), a handful of
 * items keyed by `pk`; numbers are epoch ms unless named otherwise:
 * - `TARGET#<tier>`: `tier`, `version` (integer, +1 per switch), `provisioned` (list of `{arn, units}`; empty =
 *   on-demand), `switchedAt`, optional `pending` (`{units, name, requestedAt}`). Absent = on-demand, version 0.
 * - `MITIGATION`: `until`, `reason`, `setBy`, `startedAt`. Absent = off; kept after `until` (it is simply inactive).
 * - `SCALEUP#<tier>#<until>#<extraUnits>`: `tier`, `extraUnits`, `until`, `expiresAt` (epoch SECONDS, a day after
 *   `until`: DynamoDB TTL removes spent scale-ups).
 * - `BUDGET`: `day` (JST), `mode`, `demoted` (intents), `partial` (`[{intent, share}]`), `updatedAt`: the budget
 *   guardian's last reading, published by the invoke path for the `route` Lambda (which cannot reach Redis).
 */
export const CAPACITY_STATE_TABLE: TableDefinition = {
  logicalName: 'CapacityState',
  partitionKey: 'pk',
  ttlAttribute: 'expiresAt',
};

/**
 * The FAQ answered on the template tier (lambdas/adapters/dynamodb-faq.ts DynamoFaqStore), one item per entry;
 * operators edit it, so the reader skips (and reports) rows it cannot serve. It overrides and extends the embedded
 * default FAQ (lambdas/core/faq/default-faq.ts) by `id`:
 * - `id` (1-64 lowercase letters, digits, hyphens), `intent` (shipping_info, payment, returns_refunds, order_change,
 *   account, store_policy or price_inquiry), `patterns` (a list or string set of example questions, English and
 *   Japanese), `answer_en`, `answer_ja`;
 * - optional `enabled` (`false` switches the entry of that id off, the embedded one included), `updatedAt`,
 *   `updatedBy` (informational).
 */
export const FAQ_TABLE: TableDefinition = {
  logicalName: 'Faq',
  partitionKey: 'id',
};

/**
 * Versioned routing (lambdas/adapters/dynamodb-routing-versions.ts): immutable versions of the routing map, `pk` =
 * `ROUTING`, `sk` = `VERSION#<10-digit version>`, with `version`, `parent`, `rules` (`{<intent>: {tier, locked}}`),
 * `defaultTier` (unmapped intents), `kind` (`initial` | `set` | `automation` | `rollback`), `createdBy`, `actorKind`
 * (`person` | `automation`), `createdAt` (ISO 8601), `reason`, `diff` (`{changes: [{intent, from, to}]}`), and
 * `restores` (rollback) / `forced`. The newest version is the active one; versions are only ever added, by a
 * conditional put, never edited.
 */
export const ROUTING_VERSIONS_TABLE: TableDefinition = {
  logicalName: 'RoutingVersions',
  partitionKey: 'pk',
  sortKey: 'sk',
};

/**
 * Routing experiments (issue 12; lambdas/adapters/dynamodb-experiments.ts), all under `pk`/`sk`:
 * - `EXPERIMENTS` / `INTENT#<intent>`: the intent's current or latest experiment (`experimentId`, `status`,
 *   `revision`, `experiment`: the whole state); every move is conditional on `revision`;
 * - `EXPERIMENT#<id>` / `META`: an ended experiment, once another replaced it on its intent;
 * - `EXPERIMENT#<id>` / `DECISION#<revision, 6 digits>`: each transition with its reason and figures;
 * - `EXPERIMENT#<id>` / `ARM#<stage>#<arm>`: counters (atomic ADD): `answers`, `up`, `down`, `csatCount`, `csatSum`,
 *   `csatSumSquares`, `qualityCount`, `qualitySum`, `qualitySumSquares`;
 * - `SATISFACTION#<intent>` / `<bucket start, epoch ms, 15 digits>`: `up`, `down` of the intent's answers given in
 *   the bucket (the rollback rule's window), expiring by `expiresAt` (8 days);
 * - `ROLLBACKS` / `<intent>#v<version>` or `<intent>#<experimentId>`: each automatic rollback, once.
 */
export const EXPERIMENTS_TABLE: TableDefinition = {
  logicalName: 'Experiments',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
};

export const ALL_TABLES: readonly TableDefinition[] = [SESSIONS_TABLE, ROUTING_CONFIG_TABLE, ORDERS_TABLE, EVENT_CALENDAR_TABLE, CAPACITY_STATE_TABLE, FAQ_TABLE, ROUTING_VERSIONS_TABLE, EXPERIMENTS_TABLE];
