/**
 * `npm run bench:cost`: what a day costs (issue 7). First, 1M messages with seed 001's traffic mix and tokens per
 * category (scenarios/normal-day.json) on the `seed` catalog profile (Claude 3 prices), with no budget, for
 * all-Sonnet, all-Haiku and this gateway's routing, next to the seed's own figures ($6,750/day all-Sonnet,
 * $562.50 all-Haiku, $2,416.20 "Cascade + Cache"). Then the simulator on the three scenario files, this gateway's
 * ramp against seed 000's cliff: total cost, when the budget ran out, minutes per mode, recommendation's share below
 * its tier, messages no model answered and how often the guardian moved an intent off its tier or back. Plots go to .bench/cost-<scenario>-<policy>.svg. Pure arithmetic through
 * the real classifier, routing and guardian core: no services. Asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { costUsd, MODEL_CATALOGS } from '../lambdas/core/catalog';
import { simulateDay, type SimulateOptions, type SimulationResult } from '../local/simulate/engine';
import { renderPlotSvg } from '../local/simulate/plot';
import { loadScenario } from '../local/simulate/scenario';
import { RedisBudgetLedger } from '../lambdas/adapters/redis-budget';
import { createRedisClient } from '../lambdas/adapters/redis-store';
import { startTestRedis } from '../test/support/redis-server';

const ROOT = resolve(__dirname, '..');
const SCENARIOS = ['normal-day', 'manga-matsuri-no-calendar', 'manga-matsuri-with-calendar'] as const;
const OUT = join(ROOT, '.bench');

const usd = (x: number): string => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const clock = (iso: string | null): string => (iso === null ? 'never' : iso.slice(11, 16));
const write = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

const timed = (run: () => SimulationResult): { result: SimulationResult; ms: number } => {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
};

const normal = loadScenario(join(ROOT, 'scenarios', 'normal-day.json'));
const seedCatalog = MODEL_CATALOGS.seed;
const flat = (tier: 'haiku' | 'sonnet'): number => normal.messages * costUsd(seedCatalog[tier], { inputTokens: 500, outputTokens: 350 });
const day = (options: SimulateOptions): SimulationResult => simulateDay({ ...normal, catalogProfile: 'seed' }, { unlimitedBudget: true, ...options });

write(`Cost per day at ${normal.messages.toLocaleString('en-US')} messages, seed 001's mix and tokens per category, 'seed' catalog`);
write(`(haiku $${seedCatalog.haiku.inputUsdPerMTok}/$${seedCatalog.haiku.outputUsdPerMTok}, sonnet $${seedCatalog.sonnet.inputUsdPerMTok}/$${seedCatalog.sonnet.outputUsdPerMTok} per 1M tokens in/out); no budget`);
write();
const rows: [string, SimulationResult, string][] = [
  ['all-Sonnet', day({ routing: 'all-sonnet' }), `${usd(6750)} (seed: 500 in / 350 out per message; catalog at those averages: ${usd(flat('sonnet'))})`],
  ['all-Haiku', day({ routing: 'all-haiku' }), `${usd(562.5)} (seed; catalog at 500 / 350: ${usd(flat('haiku'))})`],
  ['this gateway: routing policy', day({}), `${usd(3954)} "Cascading (Haiku-first)" without cache`],
  ['this gateway + 20% answer-cache hits', day({ cacheHitRate: 0.2 }), `${usd(2416.2)} "Cascade + Cache" (20% of all queries)`],
  ['this gateway, strong tier off (the floor)', day({ routing: 'gateway-cheap' }), '-'],
];
write(`${'strategy'.padEnd(42)} ${'simulated'.padStart(11)}  ${'haiku'.padStart(10)} ${'sonnet'.padStart(10)}  strong share  seed 001`);
for (const [name, r, seed] of rows) {
  const answered = r.messagesByTier.template + r.messagesByTier.haiku + r.messagesByTier.sonnet;
  write(
    `${name.padEnd(42)} ${usd(r.totalCostUsd).padStart(11)}  ${usd(r.costByTier.haiku).padStart(10)} ${usd(r.costByTier.sonnet).padStart(10)}  ${pct(r.messagesByTier.sonnet / answered).padStart(12)}  ${seed}`,
  );
}
const gateway = rows[2]![1];
write();
write(
  `Routing of the normal day: template ${pct(gateway.messagesByTier.template / gateway.messages)}, haiku ${pct(gateway.messagesByTier.haiku / gateway.messages)}, sonnet ${pct(
    gateway.messagesByTier.sonnet / gateway.messages,
  )} (the 20% cache applies to cacheable intents only: ${gateway.messages > 0 ? rows[3]![1].cacheHits.toLocaleString('en-US') : 0} hits)`,
);
write();

mkdirSync(OUT, { recursive: true });
write('The scenario files through the simulator (ramp: this gateway\'s guardian core; cliff: seed 000\'s old guardian)');
write(
  `${'scenario'.padEnd(28)} ${'policy'.padEnd(6)} ${'budget'.padStart(10)} ${'total cost'.padStart(11)}  exhausted  normal conserve emergency exhausted (min)  rec below tier (first)  refused  moves  sim ms`,
);
for (const name of SCENARIOS) {
  const scenario = loadScenario(join(ROOT, 'scenarios', `${name}.json`));
  for (const policy of ['ramp', 'cliff'] as const) {
    const { result: r, ms } = timed(() => simulateDay(scenario, { policy }));
    writeFileSync(join(OUT, `cost-${name}-${policy}.svg`), renderPlotSvg(r));
    const rec = r.perIntent.recommendation;
    const m = r.minutesInMode;
    // How often the guardian moved an intent off its tier or back: a ramp without hysteresis flaps.
    const moves = Object.values(r.perIntent).reduce((sum, figures) => sum + (figures?.budgetMoves ?? 0), 0);
    write(
      `${name.padEnd(28)} ${policy.padEnd(6)} ${usd(r.budget?.totalUsd ?? 0).padStart(10)} ${usd(r.totalCostUsd).padStart(11)}  ${clock(r.budgetExhaustedAt).padStart(9)}  ${String(m.normal).padStart(6)} ${String(
        m.conserve,
      ).padStart(8)} ${String(m.emergency).padStart(9)} ${String(m.exhausted).padStart(9)}        ${`${pct(rec?.shareBelowDefaultTier ?? 0)} (${clock(rec?.firstBelowDefaultAt ?? null)})`.padStart(
        16,
      )}  ${r.refusedMessages.toLocaleString('en-US').padStart(9)}  ${String(moves).padStart(5)}  ${ms.toFixed(0).padStart(6)}`,
    );
  }
}
write();
write(`Plots: ${join('.bench', 'cost-<scenario>-<policy>.svg')}`);

/**
 * The guardian's added latency per answer against a real redis-server (the test suite's private one, loopback):
 * what one model answer adds when its container's one-second ledger read is stale: a daySpend read, a reserve and
 * a settle, each one atomic script round trip.
 */
const guardianLatency = async (): Promise<void> => {
  const redis = await startTestRedis();
  const client = createRedisClient(redis.url);
  const ledger = new RedisBudgetLedger(client);
  const day = '2026-12-02';
  const samples = { read: [] as number[], reserve: [] as number[], settle: [] as number[], total: [] as number[] };
  try {
    for (let i = 0; i < 3000; i += 1) {
      const t0 = performance.now();
      await ledger.daySpend(day, Date.now());
      const t1 = performance.now();
      await ledger.reserve({ day, id: `bench-${i}`, usd: 0.02, limitUsd: 1e6, ttlMs: 120_000, now: Date.now() });
      const t2 = performance.now();
      await ledger.settle({ day, id: `bench-${i}`, usd: 0.004, tier: 'sonnet', intent: 'recommendation' });
      const t3 = performance.now();
      // The first few hundred warm up the connection and the script cache.
      if (i < 500) continue;
      samples.read.push(t1 - t0);
      samples.reserve.push(t2 - t1);
      samples.settle.push(t3 - t2);
      samples.total.push(t3 - t0);
    }
  } finally {
    await client.quit();
    await redis.stop();
  }
  const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] ?? Number.NaN;
  write();
  write(`Guardian latency per model answer against a local redis-server (${samples.total.length} answers after warm-up, sequential)`);
  for (const [name, values] of Object.entries(samples)) {
    write(`  ${name.padEnd(8)} p50 ${p(values, 0.5).toFixed(3)} ms   p99 ${p(values, 0.99).toFixed(3)} ms`);
  }
};

guardianLatency().catch((error: unknown) => {
  process.stderr.write(`guardian latency not measured: ${String(error)}\n`);
  process.exitCode = 1;
});
