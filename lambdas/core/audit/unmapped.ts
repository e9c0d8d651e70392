import { TIERS, isTier, type Tier } from '../vocabulary';

/**
 * The unmapped-intent audit (seed 000 scenario 5: a new intent nobody mapped quietly ran on the strong tier, 8% of
 * traffic, $1,200/day): from what traffic was labelled with and what the routing map names, the labels the map does
 * not name, with their volume and cost, costliest first. Pure: the traffic comes in as data (CloudWatch metric data
 * in AWS, the offline stack's recorded metrics locally; lambdas/app/audit-unmapped.ts).
 */

/** Answers of one label on one tier in the window, as the `Requests {Intent, Tier}` metric counts them. */
export interface LabelAnswers {
  /** The intent or classifier label the traffic carried (the `Intent` dimension); any string, not only the vocabulary. */
  readonly label: string;
  readonly tier: string;
  readonly requests: number;
}

/** What the audit reads: answers per label and tier, and the model cost per tier (USD), over one window. */
export interface TrafficWindow {
  readonly answers: readonly LabelAnswers[];
  /** `ModelCostMicroUsd {Tier}` summed over the window, in USD. The gateway publishes cost per tier, not per intent. */
  readonly tierCostUsd: Readonly<Partial<Record<Tier, number>>>;
}

export interface UnmappedLabel {
  readonly label: string;
  /** `not_in_map`: the map has no row for it; `catch_all`: it is the map's catch-all row (`unknown`, DESIGN section 4). */
  readonly reason: 'not_in_map' | 'catch_all';
  readonly requests: number;
  /** Of all answers in the window, 0-1. */
  readonly share: number;
  /**
   * Estimated: the label's answers on each tier x that tier's average model cost per answer in the window. Exact
   * per-label cost would need a per-intent cost metric; the estimate is right on average within a tier and says
   * where the money goes (an unmapped label on the strong tier costs about 12x one on the cheap tier).
   */
  readonly costUsd: number;
  readonly requestsByTier: Readonly<Partial<Record<Tier, number>>>;
}

export interface UnmappedAudit {
  readonly totalRequests: number;
  readonly totalCostUsd: number;
  /** Costliest first, then by volume, then by name. */
  readonly unmapped: readonly UnmappedLabel[];
  readonly unmappedRequests: number;
  readonly unmappedCostUsd: number;
}

export interface AuditOptions {
  /** The map's catch-all label: named by the map, yet every message it gets is one no intent describes. */
  readonly catchAll?: string;
}

/** Input the audit cannot count: a negative or non-finite figure, an unknown tier. Nothing is reported from it. */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

const checkCount = (value: number, what: string): void => {
  if (!Number.isFinite(value) || value < 0) throw new AuditInputError(`${what} must be a finite number >= 0, got ${String(value)}`);
};

/**
 * Lists the labels seen in `traffic` that `mappedLabels` (the routing map's intents) does not name, plus the
 * catch-all label when it had traffic. A label with no answers in the window is not listed.
 */
export const auditUnmapped = (traffic: TrafficWindow, mappedLabels: Iterable<string>, options: AuditOptions = {}): UnmappedAudit => {
  const catchAll = options.catchAll ?? 'unknown';
  const mapped = new Set(mappedLabels);
  const perTier = new Map<Tier, number>();
  const perLabel = new Map<string, Map<Tier, number>>();
  for (const answer of traffic.answers) {
    if (!isTier(answer.tier)) throw new AuditInputError(`unknown tier ${JSON.stringify(answer.tier)} for label ${JSON.stringify(answer.label)}`);
    checkCount(answer.requests, `requests of ${answer.label} on ${answer.tier}`);
    if (answer.label.length === 0) throw new AuditInputError('a label must not be empty');
    perTier.set(answer.tier, (perTier.get(answer.tier) ?? 0) + answer.requests);
    const tiers = perLabel.get(answer.label) ?? new Map<Tier, number>();
    tiers.set(answer.tier, (tiers.get(answer.tier) ?? 0) + answer.requests);
    perLabel.set(answer.label, tiers);
  }
  const costPerAnswer = new Map<Tier, number>();
  let totalCostUsd = 0;
  for (const tier of TIERS) {
    const cost = traffic.tierCostUsd[tier] ?? 0;
    checkCount(cost, `the cost of the ${tier} tier`);
    totalCostUsd += cost;
    const answers = perTier.get(tier) ?? 0;
    costPerAnswer.set(tier, answers > 0 ? cost / answers : 0);
  }
  const totalRequests = [...perTier.values()].reduce((sum, count) => sum + count, 0);

  const unmapped: UnmappedLabel[] = [];
  for (const [label, tiers] of perLabel) {
    const reason = !mapped.has(label) ? 'not_in_map' : label === catchAll ? 'catch_all' : undefined;
    const requests = [...tiers.values()].reduce((sum, count) => sum + count, 0);
    if (reason === undefined || requests === 0) continue;
    const requestsByTier = Object.fromEntries(TIERS.filter((tier) => tiers.has(tier)).map((tier) => [tier, tiers.get(tier) ?? 0]));
    const costUsd = TIERS.reduce((sum, tier) => sum + (tiers.get(tier) ?? 0) * (costPerAnswer.get(tier) ?? 0), 0);
    unmapped.push({ label, reason, requests, share: totalRequests > 0 ? requests / totalRequests : 0, costUsd: round(costUsd), requestsByTier });
  }
  unmapped.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.label.localeCompare(b.label));
  return {
    totalRequests,
    totalCostUsd: round(totalCostUsd),
    unmapped,
    unmappedRequests: unmapped.reduce((sum, label) => sum + label.requests, 0),
    unmappedCostUsd: round(unmapped.reduce((sum, label) => sum + label.costUsd, 0)),
  };
};

/** One metric datapoint as the offline stack records it (local/console-log.ts RecordingMetrics) or EMF carries it. */
export interface MetricDatapoint {
  readonly name: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The metric names the audit reads (lambdas/core/metric-contract.ts OPERATIONS_METRICS.requests / modelCost). */
export const AUDIT_METRICS = { requests: 'Requests', modelCostMicroUsd: 'ModelCostMicroUsd' } as const;

/**
 * The traffic window of a list of datapoints: `Requests {Intent, Tier}` summed per label and tier, and
 * `ModelCostMicroUsd {Tier}` summed per tier (micro-USD to USD). Other metrics are ignored.
 */
export const trafficFromDatapoints = (datapoints: Iterable<MetricDatapoint>): TrafficWindow => {
  const answers = new Map<string, LabelAnswers>();
  const tierCostUsd: Partial<Record<Tier, number>> = {};
  for (const point of datapoints) {
    const tier = point.dimensions['Tier'];
    if (point.name === AUDIT_METRICS.requests) {
      const label = point.dimensions['Intent'];
      if (label === undefined || tier === undefined) continue;
      const key = JSON.stringify([label, tier]);
      answers.set(key, { label, tier, requests: (answers.get(key)?.requests ?? 0) + point.value });
    } else if (point.name === AUDIT_METRICS.modelCostMicroUsd && tier !== undefined) {
      if (!isTier(tier)) throw new AuditInputError(`unknown tier ${JSON.stringify(tier)} in ${point.name}`);
      tierCostUsd[tier] = (tierCostUsd[tier] ?? 0) + point.value / 1e6;
    }
  }
  return { answers: [...answers.values()], tierCostUsd };
};
