/**
 * Environment variable names shared by the CDK stack (which sets them) and the Lambda config parser (which reads
 * them once at cold start). Business code never reads `process.env`.
 */
export const ENV = {
  sessionsTable: 'SESSIONS_TABLE',
  routingTable: 'ROUTING_TABLE',
  /** Versioned routing (lambdas/schema/tables.ts ROUTING_VERSIONS_TABLE): the active version routes. */
  routingVersionsTable: 'ROUTING_VERSIONS_TABLE',
  ordersTable: 'ORDERS_TABLE',
  /** Routing experiments and their counters (lambdas/schema/tables.ts EXPERIMENTS_TABLE). */
  experimentsTable: 'EXPERIMENTS_TABLE',
  /** Optional JSON of the experiments' stages, gates and rollback rule over the defaults (lambdas/runtime/experiments-config.ts). */
  experimentsConfig: 'EXPERIMENTS_CONFIG',
  /** JSON of a `ModelCatalog` (lambdas/core/catalog.ts), resolved from the deploy parameters by the stack. */
  modelCatalog: 'MODEL_CATALOG',
  /** `rediss://host:port` of the ElastiCache endpoint; absent for functions that do not use the cache. */
  redisUrl: 'REDIS_URL',
  /** The daily model budget (USD) the budget guardian enforces. */
  dailyBudgetUsd: 'DAILY_BUDGET_USD',
  /** Optional JSON of the budget guardian's configuration over the defaults (lambdas/runtime/budget-config.ts). */
  budgetConfig: 'BUDGET_CONFIG',
  /** Optional override of the API Gateway management endpoint; otherwise derived from the event. */
  connectionsEndpoint: 'CONNECTIONS_ENDPOINT',
  /** Optional Bedrock runtime endpoint override (the offline stack points it at the local endpoint). */
  bedrockEndpoint: 'BEDROCK_ENDPOINT',
  bedrockRequestTimeoutMs: 'BEDROCK_REQUEST_TIMEOUT_MS',
  /** Optional JSON of a CascadeConfig (lambdas/core/cascade): the intents that try the cheap tier first; none by default. */
  cascadeConfig: 'CASCADE_CONFIG',
  /** JSON of the `$connect` authorizer's configuration (lambdas/runtime/auth-config.ts), from the `auth` deploy parameter. */
  authConfig: 'AUTH_CONFIG',
  /** Optional JSON of the limits per principal over the defaults (lambdas/runtime/limits-config.ts). */
  limitsConfig: 'LIMITS_CONFIG',
  /** Operator-editable FAQ answers over the embedded default FAQ (lambdas/schema/tables.ts FAQ_TABLE). */
  faqTable: 'FAQ_TABLE',
  /** The event calendar (lambdas/schema/tables.ts EVENT_CALENDAR_TABLE). */
  calendarTable: 'CALENDAR_TABLE',
  /** Routing targets per tier, mitigation and scale-ups (CAPACITY_STATE_TABLE). */
  capacityTable: 'CAPACITY_TABLE',
  /** Optional JSON of a CapacityConfig (lambdas/core/capacity/config.ts); the embedded default otherwise. */
  capacityConfig: 'CAPACITY_CONFIG',
  /** Optional Bedrock control-plane endpoint override (the offline stack points it at the local endpoint). */
  bedrockControlEndpoint: 'BEDROCK_CONTROL_ENDPOINT',
  /** The Bedrock guardrail every answer goes through (id and published version); both unset: no guardrail. */
  guardrailId: 'GUARDRAIL_ID',
  guardrailVersion: 'GUARDRAIL_VERSION',
  /** The Secrets Manager secret holding the cache's AUTH token (read at cold start); unset: no AUTH (offline). */
  cacheAuthSecretArn: 'CACHE_AUTH_SECRET_ARN',
  /** The replication group whose AUTH token the rotation function rotates. */
  cacheReplicationGroupId: 'CACHE_REPLICATION_GROUP_ID',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Entry files of the Lambda handlers, relative to the repository root: the CDK stack and the benchmarks bundle these. */
export const HANDLER_ENTRIES = {
  connect: 'lambdas/entry/connect.ts',
  disconnect: 'lambdas/entry/disconnect.ts',
  route: 'lambdas/entry/route.ts',
  invoke: 'lambdas/entry/invoke.ts',
  default: 'lambdas/entry/default.ts',
  feedback: 'lambdas/entry/feedback.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Entry files of the scheduled capacity functions (EventBridge Scheduler and the scale-up alarm invoke them). */
export const SCHEDULED_ENTRIES = {
  capacityReconcile: 'lambdas/entry/capacity-reconcile.ts',
  capacityHealth: 'lambdas/entry/capacity-health.ts',
} as const;

export type ScheduledName = keyof typeof SCHEDULED_ENTRIES;

/** Entry files of the maintenance functions: the cache AUTH token's rotation (Secrets Manager invokes it). */
export const MAINTENANCE_ENTRIES = {
  cacheTokenRotation: 'lambdas/entry/cache-token-rotation.ts',
} as const;

export type MaintenanceName = keyof typeof MAINTENANCE_ENTRIES;

/** Entry of the `$connect` Lambda REQUEST authorizer: not a route (API Gateway calls it before `$connect`). */
export const AUTHORIZER_ENTRIES = {
  authorize: 'lambdas/entry/authorize.ts',
} as const;

export type AuthorizerName = keyof typeof AUTHORIZER_ENTRIES;

/** Entry of the weekly unmapped-intent audit (EventBridge Scheduler invokes it; lib/constructs/unmapped-audit.ts). */
export const OPERATIONS_ENTRIES = {
  unmappedAudit: 'lambdas/entry/audit-unmapped.ts',
  /** Every 15 minutes: experiments promoted, held or stopped, recent routing changes rolled back (lib/constructs/experiment-evaluator.ts). */
  experimentEvaluator: 'lambdas/entry/experiment-evaluator.ts',
} as const;

export type OperationsName = keyof typeof OPERATIONS_ENTRIES;
