import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import type { IntentOracle, IntentOracleAnswer } from '../../lambdas/ports';
import { wireAnswer, wireRouter } from '../../lambdas/runtime/wiring';
import { RecordingMetrics } from '../../local/console-log';
import { MemoryCalendar, MemoryCapacityState } from '../support/capacity-fakes';
import { ManualClock, MemoryOrders, MemoryRoutingConfig, ScriptedModel, silentLog } from '../support/fakes';
import { unsureMessages } from '../support/unsure-messages';

const catalog = MODEL_CATALOGS.current;

class CountingOracle implements IntentOracle {
  calls = 0;
  constructor(private readonly input: unknown) {}
  async classify(): Promise<IntentOracleAnswer> {
    this.calls += 1;
    return { input: this.input, inputTokens: 500, outputTokens: 20 };
  }
}

const wiring = (oracle: IntentOracle) => {
  const metrics = new RecordingMetrics();
  const clock = new ManualClock(Date.parse('2026-11-22T03:00:00Z'));
  return {
    metrics,
    base: {
      routingConfig: new MemoryRoutingConfig([]),
      capacityState: new MemoryCapacityState(),
      capacityConfig: DEFAULT_CAPACITY_CONFIG,
      catalog,
      clock,
      log: silentLog,
      metrics,
      random: () => 0.5,
      llmClassifier: { oracle },
    },
    answer: { orders: new MemoryOrders([]), model: new ScriptedModel({}), store: new MemoryStore(clock), ledger: new MemoryBudgetLedger(clock), calendar: new MemoryCalendar([]), budgetConfig: DEFAULT_BUDGET_CONFIG },
  };
};

describe('routing with the LLM classifier fallback', () => {
  it("routes a low-confidence message by the LLM's answer: reason llm:<intent>, its cost on the routed message, metrics", async () => {
    const oracle = new CountingOracle({ intent: 'recommendation', confidence: 0.9 });
    const { base, answer, metrics } = wiring(oracle);
    const routed = await wireAnswer({ ...base, ...answer }).route(unsureMessages('ja', 1)[0] ?? '');
    expect(oracle.calls).toBe(1);
    expect(routed.decision).toMatchObject({ intent: 'recommendation', tier: 'sonnet' });
    expect(routed.decision.reasons).toContain('llm:recommendation');
    expect(routed.classifierSource).toBe('llm');
    expect(routed.classifierCostUsd).toBeCloseTo(0.0006, 9);
    expect(metrics.sum('ClassifierSource', { Source: 'llm' })).toBe(1);
    expect(metrics.records.some((r) => r.name === 'DecisionLatencyMs' && r.dimensions.Source === 'llm')).toBe(true);
  });

  it('the route frame preview goes through the same step', async () => {
    const oracle = new CountingOracle({ intent: 'complaint', confidence: 0.8 });
    const { base } = wiring(oracle);
    const decision = await wireRouter(base)(unsureMessages('ja', 1)[0] ?? '');
    expect(decision).toMatchObject({ intent: 'complaint', tier: 'sonnet' });
    expect(decision.reasons).toContain('llm:complaint');
  });

  it('does not ask the LLM for a short follow-up in a conversation: it inherits the previous intent', async () => {
    const oracle = new CountingOracle({ intent: 'complaint', confidence: 0.95 });
    const { base, answer } = wiring(oracle);
    const routed = await wireAnswer({ ...base, ...answer }).route('２つ目は？', { intent: 'recommendation', tier: 'sonnet' });
    expect(oracle.calls).toBe(0);
    expect(routed.decision.intent).toBe('recommendation');
    expect(routed.decision.reasons).toContain('follow_up:recommendation');
    expect(routed.classifierCostUsd).toBe(0);
  });
});
