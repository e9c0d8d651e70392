import { auditUnmapped, type UnmappedAudit } from '../core/audit/unmapped';
import { DEFAULT_ROUTING_MAP } from '../core/vocabulary';
import type { Clock, Log, MetricsSink } from '../ports';
import type { TrafficSource } from '../ports/audit';

const DAY_MS = 86_400_000;

/** Seed 000 scenario 5's prevention: a weekly audit. */
export const AUDIT_WINDOW_DAYS = 7;

export interface UnmappedAuditDeps {
  readonly traffic: TrafficSource;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: MetricsSink;
}

export interface UnmappedAuditReport extends UnmappedAudit {
  /** ISO 8601, UTC. */
  readonly from: string;
  readonly to: string;
}

/**
 * The routing map's names. The map in force is the embedded defaults with the routing table's rows over them
 * (lambdas/core/routing.ts mergeRoutingOverrides): a row changes an intent's tier, never the set of names, and a
 * row naming anything else is rejected. So the names are exactly the defaults' keys, the vocabulary.
 */
export const MAPPED_LABELS: readonly string[] = Object.keys(DEFAULT_ROUTING_MAP);

/**
 * One audit run: the last `days` of traffic (answers per label and tier, cost per tier), the labels the routing map
 * does not name (and the catch-all `unknown`), costliest first. Each finding is one warn line (what the runbook's
 * Logs Insights query reads); the counts go out as `AuditUnmappedLabels` and `AuditUnmappedCostMicroUsd` for the
 * dashboard.
 */
export const runUnmappedAudit = async (deps: UnmappedAuditDeps, days: number = AUDIT_WINDOW_DAYS): Promise<UnmappedAuditReport> => {
  const to = deps.clock.now();
  const from = to - days * DAY_MS;
  const traffic = await deps.traffic.read({ from, to });
  const audit = auditUnmapped(traffic, MAPPED_LABELS);
  const report: UnmappedAuditReport = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...audit };
  for (const label of audit.unmapped) deps.log.warn('unmapped intent in traffic', { ...label, from: report.from, to: report.to });
  deps.metrics.record('AuditUnmappedLabels', audit.unmapped.length, 'Count');
  deps.metrics.record('AuditUnmappedCostMicroUsd', Math.round(audit.unmappedCostUsd * 1e6), 'Count');
  deps.log.info('unmapped-intent audit', {
    from: report.from,
    to: report.to,
    totalRequests: audit.totalRequests,
    unmappedLabels: audit.unmapped.map((label) => label.label),
    unmappedRequests: audit.unmappedRequests,
    unmappedCostUsd: audit.unmappedCostUsd,
  });
  return report;
};
