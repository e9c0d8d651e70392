import { randomUUID } from 'node:crypto';
import { DynamoExperimentStore } from '../lambdas/adapters/dynamodb-experiments';
import { DEFAULT_EXPERIMENT_CONFIG, type ExperimentConfig } from '../lambdas/core/experiments/config';
import { startLocalEvaluator, type LocalEvaluator } from './experiment-evaluator';
import type Redis from 'ioredis';
import { BedrockIntentClassifier } from '../lambdas/adapters/bedrock-intent-classifier';
import { BedrockModelClient, type GuardrailSettings } from '../lambdas/adapters/bedrock-model-client';
import { CachedConnections } from '../lambdas/adapters/cached-connections';
import { BedrockCapacityControl } from '../lambdas/adapters/bedrock-capacity-control';
import { DynamoCalendarStore, DynamoCapacityStateStore } from '../lambdas/adapters/dynamodb-capacity';
import { DynamoFaqStore } from '../lambdas/adapters/dynamodb-faq';
import { DynamoAnswerRecordStore } from '../lambdas/adapters/dynamodb-answer-records';
import { DynamoConversationStore } from '../lambdas/adapters/dynamodb-conversation';
import { JwtTokenVerifier } from '../lambdas/adapters/jwt-token-verifier';
import { DynamoOrderStore, DynamoRoutingConfigStore, DynamoSessionStore } from '../lambdas/adapters/dynamodb-stores';
import { DynamoRoutingVersionStore } from '../lambdas/adapters/dynamodb-routing-versions';
import { MemoryBudgetLedger } from '../lambdas/adapters/memory-budget';
import { MemoryStore } from '../lambdas/adapters/memory-store';
import { MemoryLimitStore } from '../lambdas/adapters/memory-limits';
import { RedisBudgetLedger } from '../lambdas/adapters/redis-budget';
import { RedisLimitStore } from '../lambdas/adapters/redis-limits';
import type { LimitsConfig } from '../lambdas/core/limits';
import { DEFAULT_BUSY_RETRY_AFTER_MS } from '../lambdas/core/answers-in-flight';
import { createRedisClient, RedisStore } from '../lambdas/adapters/redis-store';
import type { AnswerOptions } from '../lambdas/app/answer-message';
import { DEFAULT_LLM_CLASSIFIER_CONFIG, type LlmClassifierConfig } from '../lambdas/app/classify-message';
import type { ReconcileDeps } from '../lambdas/app/capacity/reconcile-capacity';
import type { ConnectAuthPolicy } from '../lambdas/core/auth';
import { DEFAULT_BUDGET_CONFIG, type BudgetConfig } from '../lambdas/core/budget/config';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../lambdas/core/capacity/config';
import { MODEL_CATALOGS, type CatalogProfile, type ModelCatalog } from '../lambdas/core/catalog';
import { makeAuthorizerHandler } from '../lambdas/handlers/authorize';
import { makeConnectHandler } from '../lambdas/handlers/connect';
import { makeDefaultHandler } from '../lambdas/handlers/default';
import { makeDisconnectHandler } from '../lambdas/handlers/disconnect';
import { makeFeedbackHandler } from '../lambdas/handlers/feedback';
import { makeInvokeHandler } from '../lambdas/handlers/invoke';
import { makeRouteHandler } from '../lambdas/handlers/route';
import type { BudgetLedger, Clock, LimitStore, Log } from '../lambdas/ports';
import { createMessengerFor } from '../lambdas/runtime/clients/apigw';
import { createBedrockRuntimeClient } from '../lambdas/runtime/clients/bedrock';
import { createBedrockControlClient } from '../lambdas/runtime/clients/bedrock-control';
import { createDocumentClient } from '../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../lambdas/runtime/system';
import { wireAnswer, wireRouter } from '../lambdas/runtime/wiring';
import { ALL_TABLES, EXPERIMENTS_TABLE, CAPACITY_STATE_TABLE, EVENT_CALENDAR_TABLE, FAQ_TABLE, ORDERS_TABLE, ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE, SESSIONS_TABLE } from '../lambdas/schema/tables';
import { startLocalBedrock, type LocalBedrock, type LocalBedrockOptions } from './bedrock/server';
import { startBedrockProcess, startDynamoProcess, type ChildLocalBedrock, type ChildLocalDynamo } from './emulator-children';
import { FastClock, startLocalScheduler, type LocalScheduler } from './capacity-scheduler';
import { RecordingMetrics } from './console-log';
import { LOCAL_CREDENTIALS, seedFaq, seedOrders, startLocalDynamo, type LocalDynamo } from './dynamo';
import { startLocalIssuer, type LocalIssuer } from './issuer';
import { EmulatorMessenger } from './emulator-messenger';
import { DEFAULT_TTL_SWEEP_MS, startTtlSweeper } from './ttl-sweeper';
import { newManagementCredentials, WebSocketEmulator } from './websocket-emulator';

/** The offline `$connect` authorizer's deploy choices (the identity provider is always the local issuer). */
export interface LocalAuthOptions {
  /**
   * A connection without a token becomes a guest. Default true offline, so clients that have no token (older tests,
   * `wscat`) still chat; the deployed default is false (lib/parameters.ts `auth`).
   */
  readonly allowGuests?: boolean;
  /** Browser origins allowed to connect; default none (a client that sends no Origin is not a browser). */
  readonly allowedOrigins?: readonly string[];
}

export interface LocalStackOptions {
  /** WebSocket port; 0 picks a free one. */
  readonly port?: number;
  /** A real Redis for the cache and the budget ledger; otherwise in-process ones behind the same ports. */
  readonly redisUrl?: string;
  readonly catalogProfile?: CatalogProfile;
  readonly bedrock?: LocalBedrockOptions;
  /** Socket idle limit of the Bedrock client and the stream watchdog (ms). */
  readonly bedrockTimeoutMs?: number;
  /**
   * Sockets the Bedrock client may open to the local endpoint (default LOCAL_BEDROCK_MAX_SOCKETS, 1024). In AWS each
   * Lambda serves one answer; offline one process serves them all, and with the SDK's default pool of 50 the 51st
   * call in flight waited for a socket until the 2 s connect timeout called it a model timeout (and fell back).
   */
  readonly bedrockMaxSockets?: number;
  /**
   * Answers the process serves at once (default LOCAL_MAX_ANSWERS_IN_FLIGHT, 256); the next one is refused at once
   * with `gateway_busy` and a retry hint instead of queueing until it times out. In AWS the function's concurrency
   * is this cap.
   */
  readonly maxAnswersInFlight?: number;
  readonly answer?: Partial<AnswerOptions>;
  /** How long a read of the routing table is reused (ms); the deployed default is 30 s. */
  readonly routingCacheTtlMs?: number;
  /** How long a read of the capacity table's serving state (targets, mitigation) is reused (ms); default 30 s. */
  readonly servingCacheTtlMs?: number;
  /** Mitigation, unit capacities and token plans of the request path; the embedded default otherwise. */
  readonly capacityConfig?: CapacityConfig;
  /** The daily model budget (DAILY_BUDGET_USD); the budget config's `dailyUsd` (2,500 by default) otherwise. */
  readonly dailyBudgetUsd?: number;
  /** The budget guardian's configuration over the defaults (BUDGET_CONFIG): ramp, reservation TTL, token budgets. */
  readonly budgetConfig?: Partial<BudgetConfig>;
  /** How long a read of the budget ledger (spend, override) is reused (ms); the deployed default is 1 s. */
  readonly budgetLedgerCacheMs?: number;
  /**
   * The LLM classifier fallback (below the threshold, the cheap tier is asked through the local endpoint, which
   * answers with a deterministic stand-in): on with the defaults unless `false`; a partial configuration overrides them.
   */
  readonly llmClassifier?: false | Partial<LlmClassifierConfig>;
  /**
   * The guardrail the invoke path sends with every answer (as GUARDRAIL_ID / GUARDRAIL_VERSION do in AWS); the local
   * endpoint simulates its verdict (`bedrock.guardrail`: denied words, output trigger). Default LOCAL_GUARDRAIL;
   * `false`: answers go without a guardrail.
   */
  readonly guardrail?: false | GuardrailSettings;
  /**
   * Runs the capacity scheduler (reconcile + health every 15 minutes of its clock) against the local control plane.
   * `speed` > 1 runs its clock (and the control plane's) that many times faster, starting now.
   */
  readonly capacityScheduler?: { readonly speed: number; readonly autoStart?: boolean; readonly startAt?: number };
  /**
   * The experiment evaluator on an interval (AWS: EventBridge every 15 minutes); absent, it runs only when asked
   * (`evaluator.runOnce()`, `cli routing experiment evaluate`). `autoStart: false` keeps the timer off.
   */
  readonly experimentEvaluator?: { readonly intervalMs?: number; readonly autoStart?: boolean; readonly config?: ExperimentConfig };
  /** How long a read of the running experiments is reused (ms); 30 s by default. */
  readonly experimentsCacheTtlMs?: number;
  /**
   * The limits per principal and connection (LIMITS_CONFIG), counted in `redisUrl`'s Redis or in process. `npm start`
   * passes the embedded defaults; absent (most tests, which send bursts on one connection), nothing is limited.
   */
  readonly limits?: LimitsConfig;
  /** The `$connect` authorizer against the local issuer; see LocalAuthOptions. */
  readonly auth?: LocalAuthOptions;
  readonly log: Log;
  /** Also append every metric datapoint to this file as JSON lines (what `cli audit unmapped --metrics-file` reads). */
  readonly metricsFile?: string;
  /**
   * Metric datapoints kept in memory (`metrics.records`), most recent last; default DEFAULT_METRICS_WINDOW (10,000).
   * The metrics file, when given, still gets every datapoint.
   */
  readonly metricsWindow?: number;
  /** Answers the in-process cache keeps at most (without `redisUrl`); default DEFAULT_MEMORY_CACHE_ENTRIES (10,000). */
  readonly cacheEntries?: number;
  /** Offline debugging only (LOG_MESSAGE_TEXT=1): `frame received` debug entries carry the customer's message text. */
  readonly logMessageText?: boolean;
  /**
   * How the handlers post frames: `in_process` (the default) calls the emulator's `postToConnection` directly
   * (local/emulator-messenger.ts); `sdk` goes through the API Gateway management client over HTTP, signed, as in AWS
   * (LOCAL_MESSENGER=sdk).
   */
  readonly messenger?: 'in_process' | 'sdk';
  /**
   * How often items past their TTL attribute are deleted from dynalite (ms; default DEFAULT_TTL_SWEEP_MS, 5 minutes;
   * 0: never), as DynamoDB TTL does in AWS (local/ttl-sweeper.ts).
   */
  readonly ttlSweepMs?: number;
  /**
   * Where the local Bedrock endpoint and dynalite run. `child_processes` (what `npm start` and bench:overhead use,
   * LOCAL_EMULATORS): each in its own Node process (local/emulator-process.ts), so the gateway's event loop and the
   * emulators' use two cores; the endpoint's stats, faults and quotas are then IPC calls (`ChildProcessLocalStack`).
   * `in_process` (the default): one process, as tests need it: they read the endpoint's stats and set its faults
   * synchronously, pass clocks and `bedrock.now` functions, and advance the capacity clock, none of which crosses
   * a process boundary.
   */
  readonly emulators?: 'in_process' | 'child_processes';
  /** An emulator process exited while the stack used it (child_processes); default: logged as an error. */
  readonly onEmulatorCrash?: (error: Error) => void;
  /** Frames of one connection the emulator runs at once (default 64; see DEFAULT_MAX_FRAMES_IN_FLIGHT_PER_CONNECTION). */
  readonly maxFramesInFlightPerConnection?: number;
  readonly clock?: Clock;
}

export interface LocalStack {
  readonly url: string;
  /** The local identity provider: its tokens are what the stack's `$connect` authorizer accepts. */
  readonly issuer: LocalIssuer;
  /** The authorizer's policy in force (issuer, audience, guests, origins). */
  readonly authPolicy: ConnectAuthPolicy;
  readonly bedrock: LocalBedrock;
  readonly emulator: WebSocketEmulator;
  readonly dynamo: LocalDynamo;
  readonly metrics: RecordingMetrics;
  readonly store: MemoryStore | RedisStore;
  /** The budget ledger the invoke path reserves and settles in (Redis with `redisUrl`, else in process). */
  readonly ledger: BudgetLedger;
  /** The limit counters (Redis with `redisUrl`, else in process); present with `limits`. */
  readonly limitStore?: LimitStore;
  /** The guardian's configuration in force (daily budget included). */
  readonly budgetConfig: BudgetConfig;
  readonly catalog: ModelCatalog;
  /** The capacity table the request path reads its routing targets and mitigation from. */
  readonly capacityState: DynamoCapacityStateStore;
  /** Present when `capacityScheduler` was asked for. */
  readonly scheduler?: LocalScheduler;
  /** What the scheduler runs the reconciler and health check with (present with `capacityScheduler`). */
  readonly capacityDeps?: ReconcileDeps;
  /** The scheduler's and the control plane's clock, when it is not the stack's own (a speed or a start was given). */
  readonly capacityClock?: FastClock;
  /** Table names in dynalite by logical name (Sessions, RoutingConfig, Orders, CapacityState, EventCalendar). */
  readonly tables: {
    readonly sessions: string;
    readonly routing: string;
    /** Versioned routing (`cli routing` writes it; the handlers follow its newest version). */
    readonly routingVersions: string;
    /** Routing experiments and their counters (`cli routing experiment` and the evaluator). */
    readonly experiments: string;
    readonly orders: string;
    readonly capacity: string;
    readonly calendar: string;
    readonly faq: string;
  };
  /** The experiments' store and the evaluator (run it with `runOnce()`; on a timer with `experimentEvaluator`). */
  readonly experiments: DynamoExperimentStore;
  readonly evaluator: LocalEvaluator;
  close(): Promise<void>;
}

/** The stack with its emulators in child processes: the same, except what is read from them is asynchronous. */
export interface ChildProcessLocalStack extends Omit<LocalStack, 'bedrock' | 'dynamo'> {
  readonly bedrock: ChildLocalBedrock;
  readonly dynamo: ChildLocalDynamo;
}

type Emulators =
  | { readonly mode: 'in_process'; readonly bedrock: LocalBedrock; readonly dynamo: LocalDynamo }
  | { readonly mode: 'child_processes'; readonly bedrock: ChildLocalBedrock; readonly dynamo: ChildLocalDynamo };

/** Starts dynalite and the local Bedrock endpoint (at once when they are processes); closes what started if one fails. */
const startEmulators = async (
  options: LocalStackOptions,
  bedrockOptions: LocalBedrockOptions,
  fastClock: FastClock | undefined,
  closers: (() => Promise<unknown>)[],
): Promise<Emulators> => {
  if (options.emulators !== 'child_processes') {
    const dynamo = await startLocalDynamo();
    closers.push(() => dynamo.close());
    const bedrock = await startLocalBedrock(bedrockOptions);
    closers.push(() => bedrock.close());
    return { mode: 'in_process', bedrock, dynamo };
  }
  if (options.bedrock?.now !== undefined || (fastClock !== undefined && options.clock !== undefined && options.clock !== systemClock)) {
    throw new Error('emulators: child_processes runs the local Bedrock endpoint on the system clock: bedrock.now and a capacity clock over a custom clock need in_process');
  }
  // The fast clock's `now` crosses as its origin (below); a function cannot.
  const { now: _now, ...crossing } = bedrockOptions;
  const onCrash = options.onEmulatorCrash ?? ((error: Error) => options.log.error('emulator process exited', { error: error.message }));
  const [dynamo, bedrock] = await Promise.allSettled([
    startDynamoProcess({}, onCrash),
    startBedrockProcess({ bedrock: crossing, ...(fastClock && { clock: fastClock.origin() }) }, onCrash),
  ]);
  if (dynamo.status === 'fulfilled') closers.push(() => dynamo.value.close());
  if (bedrock.status === 'fulfilled') closers.push(() => bedrock.value.close());
  if (dynamo.status === 'rejected') throw dynamo.reason;
  if (bedrock.status === 'rejected') throw bedrock.reason;
  return { mode: 'child_processes', bedrock: bedrock.value, dynamo: dynamo.value };
};

const REGION = 'ap-northeast-1';

/** The offline Bedrock client's socket pool: far above what one machine's clients keep in flight. */
export const LOCAL_BEDROCK_MAX_SOCKETS = 1024;

/**
 * The offline cap of answers in flight: an answer holds at most two model calls at once (the LLM classifier's and
 * its own), so 256 answers stay well inside the socket pool above and no call ever waits for a socket.
 */
export const LOCAL_MAX_ANSWERS_IN_FLIGHT = 256;

/** The guardrail the offline stack asks for: any id and version of Bedrock's shape; the local endpoint simulates it. */
export const LOCAL_GUARDRAIL: GuardrailSettings = { identifier: 'localguardrail', version: '1' };

/**
 * The offline stack behind `npm start`: the deployed handlers, wired to dynalite, a local Bedrock Runtime endpoint,
 * Redis or an in-process store, behind a local API Gateway WebSocket emulator. Only endpoints and credentials
 * differ from AWS.
 */
export function startLocalStack(options: LocalStackOptions & { readonly emulators: 'child_processes' }): Promise<ChildProcessLocalStack>;
export function startLocalStack(options: LocalStackOptions & { readonly emulators?: 'in_process' }): Promise<LocalStack>;
export function startLocalStack(options: LocalStackOptions): Promise<LocalStack | ChildProcessLocalStack>;
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack | ChildProcessLocalStack> {
  const clock = options.clock ?? systemClock;
  const { log } = options;
  const metrics = new RecordingMetrics(options.metricsFile === undefined ? undefined : { path: options.metricsFile, clock }, options.metricsWindow);
  const catalog = MODEL_CATALOGS[options.catalogProfile ?? 'current'];
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => log.warn('shutdown step failed', { error }));
  };
  try {
    const capacityConfig = options.capacityConfig ?? DEFAULT_CAPACITY_CONFIG;
    const speed = options.capacityScheduler?.speed ?? 1;
    // The scheduler and the control plane share one clock, so a fast day still sees provisioning take its time.
    const startAt = options.capacityScheduler?.startAt;
    const fastClock = speed > 1 || startAt !== undefined ? new FastClock(startAt ?? clock.now(), speed, clock) : undefined;
    const capacityClock: Clock = fastClock ?? clock;
    const emulators = await startEmulators(
      options,
      {
        // A make-before-break change holds the old and the new throughput at once: room for twice the maximum.
        maxNoCommitmentUnitsPerModel: 2 * Math.max(capacityConfig.tiers.haiku.maxUnits, capacityConfig.tiers.sonnet.maxUnits),
        ...(fastClock && { now: () => fastClock.now(), creationDelayMs: 10 * 60_000 }),
        ...options.bedrock,
      },
      fastClock,
      closers,
    );
    const { bedrock, dynamo } = emulators;

    const clientOptions = { region: REGION, credentials: LOCAL_CREDENTIALS };
    const documents = createDocumentClient({ ...clientOptions, endpoint: dynamo.endpoint });
    closers.push(async () => documents.destroy());
    const tables = {
      sessions: dynamo.tableNames[SESSIONS_TABLE.logicalName] ?? '',
      routing: dynamo.tableNames[ROUTING_CONFIG_TABLE.logicalName] ?? '',
      routingVersions: dynamo.tableNames[ROUTING_VERSIONS_TABLE.logicalName] ?? '',
      experiments: dynamo.tableNames[EXPERIMENTS_TABLE.logicalName] ?? '',
      orders: dynamo.tableNames[ORDERS_TABLE.logicalName] ?? '',
      capacity: dynamo.tableNames[CAPACITY_STATE_TABLE.logicalName] ?? '',
      calendar: dynamo.tableNames[EVENT_CALENDAR_TABLE.logicalName] ?? '',
      faq: dynamo.tableNames[FAQ_TABLE.logicalName] ?? '',
    };
    const ttlSweepMs = options.ttlSweepMs ?? DEFAULT_TTL_SWEEP_MS;
    if (ttlSweepMs > 0) {
      const sweeper = startTtlSweeper(
        documents,
        ALL_TABLES.map((definition) => ({ name: dynamo.tableNames[definition.logicalName] ?? '', definition })).filter(({ name }) => name !== ''),
        { intervalMs: ttlSweepMs, clock, log },
      );
      closers.push(() => sweeper.stop());
    }
    await seedOrders(documents, tables.orders);
    // The demo store's FAQ in its table, as an operator would have it: edits there apply within 30 s.
    await seedFaq(documents, tables.faq);

    let redis: Redis | undefined;
    let store: MemoryStore | RedisStore;
    let ledger: BudgetLedger;
    if (options.redisUrl) {
      redis = createRedisClient(options.redisUrl);
      const client = redis;
      // quit() waits for a server to answer; with the server gone it never does and the reconnect timer keeps the
      // process alive, so a client that is not connected is just disconnected.
      closers.push(async () => (client.status === 'ready' ? client.quit() : client.disconnect()));
      store = new RedisStore(redis);
      ledger = new RedisBudgetLedger(redis);
    } else {
      store = new MemoryStore(clock, options.cacheEntries);
      ledger = new MemoryBudgetLedger(clock);
    }
    const limitStore: LimitStore | undefined = options.limits === undefined ? undefined : redis ? new RedisLimitStore(redis) : new MemoryLimitStore();
    const budgetConfig: BudgetConfig = {
      ...DEFAULT_BUDGET_CONFIG,
      ...options.budgetConfig,
      ...(options.dailyBudgetUsd !== undefined && { dailyUsd: options.dailyBudgetUsd }),
    };

    const timeoutMs = options.bedrockTimeoutMs ?? 10_000;
    const bedrockClient = createBedrockRuntimeClient({
      ...clientOptions,
      endpoint: bedrock.url,
      requestTimeoutMs: timeoutMs,
      maxSockets: options.bedrockMaxSockets ?? LOCAL_BEDROCK_MAX_SOCKETS,
    });
    closers.push(async () => bedrockClient.destroy());
    const routingConfig = new DynamoRoutingConfigStore(documents, tables.routing);
    // $connect, $disconnect and invoke share this process, so the connection records invoke reads on every message
    // are remembered here and forgotten when the connection closes.
    const sessions = new CachedConnections(new DynamoSessionStore(documents, tables.sessions), clock);
    const capacityState = new DynamoCapacityStateStore(documents, tables.capacity);
    const answerRecords = new DynamoAnswerRecordStore(documents, tables.sessions);
    const experiments = new DynamoExperimentStore(documents, tables.experiments);
    const llmConfig: LlmClassifierConfig = { ...DEFAULT_LLM_CLASSIFIER_CONFIG, ...(options.llmClassifier || {}) };
    const llmClassifier =
      options.llmClassifier === false
        ? undefined
        : { oracle: new BedrockIntentClassifier(bedrockClient, { modelId: catalog.haiku.modelId, timeoutMs: llmConfig.timeoutMs }), config: llmConfig };
    const routerWiring = {
      routingConfig,
      routingVersions: new DynamoRoutingVersionStore(documents, tables.routingVersions),
      ...(llmClassifier && { llmClassifier }),
      capacityState,
      faq: new DynamoFaqStore(documents, tables.faq),
      capacityConfig,
      catalog,
      clock,
      log,
      metrics,
      ...(options.routingCacheTtlMs !== undefined && { routingCacheTtlMs: options.routingCacheTtlMs }),
      ...(options.servingCacheTtlMs !== undefined && { servingCacheTtlMs: options.servingCacheTtlMs }),
      experiments,
      ...(options.experimentsCacheTtlMs !== undefined && { experimentsCacheTtlMs: options.experimentsCacheTtlMs }),
    };

    const inProcessMessenger = new EmulatorMessenger({ postToConnection: (connectionId, data) => emulator.postToConnection(connectionId, data) });
    // The management endpoint is only known once the emulator listens; messengers resolve it lazily. It is on its
    // own loopback port and answers only requests signed with this per-start key (IAM's place in AWS).
    const managementCredentials = newManagementCredentials();
    const frameDeps = {
      messengerFor:
        options.messenger === 'sdk'
          ? createMessengerFor({ region: REGION, credentials: managementCredentials }, () => emulator.managementEndpoint)
          : () => inProcessMessenger,
      clock,
      log,
      metrics,
      logMessageText: options.logMessageText === true,
    };
    // The store's identity provider, offline: a dev key pair made now, its JWKS on a loopback port.
    const issuer = await startLocalIssuer();
    closers.push(() => issuer.close());
    const authPolicy: ConnectAuthPolicy = {
      issuer: issuer.issuer,
      audiences: [issuer.audience],
      tokenUse: 'access',
      customerIdClaim: 'sub',
      allowedOrigins: options.auth?.allowedOrigins ?? [],
      allowGuests: options.auth?.allowGuests ?? true,
    };
    const emulator: WebSocketEmulator = new WebSocketEmulator({
      port: options.port ?? 0,
      authorizer: makeAuthorizerHandler({
        verifier: new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true }),
        policy: authPolicy,
        clock,
        log,
        metrics,
      }),
      managementCredentials,
      ...(options.maxFramesInFlightPerConnection !== undefined && { maxFramesInFlightPerConnection: options.maxFramesInFlightPerConnection }),
      handlers: {
        $connect: makeConnectHandler({ sessions, clock, newSessionId: randomUUID, log }),
        $disconnect: makeDisconnectHandler({ sessions, log }),
        $default: makeDefaultHandler(frameDeps),
        routes: {
          route: makeRouteHandler({ ...frameDeps, route: wireRouter({ ...routerWiring }) }),
          invoke: makeInvokeHandler({
            ...frameDeps,
            sessions,
            answer: wireAnswer({
              ...routerWiring,
              orders: new DynamoOrderStore(documents, tables.orders),
              model: new BedrockModelClient(bedrockClient, {
                streamIdleTimeoutMs: timeoutMs,
                ...(options.guardrail !== false && { guardrail: options.guardrail ?? LOCAL_GUARDRAIL }),
              }),
              store,
              ledger,
              calendar: new DynamoCalendarStore(documents, tables.calendar, clock),
              budgetConfig,
              conversation: new DynamoConversationStore(documents, tables.sessions),
              answerRecords,
              answersInFlight: { maxAnswers: options.maxAnswersInFlight ?? LOCAL_MAX_ANSWERS_IN_FLIGHT, retryAfterMs: DEFAULT_BUSY_RETRY_AFTER_MS },
              ...(limitStore && options.limits && { limits: { store: limitStore, config: options.limits } }),
              ...(options.budgetLedgerCacheMs !== undefined && { budgetLedgerCacheMs: options.budgetLedgerCacheMs }),
              ...(options.answer && { options: options.answer }),
            }),
          }),
          feedback: makeFeedbackHandler({ ...frameDeps, feedback: { answers: answerRecords, sessions, experiments } }),
        },
      },
      onHandlerError: (routeKey, error) => log.error('handler threw', { routeKey, error }),
      // ws's messages name the violation ("invalid UTF-8 sequence"), never the frame's content.
      onSocketError: (connectionId, error) => log.warn('client socket closed on a protocol error', { connectionId, code: (error as { code?: unknown }).code, reason: error.message }),
    });
    await emulator.start();
    closers.push(() => emulator.close());

    let scheduler: LocalScheduler | undefined;
    let capacityDeps: ReconcileDeps | undefined;
    if (options.capacityScheduler) {
      const controlClient = createBedrockControlClient({ ...clientOptions, endpoint: bedrock.url });
      closers.push(async () => controlClient.destroy());
      capacityDeps = {
        control: new BedrockCapacityControl(controlClient, capacityClock),
        state: capacityState,
        calendar: new DynamoCalendarStore(documents, tables.calendar, clock),
        catalog,
        config: capacityConfig,
        clock: capacityClock,
        log,
        metrics,
      };
      const runner = startLocalScheduler(capacityDeps, options.capacityScheduler);
      closers.push(() => runner.stop());
      scheduler = runner;
    }
    const evaluator = startLocalEvaluator(
      {
        experiments,
        routing: { versions: routerWiring.routingVersions, legacy: routingConfig, clock },
        config: options.experimentEvaluator?.config ?? DEFAULT_EXPERIMENT_CONFIG,
        clock,
        log,
        metrics,
      },
      { autoStart: options.experimentEvaluator !== undefined && options.experimentEvaluator.autoStart !== false, ...(options.experimentEvaluator?.intervalMs !== undefined && { intervalMs: options.experimentEvaluator.intervalMs }) },
    );
    closers.push(() => evaluator.stop());
    const common = { url: emulator.url, experiments, evaluator, issuer, authPolicy, emulator, metrics, store, ledger, ...(limitStore && { limitStore }), budgetConfig, catalog, capacityState, ...(scheduler && { scheduler }), ...(capacityDeps && { capacityDeps }), ...(fastClock && { capacityClock: fastClock }), tables, close: closeAll };
    return emulators.mode === 'child_processes' ? { ...common, bedrock: emulators.bedrock, dynamo: emulators.dynamo } : { ...common, bedrock: emulators.bedrock, dynamo: emulators.dynamo };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
