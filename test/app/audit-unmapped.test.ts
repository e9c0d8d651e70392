import type { GetMetricDataCommandInput, ListMetricsCommandInput } from '@aws-sdk/client-cloudwatch';
import { CloudWatchTrafficSource, type CloudWatchReader } from '../../lambdas/adapters/cloudwatch-traffic';
import { runUnmappedAudit } from '../../lambdas/app/audit-unmapped';
import type { TrafficWindow } from '../../lambdas/core/audit/unmapped';
import { makeUnmappedAuditHandler, parseAuditEvent } from '../../lambdas/handlers/audit-unmapped';
import { InvalidEventError } from '../../lambdas/handlers/websocket-event';
import type { Log } from '../../lambdas/ports';
import type { TimeWindow } from '../../lambdas/ports/audit';
import { RecordingMetrics } from '../../local/console-log';

const NOW = Date.parse('2026-12-07T00:00:00Z');

const recordingLog = () => {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const write = (level: string) => (message: string, extra?: Record<string, unknown>) => lines.push({ level, message, ...(extra && { extra }) });
  const log: Log = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  return { log, lines };
};

const traffic: TrafficWindow = {
  answers: [
    { label: 'recommendation', tier: 'sonnet', requests: 900 },
    { label: 'manga_review_v2', tier: 'sonnet', requests: 100 },
  ],
  tierCostUsd: { sonnet: 50 },
};

describe('runUnmappedAudit', () => {
  it('reads the last 7 days, logs one warn line per unmapped label and publishes the counts', async () => {
    // Prepare
    const windows: TimeWindow[] = [];
    const { log, lines } = recordingLog();
    const metrics = new RecordingMetrics();

    // Act
    const report = await runUnmappedAudit({ traffic: { read: async (window) => (windows.push(window), traffic) }, clock: { now: () => NOW }, log, metrics });

    // Assess
    expect(windows).toEqual([{ from: NOW - 7 * 86_400_000, to: NOW }]);
    expect(report).toMatchObject({ from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z', unmappedRequests: 100, unmappedCostUsd: 5 });
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      { level: 'warn', message: 'unmapped intent in traffic', extra: expect.objectContaining({ label: 'manga_review_v2', requests: 100, costUsd: 5 }) as unknown },
    ]);
    expect(metrics.sum('AuditUnmappedLabels')).toBe(1);
    expect(metrics.sum('AuditUnmappedCostMicroUsd')).toBe(5_000_000);
  });
});

describe('the audit handler', () => {
  it('takes the scheduled payload, with an optional window of up to 14 days', () => {
    // Assess
    expect(parseAuditEvent({ kind: 'scheduled' })).toBe(7);
    expect(parseAuditEvent({ kind: 'scheduled', days: 14 })).toBe(14);
  });

  it.each([[{}], [{ kind: 'scheduled', days: 15 }], [{ kind: 'scheduled', days: 0 }], ['weekly']])('refuses %j with a clear InvalidEventError', (event) => {
    // Assess
    expect(() => parseAuditEvent(event)).toThrow(InvalidEventError);
    expect(() => parseAuditEvent(event)).toThrow(/not an audit payload/);
  });

  it('returns the report of the run', async () => {
    // Prepare
    const { log } = recordingLog();
    const handler = makeUnmappedAuditHandler({ traffic: { read: async () => traffic }, clock: { now: () => NOW }, log, metrics: new RecordingMetrics() });

    // Act
    const report = await handler({ kind: 'scheduled', days: 1 });

    // Assess
    expect(report.from).toBe('2026-12-06T00:00:00.000Z');
    expect(report.unmapped.map((label) => label.label)).toEqual(['manga_review_v2']);
  });
});

describe('CloudWatchTrafficSource', () => {
  /** A CloudWatch that lists the given Requests series over two pages and answers each query with its values in two pages. */
  const fakeCloudWatch = (requests: Record<string, number[]>, costs: Record<string, number[]>) => {
    const listCalls: ListMetricsCommandInput[] = [];
    const dataCalls: GetMetricDataCommandInput[] = [];
    const series = Object.keys(requests).map((key) => {
      const [intent, tier] = key.split('/') as [string, string];
      return { Dimensions: [{ Name: 'service', Value: 'svc' }, { Name: 'Intent', Value: intent }, { Name: 'Tier', Value: tier }] };
    });
    const reader: CloudWatchReader = {
      listMetrics: async (input) => {
        listCalls.push(input);
        const half = Math.ceil(series.length / 2);
        return input.NextToken === undefined
          ? { Metrics: [...series.slice(0, half), { Dimensions: [{ Name: 'service', Value: 'svc' }, { Name: 'Tier', Value: 'haiku' }] }], NextToken: 'page2', $metadata: {} }
          : { Metrics: series.slice(half), $metadata: {} };
      },
      getMetricData: async (input) => {
        dataCalls.push(input);
        const values = (query: NonNullable<GetMetricDataCommandInput['MetricDataQueries']>[number]): number[] => {
          const dims = Object.fromEntries((query.MetricStat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
          return query.MetricStat?.Metric?.MetricName === 'Requests' ? (requests[`${dims['Intent']}/${dims['Tier']}`] ?? []) : (costs[dims['Tier'] ?? ''] ?? []);
        };
        const first = input.NextToken === undefined;
        return {
          MetricDataResults: (input.MetricDataQueries ?? []).map((query) => ({ Id: query.Id, Values: values(query).filter((_, index) => (index % 2 === 0) === first) })),
          ...(first && { NextToken: 'more' }),
          $metadata: {},
        };
      },
    };
    return { reader, listCalls, dataCalls };
  };

  it('finds every Requests {Intent, Tier} series by ListMetrics and sums each over the window with the tier costs', async () => {
    // Prepare
    const { reader, listCalls, dataCalls } = fakeCloudWatch({ 'unknown/haiku': [3, 4, 5], 'fan_fiction/sonnet': [10], 'greeting/template': [7, 1] }, { sonnet: [2_000_000, 1_000_000], haiku: [120_000] });
    const source = new CloudWatchTrafficSource(reader, 'MangaAssist', 'svc');

    // Act
    const window = await source.read({ from: NOW - 7 * 86_400_000, to: NOW });

    // Assess
    expect(listCalls).toHaveLength(2);
    expect(listCalls[0]).toEqual({ Namespace: 'MangaAssist', MetricName: 'Requests', Dimensions: [{ Name: 'service', Value: 'svc' }] });
    expect(dataCalls[0]).toMatchObject({ StartTime: new Date(NOW - 7 * 86_400_000), EndTime: new Date(NOW) });
    expect(dataCalls[0]!.MetricDataQueries![0]).toMatchObject({ MetricStat: { Period: 604_800, Stat: 'Sum', Metric: { Namespace: 'MangaAssist' } } });
    expect(window.answers).toEqual(
      expect.arrayContaining([
        { label: 'unknown', tier: 'haiku', requests: 12 },
        { label: 'fan_fiction', tier: 'sonnet', requests: 10 },
        { label: 'greeting', tier: 'template', requests: 8 },
      ]),
    );
    expect(window.answers).toHaveLength(3);
    expect(window.tierCostUsd).toEqual({ template: 0, haiku: 0.12, sonnet: 3 });
  });

  it('splits more than 500 series into several GetMetricData calls', async () => {
    // Prepare
    const many = Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`label_${index}/haiku`, [1]]));
    const { reader, dataCalls } = fakeCloudWatch(many, {});

    // Act
    const window = await new CloudWatchTrafficSource(reader, 'MangaAssist', 'svc').read({ from: NOW - 86_400_000, to: NOW });

    // Assess
    expect(new Set(dataCalls.map((call) => call.MetricDataQueries!.length))).toEqual(new Set([500, 103]));
    expect(window.answers.reduce((sum, answer) => sum + answer.requests, 0)).toBe(600);
  });
});
