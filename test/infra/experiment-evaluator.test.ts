import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/runtime/env-names';
import { parseExperimentConfig } from '../../lambdas/runtime/experiments-config';
import { resolveExperimentConfig } from '../../lib/parameters';
import { actionsOf, assertHasResourceProperties, logicalIdOf, makeParams, statementsOfRole, synthesizeApp, type SynthesizedApp } from './fixture';

describe('the experiment evaluator (issue 12)', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesizeApp(makeParams());
  });

  it('runs every 15 minutes with the scheduled payload, through its own role, never queueing a stale run', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::Scheduler::Schedule', {
      Name: 'mangaassist-prod-experiment-evaluator',
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf(synth.gateway.experimentEvaluator.fn), 'Arn'] },
        Input: JSON.stringify({ kind: 'scheduled' }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExperimentEvaluatorSchedulerRole'), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 2 },
      },
    });
  });

  it('may read and write the Experiments table, read and put routing versions (never update or delete one), read RoutingConfig', () => {
    // Prepare
    const statements = statementsOfRole(synth.gatewayTemplate, synth.gateway.experimentEvaluator.fn.role!);

    // Act
    const actions = [...new Set(statements.flatMap(actionsOf))].sort();

    // Assess
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    const onTable = (name: string) => statements.filter((statement) => JSON.stringify(statement.Resource).includes(`Tables${name}`)).flatMap(actionsOf).sort();
    expect(onTable('Experiments')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actions.some((action) => action.startsWith('bedrock:'))).toBe(false);
    expect(onTable('RoutingVersions')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('is outside the VPC with the three table names', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::Lambda::Function', {
      Description: 'MangaAssist experiment evaluator: promote, hold, stop, roll back',
      Environment: { Variables: Match.objectLike({ [ENV.experimentsTable]: Match.anyValue(), [ENV.routingVersionsTable]: Match.anyValue(), [ENV.routingTable]: Match.anyValue() }) },
      VpcConfig: Match.absent(),
    });
  });

  it('pages on any automatic rollback in 15 minutes (runbook routing-rollbacks)', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::CloudWatch::Alarm', {
      AlarmName: 'mangaassist-prod-routing-rollbacks',
      MetricName: 'RoutingRollbacks',
      Namespace: 'MangaAssist',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 900,
      AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbooks/routing-rollbacks\\.md$'),
    });
  });

  it('pages when a locked intent dropped and automation may not revert it (runbook routing-rollbacks)', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::CloudWatch::Alarm', {
      AlarmName: 'mangaassist-prod-routing-rollbacks-blocked',
      MetricName: 'RoutingRollbacksBlocked',
      Namespace: 'MangaAssist',
      Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Period: 900,
      AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbooks/routing-rollbacks\\.md$'),
    });
  });

  it('pages on any evaluator failure in a run: a skipped experiment or rollback check, and a run that failed as a whole (runbook experiment-evaluator-errors)', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::CloudWatch::Alarm', {
      AlarmName: 'mangaassist-prod-experiment-evaluator-errors',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbooks/experiment-evaluator-errors\\.md$'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(skipped, 0) + FILL(crashed, 0)' }),
        Match.objectLike({
          Id: 'skipped',
          MetricStat: { Metric: { Namespace: 'MangaAssist', MetricName: 'ExperimentEvaluatorErrors', Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }] }, Period: 900, Stat: 'Sum' },
        }),
        Match.objectLike({
          Id: 'crashed',
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(synth.gateway.experimentEvaluator.fn) } }] },
            Period: 900,
            Stat: 'Sum',
          },
        }),
      ]),
    });
  });

  it('pages when the evaluator has not run for 2 of 2 quarter hours, missing data counting as not run (runbook experiment-evaluator-errors)', () => {
    // Assess
    assertHasResourceProperties(synth.gatewayTemplate, 'AWS::CloudWatch::Alarm', {
      AlarmName: 'mangaassist-prod-experiment-evaluator-idle',
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(synth.gateway.experimentEvaluator.fn) } }],
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbooks/experiment-evaluator-errors\\.md$'),
    });
  });

  it('runs on the defaults without the experiments parameter: no EXPERIMENTS_CONFIG on any function', () => {
    // Act
    const functions = Object.values(synth.gatewayTemplate.findResources('AWS::Lambda::Function')) as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }[];

    // Assess
    expect(functions.filter((fn) => fn.Properties.Environment?.Variables?.[ENV.experimentsConfig] !== undefined)).toEqual([]);
  });
});

describe('the experiments deploy parameter', () => {
  it('reaches the evaluator and the feedback function (same rollback buckets) as EXPERIMENTS_CONFIG, and no other function', () => {
    // Prepare
    const params = makeParams({ experiments: { stages: [{ share: 1, minHours: 12, minSamples: 100 }, { share: 100 }], rollback: { drop: 0.1, bucketMinutes: 10 } } });

    // Act
    const synth = synthesizeApp(params);
    const functions = Object.entries(synth.gatewayTemplate.findResources('AWS::Lambda::Function')) as [string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }][];
    const withConfig = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.[ENV.experimentsConfig] !== undefined);

    // Assess
    expect(withConfig.map(([id]) => id).sort()).toEqual([logicalIdOf(synth.gateway.experimentEvaluator.fn), logicalIdOf(synth.gateway.handlers.functions.feedback)].sort());
    for (const [, fn] of withConfig) {
      const json = fn.Properties.Environment?.Variables?.[ENV.experimentsConfig];
      expect(typeof json).toBe('string');
      expect(parseExperimentConfig(json as string)).toEqual(resolveExperimentConfig(params));
    }
    expect(resolveExperimentConfig(params).rollback.bucketMinutes).toBe(10);
  });
});
