/**
 * A simulated week of provisioned throughput: the planner's schedule against seed 003 scenario 2's 24/7 setup
 * (15 sonnet + 5 haiku units around the clock). Traffic per minute is the schedule's expected TPS times the calendar's
 * multiplier, with seeded noise; the week holds the Monday release and a 5x final-chapter night. Prints, per setup:
 * the waste ratio (1 - used / provisioned) for the week and for 02:00-06:00 JST, the provisioned cost, what
 * overflowed to on-demand and what it cost. Pure arithmetic: no services, no wall clock. Asserts nothing.
 */
import { MODEL_CATALOGS } from '../lambdas/core/catalog';
import { DEFAULT_CALENDAR, type CalendarEvent } from '../lambdas/core/capacity/calendar';
import { DEFAULT_CAPACITY_CONFIG, type CapacityConfig } from '../lambdas/core/capacity/config';
import { jstMinuteOfDay, parseInstant, MINUTE_MS } from '../lambdas/core/capacity/jst';
import { activeOccurrences } from '../lambdas/core/capacity/calendar';
import { desiredUnitsAt, MODEL_TIERS, onDemandUsdPerToken, windowAt, type PlanInputs } from '../lambdas/core/capacity/planner';
import type { ModelTier } from '../lambdas/core/vocabulary';
import { mulberry32 } from '../local/bedrock/prng';

export interface SetupFigures {
  readonly name: string;
  readonly wasteRatio: number;
  readonly overnightWasteRatio: number;
  readonly provisionedUsd: number;
  readonly overflowTokens: number;
  readonly overflowUsd: number;
  readonly totalUsd: number;
}

const FINAL_CHAPTER: CalendarEvent = {
  id: 'final-chapter',
  name: 'Final chapter night',
  kind: 'once',
  start: parseInstant('2026-12-11T21:00:00+09:00') ?? 0,
  end: parseInstant('2026-12-12T01:00:00+09:00') ?? 0,
  multiplier: 5,
  leadMs: 4 * 60 * MINUTE_MS,
};

/** The week of 2026-12-07 (Monday release at its start, final chapter on Friday night). */
export const WEEK_START = parseInstant('2026-12-06T12:00:00+09:00') ?? 0;
export const WEEK_EVENTS: readonly CalendarEvent[] = [...DEFAULT_CALENDAR, FINAL_CHAPTER];

export const simulateWeek = (config: CapacityConfig = DEFAULT_CAPACITY_CONFIG, seed = 7): SetupFigures[] => {
  const catalog = MODEL_CATALOGS.current;
  const inputs: PlanInputs = { config, catalog, events: WEEK_EVENTS };
  const always: Readonly<Record<ModelTier, number>> = { haiku: 5, sonnet: 15 };
  const setups = [
    { name: 'scheduled (planner + calendar)', units: (tier: ModelTier, at: number) => desiredUnitsAt(inputs, tier, at).units },
    { name: '24/7 at the evening level (seed 003 before)', units: (tier: ModelTier) => always[tier] },
  ];
  return setups.map((setup) => {
    const noise = mulberry32(seed);
    let used = 0;
    let provisioned = 0;
    let overnightUsed = 0;
    let overnightProvisioned = 0;
    let provisionedUsd = 0;
    let overflowTokens = 0;
    let overflowUsd = 0;
    for (let at = WEEK_START; at < WEEK_START + 7 * 24 * 60 * MINUTE_MS; at += MINUTE_MS) {
      const live = activeOccurrences(WEEK_EVENTS, at).filter((o) => at >= o.start);
      const multiplier = Math.max(1, ...live.map((o) => o.event.multiplier));
      const overnight = jstMinuteOfDay(at) >= 120 && jstMinuteOfDay(at) < 360;
      for (const tier of MODEL_TIERS) {
        const capacity = config.tiers[tier];
        const actualTps = windowAt(config.windows, at).expectedTps[tier] * multiplier * noise.between(0.85, 1.15);
        const units = setup.units(tier, at);
        const provisionedTps = units * capacity.unitTokensPerSecond;
        const usedTps = Math.min(actualTps, provisionedTps);
        used += usedTps * 60;
        provisioned += provisionedTps * 60;
        if (overnight) {
          overnightUsed += usedTps * 60;
          overnightProvisioned += provisionedTps * 60;
        }
        provisionedUsd += (units * capacity.unitHourlyUsd) / 60;
        const overflow = (actualTps - usedTps) * 60;
        overflowTokens += overflow;
        overflowUsd += overflow * onDemandUsdPerToken(catalog, tier, capacity);
      }
    }
    const ratio = (u: number, p: number) => (p > 0 ? 1 - u / p : 0);
    return {
      name: setup.name,
      wasteRatio: ratio(used, provisioned),
      overnightWasteRatio: ratio(overnightUsed, overnightProvisioned),
      provisionedUsd,
      overflowTokens,
      overflowUsd,
      totalUsd: provisionedUsd + overflowUsd,
    };
  });
};

export const printWeek = (figures: readonly SetupFigures[]): void => {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;
  process.stdout.write('\nSimulated week of 2026-12-07 (Monday release 4x, final chapter night 5x), default capacity config\n');
  process.stdout.write('setup                                          waste   02-06 waste  provisioned  on-demand overflow  total\n');
  for (const f of figures) {
    process.stdout.write(
      `${f.name.padEnd(46)} ${pct(f.wasteRatio).padStart(6)}  ${pct(f.overnightWasteRatio).padStart(10)}  ${usd(f.provisionedUsd).padStart(11)}  ${`${(f.overflowTokens / 1e6).toFixed(0)}M tok ${usd(f.overflowUsd)}`.padStart(18)}  ${usd(f.totalUsd)}\n`,
    );
  }
};

if (require.main === module) printWeek(simulateWeek());
