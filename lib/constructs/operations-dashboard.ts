import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ModelCatalog } from '../../lambdas/core/catalog';
import { EXPERIMENT_METRICS, FEEDBACK_METRICS, OPERATIONS_METRICS, ROUTING_VERSION_METRIC } from '../../lambdas/core/metric-contract';
import { INTENTS, TIERS } from '../../lambdas/core/vocabulary';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '../handler-specs';
import { MODEL_TIERS } from '../parameters';
import {
  BUDGET_METRICS,
  csat24h,
  evaluatorFailures,
  fallbackShare,
  intentSatisfaction,
  REQUEST_LATENCY_P99_MS,
  strongTierShare,
  utilisation,
  wasteRatio,
} from '../runbook-alarm-rows';
import { mangaAssistMetric } from './runbook-alarms';

const FIVE_MINUTES = Duration.minutes(5);
/** The experiment evaluator's period: one run per point. */
const QUARTER_HOUR = Duration.minutes(15);
const HOUR = Duration.hours(1);
const WIDTH = 24;
const THIRD = 8;
const HALF = 12;

const metric = (name: string, statistic: string, period: Duration, dimensions?: Readonly<Record<string, string>>, label?: string): Metric =>
  mangaAssistMetric(name, { statistic, period, ...(dimensions && { dimensions }), ...(label !== undefined && { label }) });

/**
 * Every series of a metric per the given dimensions, by SEARCH: allowed in dashboards (not in alarms), so a graph
 * shows each intent or error code that occurred without naming them all. `total` adds them up into one line.
 */
const search = (name: string, dimensions: readonly string[], statistic: string, period: Duration, total?: string): MathExpression => {
  const schema = [METRICS_NAMESPACE, ...dimensions, 'service'].join(',');
  const query = `SEARCH('{${schema}} MetricName="${name}" service="${POWERTOOLS_SERVICE_NAME}"', '${statistic}', ${period.toSeconds()})`;
  return new MathExpression({ expression: total === undefined ? query : `SUM(${query})`, label: total ?? '', period });
};

const graph = (title: string, left: readonly IMetric[], options: { width?: number; right?: readonly IMetric[]; stacked?: boolean; leftMax?: number } = {}): GraphWidget =>
  new GraphWidget({
    title,
    left: [...left],
    ...(options.right && { right: [...options.right] }),
    width: options.width ?? THIRD,
    height: 6,
    stacked: options.stacked ?? false,
    ...(options.leftMax !== undefined && { leftYAxis: { min: 0, max: options.leftMax } }),
  });

const heading = (markdown: string): TextWidget => new TextWidget({ markdown, width: WIDTH, height: 1 });

export interface OperationsDashboardProps {
  /** `<namePrefix>-operations`. */
  readonly dashboardName: string;
  /** The on-demand model ids, for Bedrock's own throttle metrics. */
  readonly catalog: ModelCatalog;
  /** The stack's runbook alarms, shown as one status grid at the top. */
  readonly alarms: readonly IAlarm[];
  /** The experiment evaluator: its failures (the alarm's expression) on the experiments row. */
  readonly experimentEvaluator: IFunction;
}

/**
 * The one dashboard an operator reads (issue 10): alarm states, then one row per concern of DESIGN section 6 in the
 * order an incident is triaged: traffic and tier share, cost and budget mode, latency percentiles, cascade,
 * fallback and cache, capacity, waste and throttles, satisfaction per intent, experiments and routing versions. The
 * derived series are the alarms' own expressions (lib/runbook-alarm-rows.ts), so the graph shows what the alarm compares.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** Widget titles by row, in order (what the infra test checks). */
  readonly rows: Readonly<Record<string, readonly string[]>>;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const answered = TIERS.map((tier) => metric(BUDGET_METRICS.requestLatency, 'SampleCount', FIVE_MINUTES, { Tier: tier }, `answers ${tier}`));
    const sections: [string, IWidget[]][] = [
      ['Alarms', [new AlarmStatusWidget({ title: 'Runbook alarms (docs/runbooks/README.md)', alarms: [...props.alarms], width: WIDTH, height: 6 })]],
      [
        'Traffic and tier share',
        [
          graph('Answers per tier (per 5 min)', answered, { stacked: true }),
          graph('Strong-tier share (alarm > 0.2)', [strongTierShare()], { leftMax: 1 }),
          graph('Routing decisions per intent', [search(OPERATIONS_METRICS.routingDecisions, ['Intent', 'Tier'], 'Sum', FIVE_MINUTES)]),
        ],
      ],
      [
        'Cost and budget mode',
        [
          graph(
            'Model cost per tier (USD per hour)',
            MODEL_TIERS.map(
              (tier) =>
                new MathExpression({
                  expression: `cost_${tier} / 1000000`,
                  usingMetrics: { [`cost_${tier}`]: metric(OPERATIONS_METRICS.modelCost, 'Sum', HOUR, { Tier: tier }) },
                  label: `${tier} USD`,
                  period: HOUR,
                }),
            ),
            { stacked: true },
          ),
          graph(
            'Spend and projection (USD)',
            [metric(OPERATIONS_METRICS.spendUsd, 'Maximum', FIVE_MINUTES, undefined, 'spent'), metric(BUDGET_METRICS.projectedSpend, 'Maximum', FIVE_MINUTES, undefined, 'projected')],
          ),
          graph('Budget utilisation and mode (0 normal .. 3 exhausted)', [metric(BUDGET_METRICS.utilisation, 'Maximum', FIVE_MINUTES, undefined, 'utilisation')], {
            right: [
              metric(BUDGET_METRICS.mode, 'Maximum', FIVE_MINUTES, undefined, 'mode'),
              search(OPERATIONS_METRICS.budgetDemotions, ['Intent'], 'Sum', FIVE_MINUTES, 'budget demotions'),
            ],
          }),
        ],
      ],
      [
        'Latency percentiles',
        [
          graph(
            `End-to-end latency per tier, ms (alarm p99 > ${REQUEST_LATENCY_P99_MS})`,
            TIERS.flatMap((tier) => ['p50', 'p90', 'p99'].map((stat) => metric(BUDGET_METRICS.requestLatency, stat, FIVE_MINUTES, { Tier: tier }, `${tier} ${stat}`))),
            { width: HALF },
          ),
          graph('Queue wait p99 (alarm > 300 ms) and routing decision p99, ms', [metric('QueueWaitMs', 'p99', FIVE_MINUTES, undefined, 'queue wait p99')], {
            width: HALF,
            right: [search('DecisionLatencyMs', ['Source'], 'p99', FIVE_MINUTES)],
          }),
        ],
      ],
      [
        'Cascade, fallback and cache',
        [
          graph('Cascade: accepted, kept, escalated', [
            search(OPERATIONS_METRICS.cascadeAccepted, ['Intent'], 'Sum', FIVE_MINUTES, 'accepted'),
            search(OPERATIONS_METRICS.cascadeKept, ['Intent'], 'Sum', FIVE_MINUTES, 'kept'),
            search(OPERATIONS_METRICS.cascadeEscalations, ['Intent'], 'Sum', FIVE_MINUTES, 'escalated'),
          ]),
          graph('Fallback reply share (alarm > 0.001) and error replies by code', [fallbackShare()], {
            right: [search(OPERATIONS_METRICS.errorReplies, ['Code'], 'Sum', FIVE_MINUTES)],
          }),
          graph('Cache hits and model fallbacks', [search(OPERATIONS_METRICS.cacheHits, ['Intent'], 'Sum', FIVE_MINUTES, 'cache hits')], {
            right: MODEL_TIERS.flatMap((tier) => [
              metric(OPERATIONS_METRICS.modelFallbacks, 'Sum', FIVE_MINUTES, { Tier: tier }, `fallback from ${tier}`),
              metric(OPERATIONS_METRICS.fallbackReplies, 'Sum', FIVE_MINUTES, { Tier: tier }, `failed replies ${tier}`),
            ]),
          }),
        ],
      ],
      [
        'Capacity',
        [
          graph('Provisioned utilisation (scale up > 0.8)', MODEL_TIERS.map((tier) => utilisation(tier, `_${tier}`))),
          graph('Provisioned tokens per second', MODEL_TIERS.map((tier) => metric('ProvisionedCapacityTps', 'Maximum', FIVE_MINUTES, { Tier: tier }, `${tier} capacity`))),
          graph(
            'Capacity mismatch (units) and mitigation',
            MODEL_TIERS.map((tier) => metric('CapacityMismatch', 'Maximum', Duration.minutes(15), { Tier: tier }, `${tier} mismatch`)),
            { right: [metric('MitigationMode', 'Maximum', FIVE_MINUTES, undefined, 'mitigation on')] },
          ),
        ],
      ],
      [
        'Waste and throttles',
        [
          graph('Waste ratio (alarm > 0.5 for 2 h)', MODEL_TIERS.map((tier) => wasteRatio(tier, `_${tier}`)), { width: HALF, leftMax: 1 }),
          graph(
            'Throttles: Bedrock on-demand and provisioned',
            MODEL_TIERS.map(
              (tier) =>
                new Metric({
                  namespace: 'AWS/Bedrock',
                  metricName: 'InvocationThrottles',
                  dimensionsMap: { ModelId: props.catalog[tier].modelId },
                  statistic: 'Sum',
                  period: Duration.minutes(1),
                  label: `${tier} on-demand`,
                }),
            ),
            { width: HALF, right: [search('ModelThrottles', ['Tier', 'Target'], 'Sum', Duration.minutes(1))] },
          ),
        ],
      ],
      [
        'Satisfaction per intent',
        [
          // Three graphs of seven intents: each intent's share is two series, and a graph stays readable.
          ...[0, 1, 2].map((part) =>
            graph(
              `Thumbs-up share per intent (alarm < 0.8), ${part + 1}/3`,
              INTENTS.slice(part * 7, part * 7 + 7).map((intent) => intentSatisfaction(intent, `_${intent}`)),
              { leftMax: 1 },
            ),
          ),
          graph('CSAT 24 h (alarm < 3.8)', [csat24h()], { width: HALF }),
          graph(
            'Unmapped intents (router count, weekly audit)',
            [metric(OPERATIONS_METRICS.unmappedIntents, 'Sum', HOUR, undefined, 'unknown decisions per hour')],
            { width: HALF, right: [metric('AuditUnmappedLabels', 'Maximum', Duration.days(1), undefined, 'audit: unmapped labels')] },
          ),
          graph('Ratings per intent and tier', [search(FEEDBACK_METRICS.feedback, ['Intent', 'Rating', 'Tier'], 'Sum', Duration.minutes(15))], { width: WIDTH }),
        ],
      ],
      [
        // After satisfaction: a drop there is first checked against the routing changes and experiments here.
        'Experiments and routing versions',
        [
          graph('Experiments running (each evaluator run)', [metric(EXPERIMENT_METRICS.running, 'Maximum', QUARTER_HOUR, undefined, 'running or promoting')]),
          graph('Gate decisions per 15 min, by decision', [search(EXPERIMENT_METRICS.decisions, ['Decision'], 'Sum', QUARTER_HOUR)], { stacked: true }),
          graph(
            'Rollbacks (alarm > 0), blocked rollbacks and evaluator failures',
            [
              metric(EXPERIMENT_METRICS.rollbacks, 'Sum', QUARTER_HOUR, undefined, 'automatic rollbacks'),
              metric(EXPERIMENT_METRICS.rollbacksBlocked, 'Sum', QUARTER_HOUR, undefined, 'blocked (locked intent)'),
            ],
            { right: [evaluatorFailures(props.experimentEvaluator)] },
          ),
          // Experiment ids exist only at runtime: SEARCH draws every {Experiment, Arm} series that occurred.
          graph('Arm traffic: answers per experiment and arm', [search(EXPERIMENT_METRICS.requests, ['Experiment', 'Arm'], 'Sum', FIVE_MINUTES)]),
          graph('Arm ratings per experiment, arm and rating', [search(EXPERIMENT_METRICS.feedback, ['Experiment', 'Arm', 'Rating'], 'Sum', QUARTER_HOUR)]),
          graph(
            'Routing version in force (Minimum: the most lagging container; Maximum: the newest)',
            [
              metric(ROUTING_VERSION_METRIC, 'Minimum', Duration.minutes(1), undefined, 'version in force, minimum over the fleet'),
              metric(ROUTING_VERSION_METRIC, 'Maximum', Duration.minutes(1), undefined, 'version in force, maximum over the fleet'),
            ],
          ),
        ],
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(6) });
    const rows: Record<string, string[]> = {};
    for (const [title, widgets] of sections) {
      this.dashboard.addWidgets(heading(`## ${title}`));
      this.dashboard.addWidgets(...widgets);
      rows[title] = widgets.map((widget) => (widget instanceof GraphWidget || widget instanceof AlarmStatusWidget ? widgetTitle(widget) : ''));
    }
    this.rows = rows;
  }
}

/** The title a widget renders with (CDK keeps props private; the rendered JSON has it). */
const widgetTitle = (widget: IWidget): string => {
  const [rendered] = widget.toJson() as { properties?: { title?: string } }[];
  return rendered?.properties?.title ?? '';
};
