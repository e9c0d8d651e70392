import { ENV, type EnvName, type HandlerName } from '../lambdas/runtime/env-names';

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

export type TableKey = 'sessions' | 'routingConfig' | 'orders';
export type TableAccess = 'read' | 'write' | 'readWrite';

export interface HandlerSpec {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Readonly<Partial<Record<TableKey, TableAccess>>>;
  /** Posts frames to clients through the stage's @connections API. */
  readonly postsToConnections: boolean;
  /** Calls Bedrock models, runs in the VPC next to the cache, reads MODEL_CATALOG and DAILY_BUDGET_USD. */
  readonly answers: boolean;
  /** Reads the model catalog (MODEL_CATALOG) to name the model in its reply. */
  readonly readsCatalog: boolean;
}

const light = { memoryMb: 256, timeoutSeconds: 10 } as const;

export const HANDLER_SPECS: Readonly<Record<HandlerName, HandlerSpec>> = {
  connect: { ...light, tables: { sessions: 'readWrite' }, postsToConnections: false, answers: false, readsCatalog: false },
  disconnect: { ...light, tables: { sessions: 'write' }, postsToConnections: false, answers: false, readsCatalog: false },
  default: { ...light, tables: {}, postsToConnections: true, answers: false, readsCatalog: false },
  route: { ...light, tables: { routingConfig: 'read' }, postsToConnections: true, answers: false, readsCatalog: true },
  // 1024 MB: more CPU for init and JSON/stream work (DESIGN section 7: 512-1024 MB); 60 s: a cascade of two
  // streamed answers can outlive API Gateway's 29 s integration timeout, and replies go out by postToConnection.
  invoke: {
    memoryMb: 1024,
    timeoutSeconds: 60,
    tables: { sessions: 'readWrite', routingConfig: 'read', orders: 'read' },
    postsToConnections: true,
    answers: true,
    readsCatalog: true,
  },
};

export const TABLE_ENV = {
  sessions: ENV.sessionsTable,
  routingConfig: ENV.routingTable,
  orders: ENV.ordersTable,
} as const satisfies Readonly<Record<TableKey, EnvName>>;

export interface EnvironmentValues {
  readonly tableNames: Readonly<Record<TableKey, string>>;
  /** JSON of the resolved ModelCatalog. */
  readonly modelCatalogJson: string;
  /** `rediss://host:port` of the cache. */
  readonly redisUrl: string;
  readonly dailyBudgetUsd: number;
}

/** The application variables (names from ENV) a handler gets; the house construct adds the Powertools ones. */
export const handlerEnvironment = (name: HandlerName, values: EnvironmentValues): Record<string, string> => {
  const spec = HANDLER_SPECS[name];
  const environment: Record<string, string> = {};
  for (const table of Object.keys(spec.tables) as TableKey[]) environment[TABLE_ENV[table]] = values.tableNames[table];
  if (spec.readsCatalog) environment[ENV.modelCatalog] = values.modelCatalogJson;
  if (spec.answers) {
    environment[ENV.redisUrl] = values.redisUrl;
    environment[ENV.dailyBudgetUsd] = String(values.dailyBudgetUsd);
  }
  return environment;
};
