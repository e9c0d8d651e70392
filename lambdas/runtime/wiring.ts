import { randomUUID } from 'node:crypto';
import { DEFAULT_ANSWER_OPTIONS, type AnswerDeps, type AnswerOptions } from '../app/answer-message';
import type { AnswerLimits } from '../app/answer/limits';
import { AutoMitigation } from '../app/answer/throttle-defence';
import { CalendarSource } from '../app/budget-calendar';
import { BudgetStatusPublisher } from '../app/budget-publisher';
import { BudgetSource } from '../app/budget-source';
import { MessageClassifier, type LlmClassifierConfig } from '../app/classify-message';
import { ExperimentSource } from '../app/experiments/source';
import { FaqSource, NO_FAQ_TABLE } from '../app/faq-source';
import { previewRoute, routeMessage, type RouteOptions, type RouterDeps } from '../app/router';
import { RoutingMapSource } from '../app/routing-map-source';
import { ServingStateSource } from '../app/serving-state-source';
import { systemTimers } from './system';
import { AnswersInFlight, type AnswersInFlightConfig } from '../core/answers-in-flight';
import type { BudgetConfig } from '../core/budget/config';
import type { ModelCatalog } from '../core/catalog';
import type { CapacityConfig } from '../core/capacity/config';
import { defaultIntentClassifier } from '../core/intent-model';
import type { FaqStore } from '../core/faq';
import type { RouteDecision } from '../core/routing';
import type { IntentClassifier } from '../core/vocabulary';
import type {
  AnswerRecordStore,
  BudgetLedger,
  CalendarStore,
  CapacityStateStore,
  Clock,
  IntentOracle,
  ConversationStore,
  Log,
  MetricsSink,
  ModelClient,
  OrderStore,
  ResponseCache,
  RoutingConfigStore,
} from '../ports';
import type { ExperimentStore } from '../ports/experiments';
import type { RoutingVersionStore } from '../ports/routing-versions';

/**
 * Wiring shared by the Lambda entries and the offline stack: ports in, use-case functions out. It imports no
 * AWS client, so each entry bundles only the clients it builds itself.
 */
export interface RouterWiring {
  /** The legacy RoutingConfig rows: routing version 0 until the first version is committed. */
  readonly routingConfig: RoutingConfigStore;
  /** Versioned routing (the RoutingVersions table); absent, routing is version 0 (defaults + legacy rows). */
  readonly routingVersions?: RoutingVersionStore;
  /**
   * Routing targets per tier, mitigation and the published budget status (the capacity table); read by `route` and
   * `invoke` alike, written by `invoke` when its budget reading changes.
   */
  readonly capacityState: CapacityStateStore;
  readonly capacityConfig: CapacityConfig;
  readonly catalog: ModelCatalog;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
  /** The fast path; the default classifier (rules + trained model) unless given. */
  readonly classifier?: IntentClassifier;
  /**
   * The LLM classifier fallback: below `config.threshold` the oracle (the cheap tier through Converse) is asked;
   * absent, the fast path's answer always stands.
   */
  readonly llmClassifier?: { readonly oracle: IntentOracle; readonly config?: Partial<LlmClassifierConfig> };
  readonly routingCacheTtlMs?: number;
  /** How long a read of the capacity table's serving state is reused (ms); 30 s by default. */
  readonly servingCacheTtlMs?: number;
  /** In [0, 1); `Math.random` unless a test or benchmark wants a fixed draw. */
  readonly random?: () => number;
  /** The FAQ table over the embedded default FAQ; absent, the embedded FAQ alone answers. */
  readonly faq?: FaqStore;
  /** Routing experiments (the Experiments table): running ones apply per intent; absent, none does. */
  readonly experiments?: ExperimentStore;
  /** How long a read of the running experiments is reused (ms); 30 s by default. */
  readonly experimentsCacheTtlMs?: number;
}

const servingState = (wiring: RouterWiring): ServingStateSource =>
  new ServingStateSource(wiring.capacityState, wiring.clock, wiring.log, wiring.servingCacheTtlMs);

const faqSource = (wiring: RouterWiring): FaqSource => new FaqSource(wiring.faq ?? NO_FAQ_TABLE, wiring.clock, wiring.log);

const routerDeps = (wiring: RouterWiring, serving: ServingStateSource, faq: FaqSource): RouterDeps => ({
  classifier: new MessageClassifier({
    fast: wiring.classifier ?? defaultIntentClassifier(),
    ...(wiring.llmClassifier && { oracle: wiring.llmClassifier.oracle }),
    ...(wiring.llmClassifier?.config && { config: wiring.llmClassifier.config }),
    cheapModel: wiring.catalog.haiku,
    metrics: wiring.metrics,
    log: wiring.log,
  }),
  routingMap: new RoutingMapSource(wiring.routingConfig, wiring.clock, wiring.log, wiring.routingCacheTtlMs, wiring.routingVersions, wiring.metrics),
  serving,
  faq,
  catalog: wiring.catalog,
  mitigation: wiring.capacityConfig.mitigation,
  clock: wiring.clock,
  random: wiring.random ?? Math.random,
  metrics: wiring.metrics,
  ...(wiring.experiments && { experiments: new ExperimentSource(wiring.experiments, wiring.clock, wiring.log, wiring.experimentsCacheTtlMs) }),
});

/**
 * The `route` frame's decision: the same routing, mitigation included, as an `invoke` would get, with the budget
 * status the invoke path published in the capacity table (`route` cannot reach the ledger).
 */
export const wireRouter = (wiring: RouterWiring): ((text: string, options?: RouteOptions) => Promise<RouteDecision>) => {
  const deps = routerDeps(wiring, servingState(wiring), faqSource(wiring));
  return (text, options) => previewRoute(deps, text, options);
};

export interface AnswerWiring extends RouterWiring {
  readonly orders: OrderStore;
  readonly model: ModelClient;
  /** The answer cache. */
  readonly store: ResponseCache;
  /** The day's spend, reservations and overrides (Redis in AWS). */
  readonly ledger: BudgetLedger;
  /** The event calendar: budget multipliers (event pools) and the traffic the projection expects. */
  readonly calendar: CalendarStore;
  /** The guardian's configuration; `dailyUsd` is the deploy's DAILY_BUDGET_USD. */
  readonly budgetConfig: BudgetConfig;
  /** How long a read of the ledger's spend and override is reused per container (ms); 1 s by default. */
  readonly budgetLedgerCacheMs?: number;
  /** How long a read of the calendar is reused (ms); 5 min by default. */
  readonly calendarCacheTtlMs?: number;
  readonly options?: Partial<AnswerOptions>;
  /** Unique per request (the ledger's reservation ids); `randomUUID` unless a test wants fixed ids. */
  readonly newId?: () => string;
  /** Conversation turns (the Sessions table); absent, `invoke` answers every message on its own. */
  readonly conversation?: ConversationStore;
  /** How many recent turns are read per request; 10 by default. */
  readonly conversationTurns?: number;
  /** The limits per principal and connection and their store (Redis in AWS); absent, nothing is limited per principal. */
  readonly limits?: AnswerLimits;
  /** Answered requests by requestId (the Sessions table), for `feedback`; absent, answers cannot be rated. */
  readonly answerRecords?: AnswerRecordStore;
  /** The process's cap of answers in flight (offline); absent, none (in AWS the function's concurrency caps it). */
  readonly answersInFlight?: AnswersInFlightConfig;
}

export const wireAnswer = (wiring: AnswerWiring): Omit<AnswerDeps, 'messenger'> => {
  // One serving state per container, shared by routing and the throttle defence: mitigation this container
  // starts applies to its next request, not 30 s later.
  const serving = servingState(wiring);
  // One FAQ per container: the answer looks up the entry in the same cached FAQ the router matched against.
  const faq = faqSource(wiring);
  const router = routerDeps(wiring, serving, faq);
  return {
    route: (text, previous, subject) => routeMessage(router, text, previous, subject === undefined ? {} : { subject }),
    catalog: wiring.catalog,
    capacity: wiring.capacityConfig,
    orders: wiring.orders,
    faq,
    model: wiring.model,
    cache: wiring.store,
    ledger: wiring.ledger,
    budget: new BudgetSource({
      ledger: wiring.ledger,
      calendar: new CalendarSource(wiring.calendar, wiring.clock, wiring.log, wiring.calendarCacheTtlMs),
      config: wiring.budgetConfig,
      catalog: wiring.catalog,
      clock: wiring.clock,
      log: wiring.log,
      ...(wiring.budgetLedgerCacheMs !== undefined && { ledgerCacheMs: wiring.budgetLedgerCacheMs }),
    }),
    budgetPublisher: new BudgetStatusPublisher({ store: wiring.capacityState, serving, clock: wiring.clock, log: wiring.log }),
    budgetConfig: wiring.budgetConfig,
    newId: wiring.newId ?? randomUUID,
    throttleDefence: new AutoMitigation({
      store: wiring.capacityState,
      serving,
      config: wiring.capacityConfig.mitigation,
      clock: wiring.clock,
      log: wiring.log,
      metrics: wiring.metrics,
    }),
    clock: wiring.clock,
    timers: systemTimers,
    random: wiring.random ?? Math.random,
    metrics: wiring.metrics,
    log: wiring.log,
    options: { ...DEFAULT_ANSWER_OPTIONS, ...wiring.options },
    ...(wiring.limits && { limits: wiring.limits }),
    ...(wiring.answerRecords && { answerRecords: wiring.answerRecords }),
    ...(wiring.experiments && { experiments: wiring.experiments }),
    ...(wiring.answersInFlight && { answersInFlight: new AnswersInFlight(wiring.answersInFlight) }),
    ...(wiring.conversation && {
      conversation: { store: wiring.conversation, ...(wiring.conversationTurns !== undefined && { turns: wiring.conversationTurns }) },
    }),
  };
};
