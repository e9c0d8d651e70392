import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { parseCapacityConfig } from '../../lambdas/runtime/capacity-config';
import { ENV, type ScheduledName } from '../../lambdas/runtime/env-names';
import { provisionedUtilisationAlarmName } from '../../lib/capacity-names';
import { SCHEDULED_NAMES, THROUGHPUT_SIDS } from '../../lib/constructs/capacity-scheduler';
import {
  actionsOf,
  assertHasResourceProperties,
  assertResourceCount,
  logicalIdOf,
  makeParams,
  resourcesOf,
  statementsOfRole,
  synthesizeApp,
  synthesizeScheduler,
  type Statement,
  type SynthesizedApp,
} from './fixture';

type Resource = { Type: string; Properties: Record<string, unknown> & { [key: string]: unknown } };

const PROVISIONED_ARN = 'arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model/*';
const THROUGHPUT_ACTIONS = [
  'bedrock:CreateProvisionedModelThroughput',
  'bedrock:DeleteProvisionedModelThroughput',
  'bedrock:GetProvisionedModelThroughput',
  'bedrock:ListProvisionedModelThroughputs',
];

const schedulesOf = (template: Template): Resource[] => Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
const scheduleNamed = (template: Template, name: string): Resource => {
  const found = schedulesOf(template).find((schedule) => schedule.Properties.Name === name);
  if (!found) throw new Error(`no schedule named ${name}`);
  return found;
};
const alarmNamed = (template: Template, name: string): Resource => {
  const found = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
    (alarm) => alarm.Properties.AlarmName === name,
  );
  if (!found) throw new Error(`no alarm named ${name}`);
  return found;
};
/** The acknowledgements on one construct, by rule id (stored with a namespace prefix, compared without it). */
const acknowledged = (construct: IConstruct): Record<string, string> =>
  Object.fromEntries(
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^[A-Za-z]+::/, ''), reason]),
  );

describe('capacity stack', () => {
  let synth: SynthesizedApp;
  let template: Template;

  beforeAll(() => {
    synth = synthesizeApp(makeParams());
    template = synth.capacityTemplate;
  });

  const fnOf = (name: ScheduledName) => synth.capacity.scheduler.functions[name];
  const functionResource = (name: ScheduledName): Resource => template.toJSON().Resources[logicalIdOf(fnOf(name))] as Resource;
  const statementsOf = (name: ScheduledName): Statement[] => statementsOfRole(template, fnOf(name).role!);
  const bedrockStatementsOf = (name: ScheduledName): Statement[] =>
    statementsOf(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('bedrock:')));
  const statementsOnTable = (name: ScheduledName, table: 'calendar' | 'capacityState'): Statement[] =>
    statementsOf(name).filter((statement) => JSON.stringify(resourcesOf(statement)).includes(`${logicalIdOf(synth.data.tables[table])}Arn`));

  describe('schedules', () => {
    it('runs every schedule in Asia/Tokyo, on time, enabled', () => {
      // Act
      const schedules = schedulesOf(template);

      // Assess
      expect(schedules).toHaveLength(6);
      for (const schedule of schedules) {
        expect(schedule.Properties).toMatchObject({
          ScheduleExpressionTimezone: 'Asia/Tokyo',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
        });
      }
    });

    it('reconciles every 15 minutes with a scheduled payload naming the schedule', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::Scheduler::Schedule', {
        Name: 'mangaassist-prod-reconcile-periodic',
        ScheduleExpression: 'cron(0/15 * * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalIdOf(fnOf('capacityReconcile')), 'Arn'] },
          Input: JSON.stringify({ kind: 'scheduled', trigger: 'mangaassist-prod-reconcile-periodic' }),
        },
      });
    });

    it.each([
      ['overnight', 'cron(30 1 * * ? *)'],
      ['morning', 'cron(30 5 * * ? *)'],
      ['afternoon', 'cron(30 11 * * ? *)'],
      ['evening', 'cron(30 16 * * ? *)'],
    ])('reconciles 30 minutes (the default lead) before the %s window starts: %s', (window, expression) => {
      // Prepare
      const name = `mangaassist-prod-reconcile-before-${window}`;

      // Act
      const schedule = scheduleNamed(template, name);

      // Assess
      expect(schedule.Properties).toMatchObject({
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalIdOf(fnOf('capacityReconcile')), 'Arn'] },
          Input: JSON.stringify({ kind: 'scheduled', trigger: name }),
        },
      });
    });

    it('checks health every 15 minutes, 5 minutes after each reconcile, with the health payload', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::Scheduler::Schedule', {
        Name: 'mangaassist-prod-health-periodic',
        ScheduleExpression: 'cron(5/15 * * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        Target: { Arn: { 'Fn::GetAtt': [logicalIdOf(fnOf('capacityHealth')), 'Arn'] }, Input: '{"kind":"health"}' },
      });
    });

    it('retries delivery for at most 15 minutes and dead-letters what never got through', () => {
      // Prepare
      const queueArn = { 'Fn::GetAtt': [logicalIdOf(synth.capacity.scheduler.deadLetters), 'Arn'] };

      // Assess
      for (const schedule of schedulesOf(template)) {
        expect(schedule.Properties.Target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
          DeadLetterConfig: { Arn: queueArn },
          RoleArn: { 'Fn::GetAtt': [logicalIdOf(synth.capacity.scheduler.schedulerRole), 'Arn'] },
        });
      }
    });

    it("lets only this account's schedules of this deployment assume the scheduler role, to invoke the two functions", () => {
      // Prepare
      const role = template.toJSON().Resources[logicalIdOf(synth.capacity.scheduler.schedulerRole)] as Resource;

      // Act
      const statements = statementsOfRole(template, synth.capacity.scheduler.schedulerRole);

      // Assess
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:scheduler:ap-northeast-1:123456789012:schedule/default/mangaassist-prod-*' },
            },
          },
        ],
      });
      expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      const invoked = JSON.stringify(statements.filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction')));
      for (const name of SCHEDULED_NAMES) expect(invoked).toContain(logicalIdOf(fnOf(name)));
    });
  });

  describe('dead-letter queue', () => {
    it('is encrypted and refuses requests without TLS', () => {
      // Prepare
      const queueId = logicalIdOf(synth.capacity.scheduler.deadLetters);

      // Assess
      assertHasResourceProperties(template, 'AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      assertHasResourceProperties(template, 'AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('functions', () => {
    it.each(SCHEDULED_NAMES)('runs %s outside any VPC, on Node 22 ARM64, 256 MB / 60 s, dead-lettering failed runs', (name) => {
      // Prepare
      const queueArn = { 'Fn::GetAtt': [logicalIdOf(synth.capacity.scheduler.deadLetters), 'Arn'] };

      // Act
      const properties = functionResource(name).Properties;

      // Assess
      expect(properties.VpcConfig).toBeUndefined();
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 60,
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: queueArn },
      });
      assertHasResourceProperties(template, 'AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalIdOf(fnOf(name)) },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 900,
      });
    });

    it.each(SCHEDULED_NAMES)('gives %s exactly its tables, the capacity config and the catalog', (name) => {
      // Act
      const variables = (functionResource(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const appKeys = Object.keys(variables).filter((key) => !key.startsWith('POWERTOOLS_') && key !== 'NODE_OPTIONS');

      // Assess
      expect(appKeys.sort()).toEqual([ENV.calendarTable, ENV.capacityConfig, ENV.capacityTable, ENV.modelCatalog].sort());
      expect(parseCapacityConfig(variables[ENV.capacityConfig] as string)).toEqual({ ...DEFAULT_CAPACITY_CONFIG, namePrefix: 'mangaassist-prod' });
      expect(JSON.parse(variables[ENV.modelCatalog] as string)).toEqual(MODEL_CATALOGS.current);
      expect(variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'mangaassist-gateway', POWERTOOLS_METRICS_NAMESPACE: 'MangaAssist' });
    });
  });

  describe('IAM', () => {
    it('lets reconcile list, get, create and delete provisioned throughput, and nothing else on Bedrock', () => {
      // Act
      const bedrock = bedrockStatementsOf('capacityReconcile');

      // Assess
      expect([...new Set(bedrock.flatMap(actionsOf))].sort()).toEqual(THROUGHPUT_ACTIONS);
      expect(bedrock.map((statement) => statement.Sid).sort()).toEqual(
        [THROUGHPUT_SIDS.list, THROUGHPUT_SIDS.manage, THROUGHPUT_SIDS.createFrom].sort(),
      );
      for (const statement of bedrock) expect(statement.Effect).toBe('Allow');
    });

    it('lists on "*" only, because List has no resource-level permission, and says so in the acknowledgement', () => {
      // Act
      const onAnyResource = bedrockStatementsOf('capacityReconcile').filter((statement) => resourcesOf(statement).includes('*'));

      // Assess
      expect(onAnyResource).toEqual([
        { Sid: THROUGHPUT_SIDS.list, Effect: 'Allow', Action: 'bedrock:ListProvisionedModelThroughputs', Resource: '*' },
      ]);
      for (const name of SCHEDULED_NAMES) {
        expect(acknowledged(fnOf(name).role!)['AwsSolutions-IAM5[Resource::*]']).toMatch(
          /xray:PutTraceSegments.*bedrock:ListProvisionedModelThroughputs supports no resource-level permission/,
        );
      }
    });

    it("scopes get, create and delete to this account's provisioned models, and create to the catalog's foundation models", () => {
      // Act
      const bySid = Object.fromEntries(bedrockStatementsOf('capacityReconcile').map((statement) => [statement.Sid, statement]));

      // Assess
      expect(actionsOf(bySid[THROUGHPUT_SIDS.manage]!).sort()).toEqual([
        'bedrock:CreateProvisionedModelThroughput',
        'bedrock:DeleteProvisionedModelThroughput',
        'bedrock:GetProvisionedModelThroughput',
      ]);
      expect(resourcesOf(bySid[THROUGHPUT_SIDS.manage]!)).toEqual([PROVISIONED_ARN]);
      expect(actionsOf(bySid[THROUGHPUT_SIDS.createFrom]!)).toEqual(['bedrock:CreateProvisionedModelThroughput']);
      expect((resourcesOf(bySid[THROUGHPUT_SIDS.createFrom]!) as string[]).sort()).toEqual([
        'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      ]);
    });

    it('lets health list and get provisioned throughput only: no create, no delete', () => {
      // Act
      const actions = bedrockStatementsOf('capacityHealth').flatMap(actionsOf);

      // Assess
      expect(actions.sort()).toEqual(['bedrock:GetProvisionedModelThroughput', 'bedrock:ListProvisionedModelThroughputs']);
    });

    it('has no Bedrock or CloudWatch wildcard action, no Update, no PutMetricData anywhere in the stack', () => {
      // Act
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));

      // Assess
      expect(policies).toContain('bedrock:CreateProvisionedModelThroughput');
      expect(policies).not.toMatch(/"bedrock:\*"|"bedrock:[A-Za-z]*\*"/);
      expect(policies).not.toContain('UpdateProvisionedModelThroughput');
      expect(policies).not.toContain('cloudwatch:');
    });

    it('gives reconcile read/write on the capacity state and read-only on the calendar', () => {
      // Act
      const state = statementsOnTable('capacityReconcile', 'capacityState').flatMap(actionsOf);
      const calendar = statementsOnTable('capacityReconcile', 'calendar').flatMap(actionsOf);

      // Assess
      expect(state).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']));
      expect(calendar).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Scan']));
      expect(calendar).not.toContain('dynamodb:PutItem');
    });

    it('gives health read-only access to both tables', () => {
      // Act
      const actions = [...statementsOnTable('capacityHealth', 'capacityState'), ...statementsOnTable('capacityHealth', 'calendar')].flatMap(actionsOf);

      // Assess
      expect(actions).toContain('dynamodb:Scan');
      expect(actions.filter((action) => /Put|Update|Delete|BatchWrite/.test(action))).toEqual([]);
    });
  });

  describe('alarms', () => {
    const expectedRows: readonly [string, Record<string, unknown>][] = [
      ...(['haiku', 'sonnet'] as const).flatMap((tier): [string, Record<string, unknown>][] => [
        [`provisioned-utilisation-${tier}`, { Threshold: 0.8, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, period: 60 }],
        [`waste-ratio-${tier}`, { Threshold: 0.5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, period: 3600 }],
        [`capacity-mismatch-${tier}`, { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, period: 900 }],
      ]),
      ['scheduler-errors', { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, period: 300 }],
      ['capacity-reconcile-errors', { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, period: 300 }],
      ['capacity-health-errors', { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, period: 300 }],
      ['capacity-dead-letters', { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, period: 300 }],
      ['mitigation-mode', { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 8, DatapointsToAlarm: 8, period: 900 }],
    ];

    const periodOf = (alarm: Resource): unknown => {
      const metrics = alarm.Properties.Metrics as { MetricStat?: { Period: number } }[] | undefined;
      return metrics ? metrics.find((metric) => metric.MetricStat)?.MetricStat?.Period : alarm.Properties.Period;
    };

    it('has exactly the rows of the capacity feature', () => {
      // Assess
      assertResourceCount(template, 'AWS::CloudWatch::Alarm', expectedRows.length);
    });

    it.each(expectedRows)('alarms on %s with its threshold, periods and missing data as not breaching', (id, expected) => {
      // Act
      const alarm = alarmNamed(template, `mangaassist-prod-${id}`);
      const { period, ...properties } = expected;

      // Assess
      expect(alarm.Properties).toMatchObject({ ...properties, TreatMissingData: 'notBreaching' });
      expect(periodOf(alarm)).toBe(period);
      expect(alarm.Properties.AlarmDescription).toMatch(/ Runbook: docs\/runbooks\/[a-z-]+\.md$/);
    });

    it.each(['haiku', 'sonnet'] as const)('computes %s utilisation as (ProvisionedTokens / 60) / ProvisionedCapacityTps per tier', (tier) => {
      // Act
      const alarm = alarmNamed(template, provisionedUtilisationAlarmName('mangaassist-prod', tier));

      // Assess
      expect(alarm.Properties.Metrics).toEqual([
        expect.objectContaining({ Expression: '(tokens / 60) / capacity', ReturnData: true }),
        expect.objectContaining({
          Id: 'tokens',
          MetricStat: {
            Metric: {
              Namespace: 'MangaAssist',
              MetricName: 'ProvisionedTokens',
              Dimensions: [
                { Name: 'Tier', Value: tier },
                { Name: 'service', Value: 'mangaassist-gateway' },
              ],
            },
            Period: 60,
            Stat: 'Sum',
          },
        }),
        expect.objectContaining({
          Id: 'capacity',
          MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: 'ProvisionedCapacityTps' }), Stat: 'Maximum' }),
        }),
      ]);
    });

    it('computes waste as 1 - (FILL(ProvisionedTokens, 0) / 3600) / average ProvisionedCapacityTps over hours', () => {
      // Act
      const metrics = alarmNamed(template, 'mangaassist-prod-waste-ratio-sonnet').Properties.Metrics as {
        Expression?: string;
        MetricStat?: { Stat: string; Period: number };
      }[];

      // Assess
      expect(metrics[0]?.Expression).toBe('1 - (FILL(tokens, 0) / 3600) / capacity');
      expect(metrics.slice(1).map((metric) => [metric.MetricStat?.Stat, metric.MetricStat?.Period])).toEqual([
        ['Sum', 3600],
        ['Average', 3600],
      ]);
    });

    it.each(['haiku', 'sonnet'] as const)('invokes the reconcile function when %s utilisation alarms (scale-up)', (tier) => {
      // Prepare
      const reconcileId = logicalIdOf(fnOf('capacityReconcile'));
      const alarm = synth.capacity.alarms.alarms[`provisioned-utilisation-${tier}`]!;

      // Act
      const properties = alarmNamed(template, `mangaassist-prod-provisioned-utilisation-${tier}`).Properties;

      // Assess
      // Besides the alarm topic's notification (test/infra/operations.test.ts).
      expect(properties.AlarmActions).toContainEqual({ 'Fn::GetAtt': [reconcileId, 'Arn'] });
      expect(properties.AlarmActions).toHaveLength(2);
      assertHasResourceProperties(template, 'AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [reconcileId, 'Arn'] },
        Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
        SourceAccount: '123456789012',
        SourceArn: { 'Fn::GetAtt': [logicalIdOf(alarm), 'Arn'] },
      });
    });

    it('gives every other alarm the alarm topic as its only action (the utilisation alarms also scale up)', () => {
      // Act
      const withMore = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[])
        .filter((alarm) => (alarm.Properties.AlarmActions as unknown[]).length !== 1)
        .map((alarm) => alarm.Properties.AlarmName);

      // Assess
      expect(withMore.sort()).toEqual(['mangaassist-prod-provisioned-utilisation-haiku', 'mangaassist-prod-provisioned-utilisation-sonnet']);
    });

    it('reads the Lambda Errors of both capacity functions (the silent failure of seed 003 scenario 4)', () => {
      // Assess
      for (const [id, name] of [
        ['capacity-reconcile-errors', 'capacityReconcile'],
        ['capacity-health-errors', 'capacityHealth'],
      ] as const) {
        expect(alarmNamed(template, `mangaassist-prod-${id}`).Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fnOf(name)) } }],
        });
      }
    });

    it('reads SchedulerErrors, CapacityMismatch and MitigationMode with the service dimension Powertools adds', () => {
      // Assess
      expect(alarmNamed(template, 'mangaassist-prod-scheduler-errors').Properties).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: 'SchedulerErrors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
      });
      expect(alarmNamed(template, 'mangaassist-prod-capacity-mismatch-haiku').Properties).toMatchObject({
        MetricName: 'CapacityMismatch',
        Statistic: 'Maximum',
        Dimensions: [
          { Name: 'Tier', Value: 'haiku' },
          { Name: 'service', Value: 'mangaassist-gateway' },
        ],
      });
      expect(alarmNamed(template, 'mangaassist-prod-mitigation-mode').Properties).toMatchObject({
        MetricName: 'MitigationMode',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
      });
    });

    it('states signal, threshold and runbook in the description', () => {
      // Act
      const description = alarmNamed(template, 'mangaassist-prod-provisioned-utilisation-sonnet').Properties.AlarmDescription;

      // Assess
      expect(description).toBe(
        'Provisioned utilisation of the sonnet tier ((ProvisionedTokens sum / 60) / ProvisionedCapacityTps max, ratio) > 0.8 for 2 of 2 periods of 1 min. Runbook: docs/runbooks/provisioned-utilisation.md',
      );
    });
  });
});

describe('capacity stack with the scheduler disabled and another stage', () => {
  let synth: SynthesizedApp;
  let template: Template;

  beforeAll(() => {
    synth = synthesizeApp(makeParams({ stageName: 'dev', capacitySchedulerEnabled: false }));
    template = synth.capacityTemplate;
  });

  it('creates every schedule DISABLED', () => {
    // Act
    const states = schedulesOf(template).map((schedule) => schedule.Properties.State);

    // Assess
    expect(states).toHaveLength(6);
    expect(new Set(states)).toEqual(new Set(['DISABLED']));
  });

  it('lets the utilisation alarms invoke nothing', () => {
    // Assess
    // Only the alarm topic's notification, no invoke.
    expect(alarmNamed(template, 'mangaassist-dev-provisioned-utilisation-sonnet').Properties.AlarmActions).toHaveLength(1);
    assertResourceCount(template, 'AWS::Lambda::Permission', 0);
  });

  it('prefixes every schedule, alarm and the scheduler trust with the stage', () => {
    // Act
    const names = [
      ...schedulesOf(template).map((schedule) => schedule.Properties.Name),
      ...(Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).map((alarm) => alarm.Properties.AlarmName),
    ] as string[];

    // Assess
    for (const name of names) expect(name).toMatch(/^mangaassist-dev-/);
    expect(JSON.stringify(template.toJSON())).toContain('schedule/default/mangaassist-dev-*');
  });
});

describe('CapacityScheduler construct', () => {
  it('derives one boundary schedule per configured window from its start and the lead time, across midnight', () => {
    // Prepare
    const windows = [
      { name: 'Night Shift', from: '00:10', to: '09:00', expectedTps: { haiku: 0, sonnet: 0 } },
      { name: 'day', from: '09:00', to: '00:10', expectedTps: { haiku: 4000, sonnet: 4000 } },
    ];

    // Act
    const { template } = synthesizeScheduler({ capacity: { windows, provisioningLeadMs: 45 * 60_000 } });

    // Assess
    expect(
      schedulesOf(template)
        .map((schedule) => [schedule.Properties.Name, schedule.Properties.ScheduleExpression])
        .sort(),
    ).toEqual([
      ['test-health-periodic', 'cron(5/15 * * * ? *)'],
      ['test-reconcile-before-day', 'cron(15 8 * * ? *)'],
      ['test-reconcile-before-night-shift', 'cron(25 23 * * ? *)'],
      ['test-reconcile-periodic', 'cron(0/15 * * * ? *)'],
    ]);
  });

  it("buys throughput only for the catalog's foundation models in the stack region", () => {
    // Prepare
    const synth = synthesizeScheduler({ catalog: MODEL_CATALOGS.seed });

    // Act
    const [createFrom] = statementsOfRole(synth.template, synth.scheduler.functions.capacityReconcile.role!).filter(
      (statement) => statement.Sid === THROUGHPUT_SIDS.createFrom,
    );

    // Assess
    expect((resourcesOf(createFrom!) as string[]).sort()).toEqual([
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0',
    ]);
  });

  it('passes the resolved configuration to both functions as CAPACITY_CONFIG', () => {
    // Prepare
    const { template, scheduler } = synthesizeScheduler({ capacity: { drainMs: 60_000 } });

    // Act
    const configs = SCHEDULED_NAMES.map((name) => {
      const properties = template.toJSON().Resources[logicalIdOf(scheduler.functions[name])].Properties as {
        Environment: { Variables: Record<string, string> };
      };
      return JSON.parse(properties.Environment.Variables[ENV.capacityConfig]!) as { drainMs: number; namePrefix: string };
    });

    // Assess
    for (const config of configs) expect(config).toMatchObject({ drainMs: 60_000, namePrefix: 'test' });
  });
});
