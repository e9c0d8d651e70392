import {
  GetMetricDataCommand,
  ListMetricsCommand,
  type CloudWatchClient,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type ListMetricsCommandInput,
  type ListMetricsCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { AUDIT_METRICS, trafficFromDatapoints, type MetricDatapoint, type TrafficWindow } from '../core/audit/unmapped';
import { TIERS } from '../core/vocabulary';
import type { TimeWindow, TrafficSource } from '../ports/audit';

/** The two CloudWatch calls the audit makes; `cloudWatchReader` wraps the SDK client, tests pass a fake. */
export interface CloudWatchReader {
  listMetrics(input: ListMetricsCommandInput): Promise<ListMetricsCommandOutput>;
  getMetricData(input: GetMetricDataCommandInput): Promise<GetMetricDataCommandOutput>;
}

export const cloudWatchReader = (client: CloudWatchClient): CloudWatchReader => ({
  listMetrics: (input) => client.send(new ListMetricsCommand(input)),
  getMetricData: (input) => client.send(new GetMetricDataCommand(input)),
});

/** GetMetricData takes at most 500 queries per call. */
const QUERIES_PER_CALL = 500;

type Series = { readonly name: string; readonly dimensions: Readonly<Record<string, string>> };

/**
 * The audit's traffic from CloudWatch metric data (namespace MangaAssist): which `Requests {Intent, Tier}` series
 * exist comes from ListMetrics (so a label outside the vocabulary is found too: it is whatever was published), the
 * tiers' `ModelCostMicroUsd {Tier}` series are named directly; each is summed over the window by GetMetricData, one
 * period as long as the window. ListMetrics only lists series with data in the last two weeks: the window is at most
 * 14 days (the CLI and the handler check it).
 */
export class CloudWatchTrafficSource implements TrafficSource {
  constructor(
    private readonly cloudWatch: CloudWatchReader,
    private readonly namespace: string,
    /** Powertools' `service` dimension on every series (lib/handler-specs.ts POWERTOOLS_SERVICE_NAME). */
    private readonly service: string,
  ) {}

  async read(window: TimeWindow): Promise<TrafficWindow> {
    const series: Series[] = [...(await this.requestSeries()), ...TIERS.map((tier) => ({ name: AUDIT_METRICS.modelCostMicroUsd, dimensions: { Tier: tier } }))];
    const period = Math.max(60, Math.ceil((window.to - window.from) / 60_000) * 60);
    const sums = new Map<string, number>();
    for (let start = 0; start < series.length; start += QUERIES_PER_CALL) {
      const batch = series.slice(start, start + QUERIES_PER_CALL);
      const queries: MetricDataQuery[] = batch.map((one, index) => ({
        Id: `q${start + index}`,
        MetricStat: {
          Metric: {
            Namespace: this.namespace,
            MetricName: one.name,
            Dimensions: Object.entries({ service: this.service, ...one.dimensions }).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: period,
          Stat: 'Sum',
        },
      }));
      let nextToken: string | undefined;
      do {
        const page = await this.cloudWatch.getMetricData({
          MetricDataQueries: queries,
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          ...(nextToken !== undefined && { NextToken: nextToken }),
        });
        for (const result of page.MetricDataResults ?? []) {
          if (result.Id === undefined) continue;
          const total = (result.Values ?? []).reduce((sum, value) => sum + value, 0);
          sums.set(result.Id, (sums.get(result.Id) ?? 0) + total);
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
    }
    const datapoints: MetricDatapoint[] = series.map((one, index) => ({ name: one.name, value: sums.get(`q${index}`) ?? 0, dimensions: one.dimensions }));
    return trafficFromDatapoints(datapoints);
  }

  /** Every `Requests` series of this service with both an `Intent` and a `Tier` dimension. */
  private async requestSeries(): Promise<Series[]> {
    const found: Series[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.cloudWatch.listMetrics({
        Namespace: this.namespace,
        MetricName: AUDIT_METRICS.requests,
        Dimensions: [{ Name: 'service', Value: this.service }],
        ...(nextToken !== undefined && { NextToken: nextToken }),
      });
      for (const metric of page.Metrics ?? []) {
        const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((dimension) => [dimension.Name ?? '', dimension.Value ?? '']));
        const { Intent: intent, Tier: tier } = dimensions;
        // Exactly {service, Intent, Tier}: the series the gateway writes (another dimension set would be another metric).
        if (intent !== undefined && tier !== undefined && Object.keys(dimensions).length === 3) {
          found.push({ name: AUDIT_METRICS.requests, dimensions: { Intent: intent, Tier: tier } });
        }
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return found;
  }
}
