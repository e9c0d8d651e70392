import { MemoryBudgetLedger } from '../../lambdas/adapters/memory-budget';
import { MemoryLimitStore } from '../../lambdas/adapters/memory-limits';
import { MINUTE_MS } from '../../lambdas/core/limits';
import type { MessageAdmissionRequest } from '../../lambdas/ports';

const NOW = Date.UTC(2026, 11, 2, 3, 0, 0);
const LIMITS = { messagesPerMinute: 5, invokesInFlight: 1, strongAnswersPerHour: 2, dailySpendUsd: 1 };
const CONFIG = { inFlightTtlMs: 90_000, inFlightRetryAfterMs: 1500 };

const guestMessage = (connection: number, now: number): MessageAdmissionRequest => ({
  principalKey: `guest:c${connection}`,
  connectionId: `c${connection}`,
  id: `m${connection}`,
  day: '2026-12-02',
  now,
  limits: LIMITS,
  config: CONFIG,
});

/** What `npm start` keeps per visitor stays bounded however many come and go (issue 11, item 4). */
describe('bounded in-process state of a long-running offline stack', () => {
  it('the limit store forgets guests (a principal per connection) once nothing of theirs counts any more', async () => {
    const store = new MemoryLimitStore();
    for (let connection = 0; connection < 999; connection += 1) {
      await store.admitMessage(guestMessage(connection, NOW));
      await store.releaseInFlight({ principalKey: `guest:c${connection}`, connectionId: `c${connection}`, id: `m${connection}` });
      await store.chargeSpend({ principalKey: `guest:c${connection}`, day: '2026-11-28', usd: 0.001 });
    }
    expect(store.trackedKeys).toBeGreaterThanOrEqual(2 * 999);

    // The 1000th message, a minute later, sweeps: every earlier guest's minute has passed and its spend is days old.
    expect(await store.admitMessage(guestMessage(5000, NOW + MINUTE_MS + 1))).toEqual({ admitted: true });
    expect(store.trackedKeys).toBeLessThanOrEqual(2);
  });

  it('the in-process budget ledger keeps the three most recent days only', async () => {
    const ledger = new MemoryBudgetLedger();
    for (const day of ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']) {
      await ledger.settle({ day, id: `${day}:a`, usd: 1, tier: 'haiku', intent: 'recommendation' });
    }
    expect((await ledger.daySpend('2026-12-02', NOW)).spentUsd).toBe(1);
    expect((await ledger.daySpend('2026-11-30', NOW)).spentUsd).toBe(1);
    expect((await ledger.daySpend('2026-11-29', NOW)).spentUsd).toBe(0);
  });
});
