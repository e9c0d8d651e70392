import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import type { BudgetOverride } from '../../lambdas/core/budget/guardian';
import { ConnectionGoneError } from '../../lambdas/core/errors';
import type { ServerFrame } from '../../lambdas/core/protocol';
import type { RoutingOverride } from '../../lambdas/core/routing';
import type {
  BudgetLedger,
  Clock,
  DaySpendDetail,
  Log,
  Messenger,
  ModelClient,
  ModelRequest,
  ModelStreamEvent,
  OrderRecord,
  OrderStore,
  ReserveRequest,
  ReserveResult,
  RoutingConfigStore,
  Settlement,
} from '../../lambdas/ports';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public current = Date.UTC(2026, 10, 22, 3, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A Log that keeps its entries, so a test can check what was reported. */
export class RecordingLog implements Log {
  readonly entries: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly extra?: Record<string, unknown> }[] = [];
  debug(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'debug', message, ...(extra && { extra }) });
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, ...(extra && { extra }) });
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(extra && { extra }) });
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(extra && { extra }) });
  }
  messages(level: 'debug' | 'info' | 'warn' | 'error'): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => entry.message);
  }
}

/** Records the frames sent per connection; can simulate the client leaving after N frames. */
export class RecordingMessenger implements Messenger {
  readonly frames: ServerFrame[] = [];
  constructor(private goneAfter = Number.POSITIVE_INFINITY) {}

  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    if (this.frames.length >= this.goneAfter) throw new ConnectionGoneError(connectionId);
    this.frames.push(frame);
  }

  ofType<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }
}

export type ScriptStep = ModelStreamEvent | { readonly type: 'fail'; readonly error: Error };

/**
 * A model that plays a script per model id: events in order, optionally failing at a step. It records the
 * requests and whether their signal was aborted.
 */
export class ScriptedModel implements ModelClient {
  readonly requests: ModelRequest[] = [];
  constructor(private readonly scripts: Readonly<Record<string, readonly ScriptStep[]>>) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    this.requests.push(request);
    const script = this.scripts[request.modelId];
    if (!script) throw new Error(`no script for ${request.modelId}`);
    for (const step of script) {
      if (request.signal.aborted) throw request.signal.reason;
      if (step.type === 'fail') throw step.error;
      yield step;
    }
  }
}

export const textScript = (text: string, usage = { inputTokens: 100, outputTokens: 50 }): ScriptStep[] => [
  ...text.split(/(?<= )/).map((piece): ScriptStep => ({ type: 'text', text: piece })),
  { type: 'stop', reason: 'end_turn' },
  { type: 'usage', ...usage },
];

/** Orders in memory, shown to their owner only (as DynamoOrderStore does). */
export class MemoryOrders implements OrderStore {
  readonly lookups: { readonly customerId: string; readonly orderId: string }[] = [];
  constructor(private readonly orders: readonly OrderRecord[]) {}
  async getOrderFor(customerId: string, orderId: string): Promise<OrderRecord | undefined> {
    this.lookups.push({ customerId, orderId });
    return this.orders.find((order) => order.orderId === orderId && order.customerId === customerId);
  }
}

export class MemoryRoutingConfig implements RoutingConfigStore {
  reads = 0;
  constructor(public rows: RoutingOverride[] = [], public failing = false) {}
  async loadOverrides(): Promise<readonly RoutingOverride[]> {
    this.reads += 1;
    if (this.failing) throw new Error('table unavailable');
    return this.rows;
  }
}

type LedgerOperation = 'reserve' | 'settle' | 'daySpend' | 'getOverride';

/**
 * The in-process budget ledger with a switch per operation to fail it as Redis would when it is down, and a record
 * of every reservation and settlement made through it.
 */
export class FlakyLedger implements BudgetLedger {
  readonly failing = new Set<LedgerOperation>();
  readonly reserved: ReserveRequest[] = [];
  readonly settled: Settlement[] = [];
  reads = 0;

  constructor(readonly inner: BudgetLedger = new MemoryBudgetLedger()) {}

  /** Fails every operation (`true`) or none (`false`). */
  down(down = true): void {
    for (const operation of ['reserve', 'settle', 'daySpend', 'getOverride'] as const) {
      if (down) this.failing.add(operation);
      else this.failing.delete(operation);
    }
  }

  private check(operation: LedgerOperation): void {
    if (this.failing.has(operation)) throw new Error(`ledger ${operation}: connect ECONNREFUSED`);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    this.check('reserve');
    const result = await this.inner.reserve(request);
    if (result.admitted) this.reserved.push(request);
    return result;
  }

  async settle(settlement: Settlement): Promise<void> {
    this.check('settle');
    this.settled.push(settlement);
    await this.inner.settle(settlement);
  }

  async daySpend(day: string, now: number): Promise<DaySpendDetail> {
    this.reads += 1;
    this.check('daySpend');
    return this.inner.daySpend(day, now);
  }

  async getOverride(day: string): Promise<BudgetOverride | undefined> {
    this.check('getOverride');
    return this.inner.getOverride(day);
  }

  setOverride(day: string, override: BudgetOverride): Promise<void> {
    return this.inner.setOverride(day, override);
  }

  clearOverride(day: string): Promise<boolean> {
    return this.inner.clearOverride(day);
  }
}
