import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { EXPERIMENT_METRICS, FALLBACK_REPLY_CODES, FEEDBACK_METRICS, feedbackMetricRecords, OPERATIONS_METRICS, ROUTING_VERSION_METRIC } from '../../lambdas/core/metric-contract';
import { INTENTS, TIERS } from '../../lambdas/core/vocabulary';
import { designAlarms, EXTRA_ALARMS } from '../../lib/design-alarms';
import { resolveStrongTierDailyProjectionUsd } from '../../lib/parameters';
import { actionsOf, assertHasResourceProperties, assertResourceCount, logicalIdOf, makeParams, statementsOfRole, synthesizeApp, type SynthesizedApp } from './fixture';

interface Resource {
  readonly Properties: Record<string, unknown>;
}
interface MetricQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions: readonly { Name: string; Value: string }[] };
    readonly Period: number;
    readonly Stat: string;
  };
}

const alarmsOf = (template: Template): Resource[] => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];

const alarmNamed = (template: Template, name: string): Record<string, unknown> => {
  const found = alarmsOf(template).find((alarm) => alarm.Properties.AlarmName === name);
  if (!found) throw new Error(`no alarm named ${name}`);
  return found.Properties;
};

/** The metric stats an alarm reads, as `<MetricName> {Dim=Value,...} <Stat>/<Period>` (service dimension left out). */
const statsOf = (alarm: Record<string, unknown>): string[] =>
  ((alarm.Metrics as MetricQuery[] | undefined) ?? [])
    .filter((query) => query.MetricStat)
    .map(({ MetricStat: stat }) => {
      const dimensions = stat!.Metric.Dimensions.filter((dimension) => dimension.Name !== 'service')
        .map((dimension) => `${dimension.Name}=${dimension.Value}`)
        .join(',');
      return `${stat!.Metric.MetricName} {${dimensions}} ${stat!.Stat}/${stat!.Period}`;
    })
    .sort();

const returnedExpression = (alarm: Record<string, unknown>): string | undefined =>
  (alarm.Metrics as MetricQuery[]).find((query) => query.ReturnData !== false && query.Expression !== undefined)?.Expression;

describe('operations alarms (DESIGN section 6, issue 10)', () => {
  let synth: SynthesizedApp;
  let gateway: Template;
  let capacity: Template;
  let topicRef: unknown;

  beforeAll(() => {
    synth = synthesizeApp(makeParams({ alarmEmail: 'oncall@example.com' }));
    gateway = synth.gatewayTemplate;
    capacity = synth.capacityTemplate;
    // A cross-stack reference from the data stack (cdk.json's feature flags render it as Fn::GetStackOutput).
    topicRef = {
      'Fn::GetStackOutput': expect.objectContaining({ StackName: 'MangaAssistData', OutputName: expect.stringContaining(logicalIdOf(synth.data.alarmTopic.topic)) }) as unknown,
    };
  });

  describe('the alarm topic', () => {
    it('is one topic, encrypted with a rotating key of its own, TLS-only, with the e-mail subscription', () => {
      // Assess
      assertResourceCount(synth.dataTemplate, 'AWS::SNS::Topic', 1);
      assertHasResourceProperties(synth.dataTemplate, 'AWS::SNS::Topic', {
        TopicName: 'mangaassist-prod-alarms',
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(synth.data.alarmTopic.key), 'Arn'] },
      });
      assertHasResourceProperties(synth.dataTemplate, 'AWS::KMS::Key', { EnableKeyRotation: true });
      assertHasResourceProperties(synth.dataTemplate, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    });

    it('lets CloudWatch encrypt with the key and publish to the topic (the AWS-managed SNS key would not)', () => {
      // Prepare
      const key = Object.values(synth.dataTemplate.findResources('AWS::KMS::Key'))[0] as Resource;
      const keyStatements = (key.Properties.KeyPolicy as { Statement: { Principal?: { Service?: string }; Action: string[] }[] }).Statement;
      const topicPolicy = Object.values(synth.dataTemplate.findResources('AWS::SNS::TopicPolicy'))[0] as Resource;
      const topicStatements = (topicPolicy.Properties.PolicyDocument as { Statement: { Effect: string; Principal?: unknown; Action: string; Condition?: unknown }[] })
        .Statement;

      // Assess
      expect(keyStatements).toContainEqual(
        expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
      );
      expect(topicStatements).toContainEqual(
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
      );
      expect(topicStatements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    });

    it('refuses an alarmEmail that is not an e-mail address, by name', () => {
      // Assess
      expect(() => makeParams({ alarmEmail: 'oncall at example' })).toThrow(/alarmEmail: must be an e-mail address/);
    });

    it('has no subscription without the alarmEmail parameter', () => {
      // Act
      const plain = synthesizeApp(makeParams());

      // Assess
      assertResourceCount(plain.dataTemplate, 'AWS::SNS::Subscription', 0);
      assertResourceCount(plain.dataTemplate, 'AWS::SNS::Topic', 1);
    });

    it('is the ALARM and OK action of every alarm of both stacks (besides the scale-up invoke)', () => {
      for (const alarm of [...alarmsOf(gateway), ...alarmsOf(capacity)]) {
        // Assess
        expect(alarm.Properties.AlarmActions).toContainEqual(topicRef);
        expect(alarm.Properties.OKActions).toEqual([topicRef]);
      }
    });
  });

  describe('intent satisfaction', () => {
    it('has one alarm per intent of the vocabulary', () => {
      // Act
      const names = alarmsOf(gateway)
        .map((alarm) => String(alarm.Properties.AlarmName))
        .filter((name) => name.startsWith('mangaassist-prod-intent-satisfaction-'));

      // Assess
      expect(names.sort()).toEqual(INTENTS.map((intent) => `mangaassist-prod-intent-satisfaction-${intent}`).sort());
    });

    it.each(['recommendation', 'manga_qa', 'order_status'] as const)('alarms when the thumbs-up share of %s is below 80 percent over 15 min', (intent) => {
      // Act
      const alarm = alarmNamed(gateway, `mangaassist-prod-intent-satisfaction-${intent}`);

      // Assess
      expect(statsOf(alarm)).toEqual([`Feedback {Intent=${intent},Rating=down} Sum/900`, `Feedback {Intent=${intent},Rating=up} Sum/900`]);
      expect(returnedExpression(alarm)).toBe('IF((FILL(up, 0) + FILL(down, 0)) >= 20, FILL(up, 0) / (FILL(up, 0) + FILL(down, 0)), 1)');
      expect(alarm).toMatchObject({
        Threshold: 0.8,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmDescription: expect.stringMatching(new RegExp(`^Satisfaction of intent ${intent} .* < 0\\.8 for 1 period of 15 min\\. Runbook: docs/runbooks/intent-satisfaction\\.md$`)),
      });
    });
  });

  it('alarms when the 24 h CSAT falls below 3.8 with at least 50 scores', () => {
    // Act
    const alarm = alarmNamed(gateway, 'mangaassist-prod-csat');

    // Assess
    expect(statsOf(alarm)).toEqual(['Csat {} Average/86400', 'Csat {} SampleCount/86400']);
    expect(returnedExpression(alarm)).toBe('IF(FILL(scores, 0) >= 50, score, 5)');
    expect(alarm).toMatchObject({ Threshold: 3.8, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1 });
    expect(alarm.AlarmDescription).toMatch(/Runbook: docs\/runbooks\/csat\.md$/);
  });

  it('alarms on any unknown-intent routing decision in a day, from the UnmappedIntents count the router publishes', () => {
    // Act
    const alarm = alarmNamed(gateway, 'mangaassist-prod-unmapped-intents');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'MangaAssist',
      MetricName: 'UnmappedIntents',
      Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
      Statistic: 'Sum',
      Period: 86_400,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmDescription: expect.stringMatching(/> 0 for 1 period of 1 day\. Runbook: docs\/runbooks\/unmapped-intents\.md$/),
    });
  });

  it.each(TIERS)('alarms when the end-to-end p99 of %s answers is above 3,000 ms for 2 of 2 five-minute periods', (tier) => {
    // Act
    const alarm = alarmNamed(gateway, `mangaassist-prod-request-latency-${tier}`);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'MangaAssist',
      MetricName: 'RequestLatency',
      Dimensions: expect.arrayContaining([{ Name: 'Tier', Value: tier }]),
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 3000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('alarms when fallback replies exceed 0.1% of replies for 2 of 2 five-minute periods, within 10 metrics', () => {
    // Act
    const alarm = alarmNamed(gateway, 'mangaassist-prod-fallback-replies');
    const stats = statsOf(alarm);

    // Assess
    expect(stats).toEqual(
      [
        ...FALLBACK_REPLY_CODES.map((code) => `ErrorReplies {Code=${code}} Sum/300`),
        ...TIERS.map((tier) => `RequestLatency {Tier=${tier}} SampleCount/300`),
      ].sort(),
    );
    expect(stats.length).toBeLessThanOrEqual(10);
    expect(returnedExpression(alarm)).toBe('IF(failed + answered >= 1000, failed / (failed + answered), 0)');
    expect(alarm).toMatchObject({ Threshold: 0.001, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  it('keeps every metric-math alarm within CloudWatch limits: at most 10 metrics and 10 expressions, no SEARCH', () => {
    for (const alarm of [...alarmsOf(gateway), ...alarmsOf(capacity)]) {
      // Prepare
      const queries = (alarm.Properties.Metrics as MetricQuery[] | undefined) ?? [];

      // Assess
      expect(queries.filter((query) => query.MetricStat).length).toBeLessThanOrEqual(10);
      expect(queries.filter((query) => query.Expression !== undefined).length).toBeLessThanOrEqual(10);
      expect(queries.some((query) => query.Expression?.includes('SEARCH'))).toBe(false);
    }
  });
});

/** DESIGN section 6's table: `| alarm | signal | threshold |` rows between the heading and the next section. */
const DESIGN_PATH = path.join(__dirname, '..', '..', '..', 'shared', 'DESIGN.md');

const designTable = (markdown: string): { alarm: string; threshold: string }[] => {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('6. '));
  if (section === undefined) throw new Error('DESIGN.md has no section 6');
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map((cells) => ({ alarm: cells[1] ?? '', threshold: cells[3] ?? '' }));
};

describe('the alarm table and DESIGN section 6', () => {
  const params = makeParams();
  const expected = designAlarms({ dailyBudgetUsd: params.dailyBudgetUsd, strongTierDailyProjectionUsd: resolveStrongTierDailyProjectionUsd(params) });
  let synth: SynthesizedApp;

  beforeAll(() => {
    synth = synthesizeApp(params);
  });

  it('names exactly the rows of DESIGN section 6, with their thresholds verbatim', () => {
    if (!existsSync(DESIGN_PATH)) {
      // The design notes live beside the repository (../shared); a checkout without them cannot compare.
      console.warn(`DESIGN.md not found at ${DESIGN_PATH}: the DESIGN section 6 comparison was not run`);
      return;
    }
    // Act
    const rows = designTable(readFileSync(DESIGN_PATH, 'utf8'));

    // Assess
    expect(rows.length).toBeGreaterThan(10);
    expect(expected.map((row) => ({ alarm: row.design, threshold: row.designThreshold }))).toEqual(rows);
  });

  it.each(expected.map((row) => [row.design, row] as const))('builds every alarm of "%s" with its runbook and threshold', (_design, row) => {
    // Prepare
    const template = row.stack === 'gateway' ? synth.gatewayTemplate : synth.capacityTemplate;

    for (const [id, threshold] of Object.entries(row.alarms)) {
      // Act
      const alarm = alarmNamed(template, `mangaassist-prod-${id}`);

      // Assess
      expect(alarm.Threshold).toBe(threshold);
      expect(alarm.AlarmDescription).toMatch(new RegExp(`Runbook: docs/runbooks/${row.runbook}\\.md$`));
      expect(existsSync(path.join(__dirname, '..', '..', 'docs', 'runbooks', `${row.runbook}.md`))).toBe(true);
    }
  });

  it('has no alarm outside the table but the listed extras', () => {
    // Prepare
    const named = new Set([...expected.flatMap((row) => Object.keys(row.alarms)), ...Object.keys(EXTRA_ALARMS)].map((id) => `mangaassist-prod-${id}`));

    // Act
    const built = [...alarmsOf(synth.gatewayTemplate), ...alarmsOf(synth.capacityTemplate)].map((alarm) => String(alarm.Properties.AlarmName));

    // Assess
    expect(built.filter((name) => !named.has(name))).toEqual([]);
    expect(built.length).toBe(named.size);
  });

  it.each(Object.entries(EXTRA_ALARMS))('builds the extra alarm %s with its runbook', (id, extra) => {
    // Act
    const inGateway = alarmsOf(synth.gatewayTemplate).some((candidate) => candidate.Properties.AlarmName === `mangaassist-prod-${id}`);
    const alarm = alarmNamed(inGateway ? synth.gatewayTemplate : synth.capacityTemplate, `mangaassist-prod-${id}`);

    // Assess
    expect(alarm.AlarmDescription).toMatch(new RegExp(`Runbook: docs/runbooks/${extra.runbook}\\.md$`));
    expect(existsSync(path.join(__dirname, '..', '..', 'docs', 'runbooks', `${extra.runbook}.md`))).toBe(true);
  });
});

describe('the operations dashboard', () => {
  let synth: SynthesizedApp;
  let body: string;

  beforeAll(() => {
    synth = synthesizeApp(makeParams());
    const dashboards = Object.values(synth.gatewayTemplate.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    // The body is an Fn::Join of JSON text and tokens (region, alarm ARNs): its literal parts carry the widgets.
    body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
  });

  it('is one dashboard named after the stage', () => {
    // Assess
    assertResourceCount(synth.gatewayTemplate, 'AWS::CloudWatch::Dashboard', 1);
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::CloudWatch::Dashboard', { DashboardName: 'mangaassist-prod-operations' });
  });

  it('has a row for each concern of the issue, in triage order', () => {
    // Assess
    expect(Object.keys(synth.gateway.dashboard.rows)).toEqual([
      'Alarms',
      'Traffic and tier share',
      'Cost and budget mode',
      'Latency percentiles',
      'Cascade, fallback and cache',
      'Capacity',
      'Waste and throttles',
      'Satisfaction per intent',
      'Experiments and routing versions',
    ]);
    for (const title of Object.keys(synth.gateway.dashboard.rows)) expect(body).toContain(`## ${title}`);
  });

  it.each([
    ['Answers per tier', '\\"RequestLatency\\"'],
    ['Strong-tier share', 'IF(total >= 100'],
    ['Model cost per tier', '\\"ModelCostMicroUsd\\"'],
    ['Budget utilisation and mode', '\\"BudgetMode\\"'],
    ['End-to-end latency per tier', '\\"stat\\":\\"p99\\"'],
    ['Cascade: accepted, kept, escalated', 'MetricName=\\\\\\"CascadeEscalations\\\\\\"'],
    ['Fallback reply share', 'failed / (failed + answered)'],
    ['Cache hits and model fallbacks', 'MetricName=\\\\\\"CacheHits\\\\\\"'],
    ['Provisioned utilisation', '(tokens_sonnet / 60) / capacity_sonnet'],
    ['Waste ratio', '1 - (FILL(tokens_haiku, 0) / 3600) / capacity_haiku'],
    ['Throttles: Bedrock on-demand and provisioned', '\\"InvocationThrottles\\"'],
    ['Thumbs-up share per intent', 'FILL(up_recommendation, 0) / (FILL(up_recommendation, 0) + FILL(down_recommendation, 0))'],
    ['CSAT 24 h', '\\"Csat\\"'],
    ['Unmapped intents', '\\"UnmappedIntents\\"'],
    ['Experiments running', `\\"${EXPERIMENT_METRICS.running}\\"`],
    ['Gate decisions per 15 min', `MetricName=\\\\\\"${EXPERIMENT_METRICS.decisions}\\\\\\"`],
    ['Rollbacks (alarm > 0)', `\\"${EXPERIMENT_METRICS.rollbacksBlocked}\\"`],
    ['blocked rollbacks and evaluator failures', 'FILL(skipped, 0) + FILL(crashed, 0)'],
    ['Arm ratings per experiment, arm and rating', `MetricName=\\\\\\"${EXPERIMENT_METRICS.feedback}\\\\\\"`],
  ])('shows "%s" from its metrics', (title, metricText) => {
    // Assess
    expect(body).toContain(title);
    expect(body).toContain(metricText);
  });

  it('draws arm traffic with SEARCH over every {Experiment, Arm} series, since experiment ids exist only at runtime', () => {
    // Prepare
    const text = body.replace(/\\/g, '');

    // Assess
    expect(text).toContain(`SEARCH('{MangaAssist,Experiment,Arm,service} MetricName="${EXPERIMENT_METRICS.requests}" service="mangaassist-gateway"', 'Sum', 300)`);
    expect(text).toContain(`SEARCH('{MangaAssist,Experiment,Arm,Rating,service} MetricName="${EXPERIMENT_METRICS.feedback}" service="mangaassist-gateway"', 'Sum', 900)`);
  });

  it('shows the routing version in force as Minimum (the most lagging container) and Maximum (the newest) over the fleet', () => {
    // Prepare
    const text = body.replace(/\\/g, '');

    // Assess
    expect(text).toContain(`["MangaAssist","${ROUTING_VERSION_METRIC}","service","mangaassist-gateway",{"label":"version in force, minimum over the fleet","period":60,"stat":"Minimum"}]`);
    expect(text).toContain(`["MangaAssist","${ROUTING_VERSION_METRIC}","service","mangaassist-gateway",{"label":"version in force, maximum over the fleet","period":60,"stat":"Maximum"}]`);
  });

  it('shows every intent satisfaction series and the state of every gateway alarm', () => {
    // Assess
    for (const intent of INTENTS) expect(body).toContain(`satisfaction ${intent}`);
    expect(body).toContain('Runbook alarms');
    expect(body.match(/"Fn::GetAtt":\[\\?"?[A-Za-z0-9]+/g)?.length ?? 0).toBeGreaterThanOrEqual(alarmsOf(synth.gatewayTemplate).length);
  });
});

describe('the weekly unmapped-intent audit', () => {
  let synth: SynthesizedApp;

  beforeAll(() => {
    synth = synthesizeApp(makeParams());
  });

  it('runs every Monday at 09:00 JST with the scheduled payload, through its own role', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::Scheduler::Schedule', {
      Name: 'mangaassist-prod-unmapped-audit',
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf(synth.gateway.unmappedAudit.fn), 'Arn'] },
        Input: JSON.stringify({ kind: 'scheduled' }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UnmappedAuditSchedulerRole'), 'Arn'] },
      },
    });
  });

  it('may read CloudWatch metrics and nothing else beyond its logs and traces', () => {
    // Prepare
    const statements = statementsOfRole(synth.gatewayTemplate, synth.gateway.unmappedAudit.fn.role!);

    // Act
    const actions = statements.flatMap(actionsOf).sort();

    // Assess
    expect(actions).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('is outside the VPC and gets the Powertools namespace and service it reads the metrics of', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::Lambda::Function', {
      Description: 'MangaAssist weekly unmapped-intent audit',
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'MangaAssist', POWERTOOLS_SERVICE_NAME: 'mangaassist-gateway' }) },
      VpcConfig: Match.absent(),
    });
  });
});

/**
 * Every `metrics.record('<Name>', ...)` in the Lambda sources: the metric names something publishes; and the feedback
 * metrics when a source other than the contract builds its records with `feedbackMetricRecords` (the feedback policy,
 * lambdas/core/feedback.ts, whose records lambdas/app/rate-answer.ts passes to `metrics.record`; the offline feedback
 * test, test/integration/feedback-gateway.test.ts, sees them arrive).
 */
const publishedMetricNames = (): Set<string> => {
  const root = path.join(__dirname, '..', '..', 'lambdas');
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        // The first argument: a literal, or a conditional choosing between literals (`accept ? 'CascadeAccepted' : 'CascadeKept'`).
        const source = readFileSync(full, 'utf8');
        for (const match of source.matchAll(/\.record\(([^,]*),/g)) {
          for (const literal of (match[1] ?? '').matchAll(/'([A-Za-z]+)'/g)) names.add(literal[1]!);
        }
        if (entry.name !== 'metric-contract.ts' && /\bfeedbackMetricRecords\(/.test(source)) for (const name of Object.values(FEEDBACK_METRICS)) names.add(name);
      }
    }
  };
  walk(root);
  return names;
};

describe('the metric contract (lambdas/core/metric-contract.ts)', () => {
  it('names only metrics the Lambdas publish', () => {
    // Prepare
    const published = publishedMetricNames();

    // Assess
    expect(Object.values(OPERATIONS_METRICS).filter((name) => !published.has(name))).toEqual([]);
    expect(Object.values(EXPERIMENT_METRICS).filter((name) => !published.has(name))).toEqual([]);
  });

  it('leaves no MangaAssist alarm watching a series nobody publishes (the feedback ones included)', () => {
    // Prepare
    const published = publishedMetricNames();
    const synth = synthesizeApp(makeParams());
    const read = [...alarmsOf(synth.gatewayTemplate), ...alarmsOf(synth.capacityTemplate)].flatMap((alarm) => {
      const queries = (alarm.Properties.Metrics as MetricQuery[] | undefined) ?? [];
      const names = queries.filter((query) => query.MetricStat?.Metric.Namespace === 'MangaAssist').map((query) => query.MetricStat!.Metric.MetricName);
      return alarm.Properties.Namespace === 'MangaAssist' ? [...names, String(alarm.Properties.MetricName)] : names;
    });

    // Act
    const unpublished = [...new Set(read)].filter((name) => !published.has(name)).sort();

    // Assess
    expect(unpublished).toEqual([]);
  });

  it('gives the feedback action the records each rating publishes: per intent, per intent and tier, and the CSAT score', () => {
    // Act
    const records = feedbackMetricRecords({ intent: 'manga_qa', tier: 'haiku', rating: 'down', csat: 2 });

    // Assess
    expect(records).toEqual([
      { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'manga_qa', Rating: 'down' } },
      { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: 'manga_qa', Tier: 'haiku', Rating: 'down' } },
      { name: 'Csat', value: 2, unit: 'None', dimensions: {} },
    ]);
    expect(feedbackMetricRecords({ intent: 'greeting', tier: 'template', rating: 'up' })).toHaveLength(2);
  });
});
