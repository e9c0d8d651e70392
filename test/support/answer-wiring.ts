import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { DEFAULT_ANSWER_OPTIONS } from '../../lambdas/app/answer-message';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import type { AnswerWiring } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCalendar, MemoryCapacityState } from './capacity-fakes';
import { FlakyLedger, MemoryOrders, MemoryRoutingConfig, RecordingLog } from './fakes';

/**
 * The answer path's wiring over in-memory fakes: no routing rows, on-demand capacity, the seed catalog, no orders, an
 * empty cache and ledger, the default budget and answer options, a fixed random draw. A test names what it is
 * about (the classifier, the model, the clock, and whatever else it observes or scripts); the rest comes from here.
 */
export const inMemoryAnswerWiring = (wiring: Pick<AnswerWiring, 'classifier' | 'model' | 'clock'> & Partial<AnswerWiring>): AnswerWiring => ({
  routingConfig: new MemoryRoutingConfig(),
  capacityState: new MemoryCapacityState(),
  capacityConfig: DEFAULT_CAPACITY_CONFIG,
  catalog: MODEL_CATALOGS.seed,
  log: new RecordingLog(),
  metrics: new RecordingMetrics(),
  orders: new MemoryOrders([]),
  store: new MemoryStore(wiring.clock),
  ledger: new FlakyLedger(),
  calendar: new MemoryCalendar(),
  budgetConfig: DEFAULT_BUDGET_CONFIG,
  random: () => 0.5,
  options: DEFAULT_ANSWER_OPTIONS,
  ...wiring,
});
