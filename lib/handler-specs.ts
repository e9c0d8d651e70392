import { ENV, type EnvName, type HandlerName, type ScheduledName } from '../lambdas/runtime/env-names';

/**
 * What each Lambda handler needs, as data: sizing, which tables and how, and which other resources. The
 * handlers construct turns it into functions, grants and environment; the cold-start benchmark reads the same
 * table to give each bundle the environment it would have when deployed. No CDK import here.
 */
/** Powertools reads these; the namespace is the one the runbook alarms read (DESIGN section 6). */
export const POWERTOOLS_SERVICE_NAME = 'mangaassist-gateway';
export const METRICS_NAMESPACE = 'MangaAssist';

/** The variables every function gets besides its application ones (the house construct sets them). */
export const RUNTIME_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  // Stack traces through the source map point at the TypeScript lines.
  NODE_OPTIONS: '--enable-source-maps',
};

export type TableKey = 'sessions' | 'routingConfig' | 'routingVersions' | 'orders' | 'calendar' | 'capacityState' | 'faq' | 'experiments';
/**
 * `getUpdate`: GetItem and UpdateItem only, for a function that reads single items and changes them in place with a
 * condition (feedback: never a Put, Delete, Query or Scan). `getQuery`: GetItem and Query only, for a reader of one
 * partition (routing versions: the newest item of the partition is the active version; never a Scan). `getQueryUpdate`:
 * those and UpdateItem, for a reader of the running experiments that counts answers with atomic ADDs (never a Put,
 * Delete or Scan).
 */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'getUpdate' | 'getQuery' | 'getQueryUpdate';

export interface HandlerSpec {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  /** Posts frames to clients through the stage's @connections API. */
  readonly postsToConnections: boolean;
  /**
   * Calls Bedrock models, runs in the VPC next to the cache (answer cache, budget ledger), reads MODEL_CATALOG,
   * DAILY_BUDGET_USD and BUDGET_CONFIG.
   */
  readonly answers: boolean;
  /**
   * Runs the LLM classifier fallback (below the fast path's confidence threshold): one Converse call on the cheap
   * tier. A function that does not also answer gets bedrock:InvokeModel on that tier's model only.
   */
  readonly classifiesWithLlm: boolean;
  /** Reads the model catalog (MODEL_CATALOG) to name the model in its reply. */
  readonly readsCatalog: boolean;
  /** Reads the capacity configuration (CAPACITY_CONFIG): mitigation, routing targets, token plan. */
  readonly readsCapacityConfig: boolean;
  /**
   * Reads the experiments' configuration (EXPERIMENTS_CONFIG): feedback counts ratings in the rollback rule's buckets
   * (`rollback.bucketMinutes`), which the evaluator must read with the same width. Route and invoke do not: an
   * experiment carries its stage plan from its start.
   */
  readonly readsExperimentsConfig?: true;
}

const light = { memoryMb: 256, timeoutSeconds: 10 } as const;

export const HANDLER_SPECS: Readonly<Record<HandlerName, HandlerSpec>> = {
  connect: { ...light, tables: { sessions: 'readWrite' }, postsToConnections: false, answers: false, classifiesWithLlm: false, readsCatalog: false, readsCapacityConfig: false },
  disconnect: { ...light, tables: { sessions: 'write' }, postsToConnections: false, answers: false, classifiesWithLlm: false, readsCatalog: false, readsCapacityConfig: false },
  default: { ...light, tables: {}, postsToConnections: true, answers: false, classifiesWithLlm: false, readsCatalog: false, readsCapacityConfig: false },
  // The capacity state: mitigation demotes intents, which the routing decision shows (and the budget status the
  // invoke path publishes there); the FAQ: a confident match is a template-tier decision.
  route: {
    ...light,
    // routingVersions read: the active version routes; routingConfig read: version 0 until one is committed.
    // experiments getQuery: the running experiments (one Query) decide the principal's arm.
    tables: { routingConfig: 'read', routingVersions: 'getQuery', capacityState: 'read', faq: 'read', experiments: 'getQuery' },
    postsToConnections: true,
    answers: false,
    // The route frame's decision is the one invoke would make, the LLM's second opinion on an unsure message included.
    classifiesWithLlm: true,
    readsCatalog: true,
    readsCapacityConfig: true,
  },
  // 1024 MB: more CPU for init and JSON/stream work (DESIGN section 7: 512-1024 MB); 60 s: a cascade of two
  // streamed answers can outlive API Gateway's 29 s integration timeout, and replies go out by postToConnection.
  invoke: {
    memoryMb: 1024,
    timeoutSeconds: 60,
    // capacityState read/write: routing targets per tier are read; a throttle-rate breach switches mitigation on, and
    // the budget status is published there for route. calendar read: the budget's event pool. faq read: answers.
    // experiments getQueryUpdate: the running experiments, and each answer counted on its arm (UpdateItem ADD).
    tables: { sessions: 'readWrite', routingConfig: 'read', routingVersions: 'getQuery', orders: 'read', capacityState: 'readWrite', calendar: 'read', faq: 'read', experiments: 'getQueryUpdate' },
    postsToConnections: true,
    answers: true,
    classifiesWithLlm: true,
    readsCatalog: true,
    readsCapacityConfig: true,
  },
  // The answer's record (GetItem, one conditional UpdateItem) and the connection's session (GetItem) in Sessions;
  // Feedback and Csat go out as EMF in its logs, no CloudWatch permission.
  // Experiments: a rating counted on its arm and in its intent's satisfaction bucket, UpdateItem ADDs only.
  feedback: { ...light, tables: { sessions: 'getUpdate', experiments: 'getUpdate' }, postsToConnections: true, answers: false, classifiesWithLlm: false, readsCatalog: false, readsCapacityConfig: false, readsExperimentsConfig: true },
};

/** How a scheduled capacity function may use the Bedrock control plane for provisioned throughput. */
export type ThroughputAccess = 'observe' | 'manage';

/** The scheduled functions (SCHEDULED_ENTRIES): sizing, tables and control-plane access, as data. */
export interface ScheduledSpec {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  /** `observe`: list and get; `manage`: also create and delete (never update: units cannot change in place). */
  readonly throughput: ThroughputAccess;
}

// 60 s: a run is a handful of control-plane and DynamoDB calls, each cut after 10 s by the client, plus retries;
// 256 MB: no model traffic, just JSON, and memory buys nothing else here.
export const SCHEDULED_SPECS: Readonly<Record<ScheduledName, ScheduledSpec>> = {
  capacityReconcile: { memoryMb: 256, timeoutSeconds: 60, tables: { capacityState: 'readWrite', calendar: 'read' }, throughput: 'manage' },
  capacityHealth: { memoryMb: 256, timeoutSeconds: 60, tables: { capacityState: 'read', calendar: 'read' }, throughput: 'observe' },
};

export const TABLE_ENV = {
  sessions: ENV.sessionsTable,
  routingConfig: ENV.routingTable,
  routingVersions: ENV.routingVersionsTable,
  orders: ENV.ordersTable,
  calendar: ENV.calendarTable,
  capacityState: ENV.capacityTable,
  faq: ENV.faqTable,
  experiments: ENV.experimentsTable,
} as const satisfies Readonly<Record<TableKey, EnvName>>;

export interface EnvironmentValues {
  /**
   * Every table a function's spec names must be here (the stacks pass all of them); partial only so a caller
   * that builds a subset of the functions (the cold-start benchmark) need not invent the others.
   */
  readonly tableNames: Readonly<Partial<Record<TableKey, string>>>;
  /** JSON of the resolved ModelCatalog. */
  readonly modelCatalogJson: string;
  /** `rediss://host:port` of the cache. */
  readonly redisUrl: string;
  readonly dailyBudgetUsd: number;
  /** JSON of the resolved CapacityConfig; absent, the functions run on the embedded default. */
  readonly capacityConfigJson?: string;
  /** JSON of the `budget` deploy parameter (parameters.ts budgetConfigJson); absent, the embedded default. */
  readonly budgetConfigJson?: string;
  /** JSON of the `cascade` deploy parameter (parameters.ts cascadeConfigJson); absent, no intent cascades. */
  readonly cascadeConfigJson?: string;
  /** JSON of the `limits` deploy parameter (parameters.ts limitsConfigJson); absent, the embedded default limits. */
  readonly limitsConfigJson?: string;
  /** JSON of the `experiments` deploy parameter (parameters.ts experimentsConfigJson); absent, the embedded defaults. */
  readonly experimentsConfigJson?: string;
  /** The Bedrock guardrail of every answer (id and published version); absent, answers go without one. */
  readonly guardrail?: { readonly id: string; readonly version: string };
  /** The ARN of the secret holding the cache's AUTH token; absent, the cache is reached without AUTH. */
  readonly cacheAuthSecretArn?: string;
}

const tableEnvironment = (
  name: string,
  tables: Readonly<Partial<Record<TableKey, TableAccess>>>,
  tableNames: EnvironmentValues['tableNames'],
): Record<string, string> => {
  const environment: Record<string, string> = {};
  for (const table of Object.keys(tables) as TableKey[]) {
    const tableName = tableNames[table];
    if (tableName === undefined) throw new Error(`the ${name} function needs the ${table} table name (${TABLE_ENV[table]})`);
    environment[TABLE_ENV[table]] = tableName;
  }
  return environment;
};

/** The application variables (names from ENV) a handler gets; the house construct adds the Powertools ones. */
export const handlerEnvironment = (name: HandlerName, values: EnvironmentValues): Record<string, string> => {
  const spec = HANDLER_SPECS[name];
  const environment = tableEnvironment(name, spec.tables, values.tableNames);
  if (spec.readsCatalog) environment[ENV.modelCatalog] = values.modelCatalogJson;
  if (spec.readsCapacityConfig && values.capacityConfigJson !== undefined) environment[ENV.capacityConfig] = values.capacityConfigJson;
  if (spec.readsExperimentsConfig && values.experimentsConfigJson !== undefined) environment[ENV.experimentsConfig] = values.experimentsConfigJson;
  if (spec.answers) {
    environment[ENV.redisUrl] = values.redisUrl;
    environment[ENV.dailyBudgetUsd] = String(values.dailyBudgetUsd);
    if (values.budgetConfigJson !== undefined) environment[ENV.budgetConfig] = values.budgetConfigJson;
    if (values.cascadeConfigJson !== undefined) environment[ENV.cascadeConfig] = values.cascadeConfigJson;
    if (values.limitsConfigJson !== undefined) environment[ENV.limitsConfig] = values.limitsConfigJson;
    if (values.guardrail !== undefined) {
      environment[ENV.guardrailId] = values.guardrail.id;
      environment[ENV.guardrailVersion] = values.guardrail.version;
    }
    if (values.cacheAuthSecretArn !== undefined) environment[ENV.cacheAuthSecretArn] = values.cacheAuthSecretArn;
  }
  return environment;
};

/** The application variables of a scheduled capacity function: its tables, the capacity config and the catalog. */
export const scheduledEnvironment = (
  name: ScheduledName,
  values: Pick<EnvironmentValues, 'tableNames' | 'modelCatalogJson'> & { readonly capacityConfigJson: string },
): Record<string, string> => ({
  ...tableEnvironment(name, SCHEDULED_SPECS[name].tables, values.tableNames),
  [ENV.capacityConfig]: values.capacityConfigJson,
  // The planner prices on-demand from the catalog (break-even), and the reconciler creates from its foundation models.
  [ENV.modelCatalog]: values.modelCatalogJson,
});
