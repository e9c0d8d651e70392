import type { BudgetConfig } from '../../core/budget/config';
import type { BudgetStatus } from '../../core/budget/guardian';
import type { CascadeConfig } from '../../core/cascade';
import type { ModelCatalog } from '../../core/catalog';
import type { CapacityConfig } from '../../core/capacity/config';
import type { CoalescerOptions } from '../../core/coalescer';
import type { AnswersInFlight } from '../../core/answers-in-flight';
import type { BudgetExhaustedError, GatewayBusyError, LimitError, ModelError } from '../../core/errors';
import type { Principal } from '../../core/principal';
import type { DoneReply } from '../../core/protocol';
import type { ModelTier, RoutingMap, Tier } from '../../core/vocabulary';
import type { PreviousExchange } from '../../core/conversation';
import type { AnswerRecordStore, BudgetLedger, Clock, ConversationStore, Log, Messenger, MetricsSink, ModelClient, ModelMessage, OrderStore, ResponseCache, Timers } from '../../ports';
import type { BudgetReading } from '../budget-source';
import type { ExperimentStore } from '../../ports/experiments';
import type { RoutedMessage } from '../router';
import type { AnswerLimits } from './limits';
import type { FaqEntries } from './template';

export interface AnswerOptions {
  readonly coalescer: CoalescerOptions;
  /** The answer cache's TTL outside mitigation (mitigation raises it to the capacity config's value). */
  readonly cacheTtlSeconds: number;
  /**
   * Deadline of all model calls of one answer, fallbacks included; below API Gateway's 29 s integration timeout so
   * the client hears why.
   */
  readonly deadlineMs: number;
  /** The confidence cascade (lambdas/core/cascade); absent, the embedded default: no intent cascades. */
  readonly cascade?: CascadeConfig;
}

/** Watches model calls for throttling and starts mitigation when they cross the threshold (one per container). */
export interface ThrottleDefence {
  /** Never throws: a failure to start mitigation is logged, never fails the answer. */
  recordCall(throttled: boolean): Promise<void>;
}

/** Today's budget status for a request (lambdas/app/budget-source.ts). */
export interface BudgetReader {
  read(day: string, map: RoutingMap, now: number): Promise<BudgetReading>;
}

/** Shares the guardian's reading with the `route` Lambda (lambdas/app/budget-publisher.ts). Never throws. */
export interface BudgetPublisher {
  publish(status: BudgetStatus): Promise<void>;
}

export interface AnswerDeps {
  /**
   * Classify, route and apply mitigation (lambdas/app/router.ts); `previous` is the session's previous exchange, for
   * follow-up routing; `subject` whom a running experiment's arm is sticky for (lambdas/app/answer/experiment.ts).
   */
  readonly route: (text: string, previous?: PreviousExchange, subject?: string) => Promise<RoutedMessage>;
  readonly catalog: ModelCatalog;
  readonly capacity: CapacityConfig;
  readonly orders: OrderStore;
  /** The FAQ in force, for the template tier's FAQ answers (the router matched against the same one). */
  readonly faq?: FaqEntries;
  readonly model: ModelClient;
  readonly cache: ResponseCache;
  /** The day's spend and reservations: every model call is reserved here first and settled after. */
  readonly ledger: BudgetLedger;
  readonly budget: BudgetReader;
  readonly budgetPublisher: BudgetPublisher;
  /** Ramp, reservation TTL and token budgets per intent (the daily budget itself is read through `budget`). */
  readonly budgetConfig: BudgetConfig;
  /** A unique id per request, so two requests with the same client `requestId` never share a reservation. */
  readonly newId: () => string;
  readonly messenger: Messenger;
  readonly throttleDefence: ThrottleDefence;
  readonly clock: Clock;
  /**
   * Arms the coalescer's delay rule, so buffered text leaves after `maxDelayMs` even when the model goes quiet;
   * absent, buffered text waits for the next token or the end of the stream.
   */
  readonly timers?: Timers;
  /** In [0, 1): picks a provisioned throughput by units. */
  readonly random: () => number;
  readonly metrics: MetricsSink;
  readonly log: Log;
  readonly options: AnswerOptions;
  /** Conversation memory (lambdas/app/answer/memory.ts): the session's turns; absent, every message stands alone. */
  readonly conversation?: { readonly store: ConversationStore; readonly turns?: number };
  /** The limits per principal and connection (lambdas/app/answer/limits.ts); absent, nothing is limited per principal. */
  readonly limits?: AnswerLimits;
  /** Answered requests by requestId, for `feedback` (lambdas/app/answer/record.ts); absent, answers cannot be rated. */
  readonly answerRecords?: AnswerRecordStore;
  /**
   * The process's cap of answers in flight (lambdas/app/answer/process-cap.ts): offline, where one process serves
   * every connection; absent (AWS, where the function's concurrency is the cap), nothing is capped per process.
   */
  readonly answersInFlight?: AnswersInFlight;
  /** The experiments' arm counters: each answer routed under one is counted on its arm (lambdas/app/answer/experiment.ts). */
  readonly experiments?: Pick<ExperimentStore, 'addAnswer'>;
}

/**
 * The session a message belongs to, for conversation memory: always one the request's principal owns
 * (lambdas/app/answer/memory.ts resolveSession refuses any other).
 */
export interface AnswerSession {
  readonly id: string;
  /** Epoch seconds: the session's TTL, given to the turns stored under it. */
  readonly expiresAt: number;
}

export interface AnswerRequest {
  readonly connectionId: string;
  /** Who the message is from (the frame's principal); absent, a guest keyed by the connection. */
  readonly principal?: Principal;
  readonly requestId: string;
  readonly message: string;
  /** When the gateway received the frame (epoch ms): latency and queue wait are measured from here. */
  readonly receivedAt: number;
  /** The conversation it belongs to; absent, no history is read or stored. */
  readonly session?: AnswerSession;
  /** Earlier exchanges sent before the message (oldest first, user first), set by the answer step for the model. */
  readonly history?: readonly ModelMessage[];
}

export type AnswerOutcome =
  | { readonly kind: 'answered'; readonly done: DoneReply }
  | { readonly kind: 'failed'; readonly error: ModelError | BudgetExhaustedError; readonly tier: ModelTier }
  | { readonly kind: 'client_gone'; readonly tier: Tier }
  /** A limit per principal or connection refused the message before anything was routed or called. */
  | { readonly kind: 'limited'; readonly error: LimitError }
  /** The process's cap of answers in flight refused it (`gateway_busy`), before anything was routed or called. */
  | { readonly kind: 'busy'; readonly error: GatewayBusyError };

/** What answered, as the `done` frame reports it; `chunk` is the whole text when it was not streamed. */
export type Answer = Pick<DoneReply, 'tier' | 'model' | 'target' | 'cacheHit' | 'inputTokens' | 'outputTokens' | 'costUsd'> & {
  readonly chunk?: string;
  /** The cascade escalated to the strong tier (`done.escalated`); false when absent. */
  readonly escalated?: boolean;
  /** Under an experiment: the answer's quality score (0-1) for the quality gate (lambdas/app/answer/experiment.ts). */
  readonly quality?: number;
};
