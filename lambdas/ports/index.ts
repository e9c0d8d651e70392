/**
 * Ports: the small interfaces the use cases depend on. Adapters (lambdas/adapters) implement them against
 * Bedrock, DynamoDB, Redis and API Gateway; tests and the offline stack use in-memory implementations.
 */
import type { ServerFrame } from '../core/protocol';
import type { OrderRecord } from '../core/orders';
import type { RoutingOverride } from '../core/routing';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/**
 * Timers, for what must happen after a delay even when nothing else happens (the coalescer's delay rule): the
 * app layer arms them, the core never does.
 */
export interface Timers {
  /** Runs `callback` once after `delayMs`; returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricsSink {
  record(name: string, value: number, unit: MetricUnit, dimensions?: Readonly<Record<string, string>>): void;
}

/** Sends frames to one WebSocket connection. Throws ConnectionGoneError when the client has left (410). */
export interface Messenger {
  send(connectionId: string, frame: ServerFrame): Promise<void>;
}

export interface ConnectionRecord {
  readonly connectionId: string;
  readonly sessionId: string;
  /** Who the connection acts for (lambdas/core/principal.ts principalKey): the owner of its session. */
  readonly principalKey: string;
  readonly connectedAt: number;
  /** Epoch seconds: DynamoDB TTL removes the item after it. */
  readonly expiresAt: number;
}

/** A session is claimed by its first principal; one owned by another is never opened for the caller. */
export type SessionClaim = 'claimed' | 'owned_by_another';

export interface SessionStore {
  /**
   * Registers a connection and creates (or refreshes) its session, owned by the connection's principal. A session
   * that exists under another owner is left untouched and no connection is written (`owned_by_another`).
   */
  openConnection(connection: ConnectionRecord): Promise<SessionClaim>;
  /** Removes a connection; absent connections are fine ($disconnect can arrive twice). */
  closeConnection(connectionId: string): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /**
   * Makes sure the session belongs to `owner`: creates it for them when it does not exist (with the given expiry),
   * refuses when another principal owns it. Atomic: two principals racing for one id cannot both win.
   */
  claimSession(sessionId: string, owner: string, expiresAt: number): Promise<SessionClaim>;
}

export interface RoutingConfigStore {
  /** Every row of the routing table, unvalidated: the core validates and reports bad rows. */
  loadOverrides(): Promise<readonly RoutingOverride[]>;
}

export type { OrderRecord } from '../core/orders';

/**
 * Orders, looked up only for their owner: an order of another customer and one that does not exist are both
 * `undefined`, so a caller cannot tell them apart.
 */
export interface OrderStore {
  getOrderFor(customerId: string, orderId: string): Promise<OrderRecord | undefined>;
}

export interface ModelMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface ModelRequest {
  readonly modelId: string;
  readonly system: string;
  readonly messages: readonly ModelMessage[];
  readonly maxTokens: number;
  /** Aborting stops the stream and the spend (the client left, or the deadline passed). */
  readonly signal: AbortSignal;
}

export type ModelStreamEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'usage'; readonly inputTokens: number; readonly outputTokens: number }
  | { readonly type: 'stop'; readonly reason: string };

/**
 * A streaming model client. Failures are thrown as ModelError subclasses (lambdas/core/errors.ts), both before
 * the first event and mid-stream.
 */
export interface ModelClient {
  stream(request: ModelRequest): AsyncIterable<ModelStreamEvent>;
}

/**
 * A second opinion on a message's intent: the cheap model asked through one forced tool call (the LLM classifier
 * fallback). It returns the tool's raw input, unvalidated (the app validates it against the vocabulary), and the
 * call's token usage (what it costs). Failures are thrown; aborting `signal` (the fallback's timeout) stops the call.
 */
export interface IntentOracle {
  classify(request: { readonly text: string; readonly signal: AbortSignal }): Promise<IntentOracleAnswer>;
}

export interface IntentOracleAnswer {
  /** The tool input the model produced (an object, or the raw text if the model did not call the tool). */
  readonly input: unknown;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Response cache. Failures are thrown; callers treat them as a miss. */
export interface ResponseCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

export * from './capacity';
export * from './budget';
export * from './conversation';
export * from './auth';
export * from './limits';
export * from './answer-records';
