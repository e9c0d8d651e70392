import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { BUDGET_MODE_VALUE } from '../../lambdas/app/answer/budget';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { BUDGET_MODES } from '../../lambdas/core/budget/guardian';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { parseBudgetConfig } from '../../lambdas/runtime/budget-config';
import { parseCapacityConfig } from '../../lambdas/runtime/capacity-config';
import { ENV, type HandlerName } from '../../lambdas/runtime/env-names';
import { CACHE_PORT } from '../../lib/constructs/cache';
import { BEDROCK_STATEMENT_SID, CLASSIFIER_STATEMENT_SID, GUARDRAIL_STATEMENT_SID, HANDLER_NAMES, PROVISIONED_STATEMENT_SID } from '../../lib/constructs/handlers';
import { DEFAULT_THROTTLE, ROUTE_KEYS, ROUTE_THROTTLE } from '../../lib/constructs/websocket-api';
import {
  actionsOf,
  assertHasResourceProperties,
  assertResourceCount,
  logicalIdOf, makeParams, resourcesOf, statementsOfRole, synthesizeApp, type Statement, type SynthesizedApp } from './fixture';

type Resource = { Type: string; Properties: Record<string, unknown> & { [key: string]: unknown } };

describe('gateway stack', () => {
  let synth: SynthesizedApp;
  let template: Template;

  beforeAll(() => {
    synth = synthesizeApp(makeParams());
    template = synth.gatewayTemplate;
  });

  const fnOf = (name: HandlerName) => synth.gateway.handlers.functions[name];
  const functionResource = (name: HandlerName): Resource =>
    template.toJSON().Resources[logicalIdOf(fnOf(name))] as Resource;
  const statementsOf = (name: HandlerName): Statement[] => statementsOfRole(template, fnOf(name).role!);
  type Table = 'sessions' | 'routingConfig' | 'routingVersions' | 'orders' | 'calendar' | 'capacityState' | 'faq';
  const tableArnOutput = (table: Table): string =>
    // The weak cross-stack reference reads the data stack's output named after the table's Arn attribute.
    logicalIdOf(synth.data.tables[table]);
  const statementsOnTable = (name: HandlerName, table: Table): Statement[] =>
    statementsOf(name).filter((statement) => JSON.stringify(resourcesOf(statement)).includes(`${tableArnOutput(table)}Arn`));

  describe('WebSocket API', () => {
    it('selects routes on the frame action', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
    });

    it('has exactly the six route keys', () => {
      // Act
      const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
        (route) => (route as Resource).Properties.RouteKey,
      );

      // Assess
      expect(keys.sort()).toEqual(['$connect', '$default', '$disconnect', 'feedback', 'invoke', 'route']);
    });

    it.each(HANDLER_NAMES)('integrates the %s route with its own function', (name) => {
      // Prepare
      const functionId = logicalIdOf(fnOf(name));
      const routes = template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: ROUTE_KEYS[name] } });
      const [route] = Object.values(routes) as Resource[];
      const target = JSON.stringify(route?.Properties.Target);
      const integrationId = /"Ref":"([A-Za-z0-9]+)"/.exec(target)?.[1];

      // Act
      const integration = template.toJSON().Resources[integrationId ?? 'missing'] as Resource | undefined;

      // Assess
      expect(Object.keys(routes)).toHaveLength(1);
      expect(integration?.Type).toBe('AWS::ApiGatewayV2::Integration');
      expect(integration?.Properties.IntegrationType).toBe('AWS_PROXY');
      expect(JSON.stringify(integration?.Properties.IntegrationUri)).toContain(`"Fn::GetAtt":["${functionId}","Arn"]`);
    });

    it('deploys one stage automatically, throttled, with JSON access logs to a retained log group', () => {
      // Prepare
      const logGroupId = logicalIdOf(synth.gateway.webSocket.node.findChild('AccessLogs'));

      // Assess
      assertResourceCount(template, 'AWS::ApiGatewayV2::Stage', 1);
      assertHasResourceProperties(template, 'AWS::ApiGatewayV2::Stage', {
        StageName: 'prod',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
      });
      expect(template.toJSON().Resources[logGroupId]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Retain',
      });
    });

    it('throttles the stage and, under it, each route by its cost: invoke, route, feedback, $connect and $default, never $disconnect', () => {
      const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
      const props = stage!.Properties as { DefaultRouteSettings: Record<string, number>; RouteSettings: Record<string, Record<string, number>> };

      expect(props.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit, ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit });
      expect(props.RouteSettings).toEqual({
        invoke: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
        route: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        feedback: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        $connect: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        $default: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      });
      // Every throttled route is at or under the stage's limits, and exists before the stage names it.
      for (const [name, limits] of Object.entries(ROUTE_THROTTLE)) {
        expect(limits.rateLimit).toBeLessThanOrEqual(DEFAULT_THROTTLE.rateLimit);
        expect(limits.burstLimit).toBeLessThanOrEqual(DEFAULT_THROTTLE.burstLimit);
        expect((stage as unknown as { DependsOn?: string[] }).DependsOn).toContain(logicalIdOf(synth.gateway.webSocket.routes[name as HandlerName]));
      }
    });
  });

  describe('functions', () => {
    it.each(HANDLER_NAMES)('runs %s on Node 22, ARM64, traced, logging to its own log group with retention', (name) => {
      // Prepare
      const properties = functionResource(name).Properties;
      const logGroupRef = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

      // Act
      const logGroup = template.toJSON().Resources[logGroupRef] as Resource;

      // Assess
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    });

    it.each(HANDLER_NAMES)('gives %s the Powertools and source-map environment', (name) => {
      // Act
      const variables = (functionResource(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'mangaassist-gateway',
        POWERTOOLS_METRICS_NAMESPACE: 'MangaAssist',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('sizes invoke at 1024 MB / 60 s and the others at 256 MB / 10 s', () => {
      // Act
      const sizing = Object.fromEntries(
        HANDLER_NAMES.map((name) => [name, [functionResource(name).Properties.MemorySize, functionResource(name).Properties.Timeout]]),
      );

      // Assess
      expect(sizing).toEqual({
        connect: [256, 10],
        disconnect: [256, 10],
        default: [256, 10],
        route: [256, 10],
        invoke: [1024, 60],
        feedback: [256, 10],
      });
    });

    it('passes invoke the resolved catalog, the budget and a TLS URL of the cache primary endpoint', () => {
      // Prepare
      const cacheId = logicalIdOf(synth.gateway.cache.replicationGroup);

      // Act
      const variables = (functionResource('invoke').Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      expect(JSON.parse(variables[ENV.modelCatalog] as string)).toEqual(MODEL_CATALOGS.current);
      expect(variables[ENV.dailyBudgetUsd]).toBe('2500');
      expect(variables[ENV.redisUrl]).toEqual({
        'Fn::Join': [
          '',
          ['rediss://', { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] }, ':', { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] }],
        ],
      });
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining([ENV.sessionsTable, ENV.routingTable, ENV.ordersTable, ENV.capacityTable]),
      );
    });

    it('passes invoke no BUDGET_CONFIG without a budget parameter, so it runs on the defaults and DAILY_BUDGET_USD', () => {
      // Act
      const variables = (functionResource('invoke').Properties.Environment as { Variables: Record<string, string> }).Variables;

      // Assess
      expect(variables[ENV.budgetConfig]).toBeUndefined();
      expect(parseBudgetConfig(variables[ENV.budgetConfig], Number(variables[ENV.dailyBudgetUsd]))).toEqual({ ...DEFAULT_BUDGET_CONFIG, dailyUsd: 2500 });
    });

    it.each(HANDLER_NAMES)("keeps %s's environment within Lambda's 4 KB, counting 128 bytes per resolved name or URL", (name) => {
      // Prepare
      const variables = (functionResource(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Act
      const bytes = Object.entries(variables).reduce(
        (sum, [key, value]) => sum + Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 128),
        0,
      );

      // Assess
      expect(bytes).toBeLessThan(4096);
    });

    it.each(['route', 'invoke'] as const)('passes %s the FAQ table name', (name) => {
      // Act
      const variables = (functionResource(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      // The weak cross-stack reference reads the data stack's output of the table's name (Ref).
      expect(JSON.stringify(variables[ENV.faqTable])).toContain(`PublishOutputRef${logicalIdOf(synth.data.tables.faq)}`);
    });

    it.each(['route', 'invoke'] as const)('passes %s the resolved capacity configuration, named for the stage', (name) => {
      // Act
      const variables = (functionResource(name).Properties.Environment as { Variables: Record<string, string> }).Variables;

      // Assess
      expect(parseCapacityConfig(variables[ENV.capacityConfig])).toEqual({ ...DEFAULT_CAPACITY_CONFIG, namePrefix: 'mangaassist-prod' });
    });

    it('gives each other function only the variables it reads', () => {
      // Act
      const appKeys = (name: HandlerName): string[] =>
        Object.keys((functionResource(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables)
          .filter((key) => !key.startsWith('POWERTOOLS_') && key !== 'NODE_OPTIONS')
          .sort();

      // Assess
      expect(appKeys('connect')).toEqual([ENV.sessionsTable]);
      expect(appKeys('disconnect')).toEqual([ENV.sessionsTable]);
      expect(appKeys('default')).toEqual([]);
      expect(appKeys('feedback')).toEqual([ENV.experimentsTable, ENV.sessionsTable].sort());
      expect(appKeys('route')).toEqual([ENV.capacityConfig, ENV.capacityTable, ENV.experimentsTable, ENV.faqTable, ENV.modelCatalog, ENV.routingTable, ENV.routingVersionsTable].sort());
      expect(appKeys('invoke')).toEqual(
        [
          ENV.cacheAuthSecretArn,
          ENV.calendarTable,
          ENV.capacityConfig,
          ENV.capacityTable,
          ENV.dailyBudgetUsd,
          ENV.experimentsTable,
          ENV.faqTable,
          ENV.guardrailId,
          ENV.guardrailVersion,
          ENV.modelCatalog,
          ENV.ordersTable,
          ENV.redisUrl,
          ENV.routingTable,
          ENV.routingVersionsTable,
          ENV.sessionsTable,
        ].sort(),
      );
    });

    it('puts only invoke in the VPC, in the private subnets, wearing the cache client group', () => {
      // Prepare
      const clientGroupId = logicalIdOf(synth.gateway.cache.clientSecurityGroup);
      const privateSubnetIds = synth.gateway.network.vpc.privateSubnets.map((subnet) => logicalIdOf(subnet));

      // Act
      const vpcConfig = functionResource('invoke').Properties.VpcConfig as { SecurityGroupIds: unknown[]; SubnetIds: { Ref: string }[] };

      // Assess
      expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [clientGroupId, 'GroupId'] }]);
      expect(vpcConfig.SubnetIds.map((subnet) => subnet.Ref).sort()).toEqual(privateSubnetIds.sort());
      for (const name of HANDLER_NAMES.filter((handler) => handler !== 'invoke')) {
        expect(functionResource(name).Properties.VpcConfig).toBeUndefined();
      }
    });
  });

  describe('IAM', () => {
    const expectedBedrockArns = [
      'arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/jp.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ];

    it("allows invoke exactly the catalog's inference profiles and foundation models, with the two invoke actions", () => {
      // Act
      const bedrock = statementsOf('invoke').filter((statement) => actionsOf(statement).some((action) => action.startsWith('bedrock:')));
      const catalog = bedrock.find((statement) => statement.Sid === BEDROCK_STATEMENT_SID);

      // Assess
      // (ApplyChatGuardrail is the guardrail's: test/infra/guardrail-and-cache-auth.test.ts.)
      expect(bedrock.map((statement) => statement.Sid).sort()).toEqual([BEDROCK_STATEMENT_SID, GUARDRAIL_STATEMENT_SID, PROVISIONED_STATEMENT_SID].sort());
      expect(catalog?.Effect).toBe('Allow');
      expect(actionsOf(catalog!).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
      expect((resourcesOf(catalog!) as string[]).sort()).toEqual(expectedBedrockArns);
    });

    it("allows invoke the same two actions on this account's provisioned throughput, the scheduler's routing targets", () => {
      // Act
      const [provisioned] = statementsOf('invoke').filter((statement) => statement.Sid === PROVISIONED_STATEMENT_SID);

      // Assess
      expect(provisioned?.Effect).toBe('Allow');
      expect(actionsOf(provisioned!).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
      expect(resourcesOf(provisioned!)).toEqual(['arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model/*']);
    });

    it('has no Bedrock wildcard anywhere in the stack but the provisioned-model ARNs of this account and region, and the guardrail profile', () => {
      // Act
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));

      // Assess
      expect(policies).toContain('bedrock:InvokeModel');
      expect(policies).not.toMatch(/"bedrock:\*"|"bedrock:[A-Za-z]*\*"/);
      // (The policy's cdk-nag acknowledgement names the same ARN.)
      // The guardrail profile's Region is a wildcard (its destination Regions), its id is not.
      const wildcards = new Set(policies.match(/arn:aws:bedrock:[^"\]]*\*[^"\]]*/g));
      expect(wildcards).toEqual(new Set(['arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model/*', 'arn:aws:bedrock:*:123456789012:guardrail-profile/apac.guardrail.v1:0']));
    });

    it('allows route (the LLM classifier fallback) only InvokeModel, only on the cheap tier: no streaming, no strong tier, no provisioned throughput', () => {
      // Act
      const bedrock = statementsOf('route').filter((statement) => actionsOf(statement).some((action) => action.startsWith('bedrock:')));

      // Assess
      expect(bedrock).toHaveLength(1);
      expect(bedrock[0]?.Sid).toBe(CLASSIFIER_STATEMENT_SID);
      expect(bedrock[0]?.Effect).toBe('Allow');
      expect(actionsOf(bedrock[0]!)).toEqual(['bedrock:InvokeModel']);
      expect((resourcesOf(bedrock[0]!) as string[]).sort()).toEqual(expectedBedrockArns.filter((arn) => arn.includes('haiku')));
    });

    it.each(['connect', 'disconnect', 'default'] as const)('gives %s no Bedrock access', (name) => {
      // Act
      const actions = statementsOf(name).flatMap(actionsOf);

      // Assess
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => action.startsWith('bedrock:'))).toEqual([]);
    });

    it.each(['route', 'invoke', 'default'] as const)('lets %s manage connections of this stage only', (name) => {
      // Prepare
      const apiId = logicalIdOf(synth.gateway.webSocket.api);

      // Act
      const manage = statementsOf(name).filter((statement) => actionsOf(statement).includes('execute-api:ManageConnections'));

      // Assess
      expect(manage).toHaveLength(1);
      expect(actionsOf(manage[0]!)).toEqual(['execute-api:ManageConnections']);
      expect(resourcesOf(manage[0]!)).toEqual([
        {
          'Fn::Join': ['', ['arn:aws:execute-api:ap-northeast-1:123456789012:', { Ref: apiId }, '/prod/*/@connections/*']],
        },
      ]);
    });

    it.each(['connect', 'disconnect'] as const)('does not let %s post to connections', (name) => {
      // Assess
      expect(statementsOf(name).flatMap(actionsOf)).not.toContain('execute-api:ManageConnections');
    });

    it('gives connect read/write on Sessions and nothing on Orders or RoutingConfig', () => {
      // Assess
      expect(statementsOnTable('connect', 'sessions').flatMap(actionsOf)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']),
      );
      expect(statementsOnTable('connect', 'orders')).toEqual([]);
      expect(statementsOnTable('connect', 'routingConfig')).toEqual([]);
    });

    it('gives disconnect write-only access to Sessions', () => {
      // Act
      const actions = statementsOnTable('disconnect', 'sessions').flatMap(actionsOf);

      // Assess
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'dynamodb:PutItem']));
      expect(actions).not.toContain('dynamodb:GetItem');
      expect(actions).not.toContain('dynamodb:Query');
    });

    it('gives route read-only access to RoutingConfig and no access to Sessions, Orders or the calendar', () => {
      // Act
      const actions = statementsOnTable('route', 'routingConfig').flatMap(actionsOf);

      // Assess
      expect(actions).toContain('dynamodb:GetItem');
      expect(actions).not.toContain('dynamodb:PutItem');
      expect(statementsOnTable('route', 'sessions')).toEqual([]);
      expect(statementsOnTable('route', 'orders')).toEqual([]);
      expect(statementsOnTable('route', 'calendar')).toEqual([]);
    });

    it('gives invoke read/write on the capacity state (mitigation, budget status) and route read-only', () => {
      // Act
      const invoke = statementsOnTable('invoke', 'capacityState').flatMap(actionsOf);
      const route = statementsOnTable('route', 'capacityState').flatMap(actionsOf);

      // Assess
      expect(invoke).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
      expect(route).toContain('dynamodb:GetItem');
      expect(route).not.toContain('dynamodb:PutItem');
      for (const name of ['connect', 'disconnect', 'default'] as const) expect(statementsOnTable(name, 'capacityState')).toEqual([]);
    });

    const WRITE_ACTIONS = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;

    it("gives invoke read-only access to the calendar (the budget's event pool) and no other handler any", () => {
      // Act
      const actions = statementsOnTable('invoke', 'calendar').flatMap(actionsOf);

      // Assess
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
      expect(actions.filter((action) => WRITE_ACTIONS.test(action))).toEqual([]);
      for (const name of HANDLER_NAMES.filter((handler) => handler !== 'invoke')) expect(statementsOnTable(name, 'calendar')).toEqual([]);
    });

    it.each(['route', 'invoke'] as const)('gives %s read-only access to the FAQ table', (name) => {
      // Act
      const statements = statementsOnTable(name, 'faq');
      const actions = statements.flatMap(actionsOf);

      // Assess
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Scan']));
      // (CDK merges the read grants of several tables into one statement: no statement naming the FAQ may write.)
      expect(actions.filter((action) => WRITE_ACTIONS.test(action) || !action.startsWith('dynamodb:'))).toEqual([]);
      expect(statements.length).toBeGreaterThan(0);
    });

    it.each(['connect', 'disconnect', 'default'] as const)('gives %s no access to the FAQ table', (name) => {
      // Assess
      expect(statementsOnTable(name, 'faq')).toEqual([]);
    });

    it('gives invoke read/write on Sessions and read-only on RoutingConfig and Orders', () => {
      // Assess
      expect(statementsOnTable('invoke', 'sessions').flatMap(actionsOf)).toContain('dynamodb:PutItem');
      for (const table of ['routingConfig', 'orders'] as const) {
        const actions = statementsOnTable('invoke', table).flatMap(actionsOf);
        expect(actions).toContain('dynamodb:GetItem');
        expect(actions).not.toContain('dynamodb:PutItem');
      }
    });

    it.each(['route', 'invoke'] as const)('gives %s GetItem and Query on RoutingVersions, nothing else (it follows the newest version)', (name) => {
      // Act
      const statements = statementsOnTable(name, 'routingVersions');

      // Assess: the versions are written by `cli routing` and the evaluator, never by a request handler.
      expect(statements.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    });

    it.each(['connect', 'disconnect', 'default', 'feedback'] as const)('gives %s no access to RoutingVersions', (name) => {
      // Assess
      expect(statementsOnTable(name, 'routingVersions')).toEqual([]);
    });

    it('gives feedback GetItem and UpdateItem on Sessions and nothing else on any table', () => {
      // Assess: the answer's record and the connection are single-item reads; the rating is one conditional update.
      expect(statementsOnTable('feedback', 'sessions').flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      const dynamoActions = statementsOf('feedback').flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
      expect(dynamoActions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      for (const table of ['routingConfig', 'orders', 'calendar', 'capacityState', 'faq'] as const) expect(statementsOnTable('feedback', table)).toEqual([]);
    });

    it('lets feedback post to connections, with no Bedrock access and outside the VPC', () => {
      const actions = statementsOf('feedback').flatMap(actionsOf);
      expect(actions).toContain('execute-api:ManageConnections');
      expect(actions.filter((action) => action.startsWith('bedrock:'))).toEqual([]);
      expect(functionResource('feedback').Properties.VpcConfig).toBeUndefined();
    });

    it('gives default no table access at all', () => {
      // Assess
      expect(statementsOf('default').flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    });

    it('lets each function write logs to its own log group only, without the basic-execution managed policy', () => {
      for (const name of HANDLER_NAMES) {
        // Prepare
        const logGroupId = (functionResource(name).Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        const role = template.toJSON().Resources[logicalIdOf(fnOf(name).role!)] as Resource;

        // Act
        const logs = statementsOf(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));

        // Assess
        expect(logs).toHaveLength(1);
        expect(resourcesOf(logs[0]!)).toEqual([{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]);
        expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain('AWSLambdaBasicExecutionRole');
      }
    });
  });

  describe('alarms', () => {
    type AlarmResource = { Properties: Record<string, unknown> };
    const alarmNamed = (name: string): Record<string, unknown> => {
      const found = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as AlarmResource[]).find(
        (alarm) => alarm.Properties.AlarmName === name,
      );
      if (!found) throw new Error(`no alarm named ${name}`);
      return found.Properties;
    };

    it('has exactly the serving rows: throttles, queue wait, token plan, budget and cost, the experiment evaluator, and the operations rows', () => {
      // Act
      const names = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as AlarmResource[])
        .map((alarm) => String(alarm.Properties.AlarmName))
        // The operations rows (satisfaction per intent, CSAT, unmapped, latency, fallback) are test/infra/operations.test.ts's.
        .filter((name) => !/-(intent-satisfaction-[a-z_]+|csat|unmapped-intents|request-latency-[a-z]+|fallback-replies)$/.test(name));

      // Assess
      expect(names.sort()).toEqual([
        'mangaassist-prod-bedrock-throttles-haiku',
        'mangaassist-prod-bedrock-throttles-sonnet',
        'mangaassist-prod-budget-mode',
        'mangaassist-prod-budget-utilisation-high',
        'mangaassist-prod-budget-utilisation-morning',
        'mangaassist-prod-experiment-evaluator-errors',
        'mangaassist-prod-experiment-evaluator-idle',
        'mangaassist-prod-provisioned-throttles-haiku',
        'mangaassist-prod-provisioned-throttles-sonnet',
        'mangaassist-prod-queue-wait',
        'mangaassist-prod-routing-rollbacks',
        'mangaassist-prod-routing-rollbacks-blocked',
        'mangaassist-prod-spend-anomaly',
        'mangaassist-prod-strong-tier-cost',
        'mangaassist-prod-strong-tier-share',
        'mangaassist-prod-token-plan-exceeded',
      ]);
    });

    it.each(['haiku', 'sonnet'] as const)('alarms on any throttle of the %s tier on provisioned throughput, from the gateway own count', (tier) => {
      // Assess
      expect(alarmNamed(`mangaassist-prod-provisioned-throttles-${tier}`)).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: 'ModelThrottles',
        Dimensions: expect.arrayContaining([
          { Name: 'Tier', Value: tier },
          { Name: 'Target', Value: 'provisioned' },
        ]),
        Statistic: 'Sum',
        Period: 60,
        Threshold: 0,
        EvaluationPeriods: 1,
      });
    });

    it.each(['haiku', 'sonnet'] as const)('alarms on any AWS/Bedrock InvocationThrottles of the %s model in one 1-minute period', (tier) => {
      // Assess
      expect(alarmNamed(`mangaassist-prod-bedrock-throttles-${tier}`)).toMatchObject({
        Namespace: 'AWS/Bedrock',
        MetricName: 'InvocationThrottles',
        Dimensions: [{ Name: 'ModelId', Value: MODEL_CATALOGS.current[tier].modelId }],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmDescription: expect.stringMatching(/ > 0 for 1 period of 1 min\. Runbook: docs\/runbooks\/bedrock-throttles\.md$/),
      });
    });

    it('alarms on QueueWaitMs p99 above 300 ms for 3 of 3 minutes', () => {
      // Assess
      expect(alarmNamed('mangaassist-prod-queue-wait')).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: 'QueueWaitMs',
        Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
        ExtendedStatistic: 'p99',
        Period: 60,
        Threshold: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
        AlarmDescription: expect.stringMatching(/Runbook: docs\/runbooks\/queue-wait\.md$/),
      });
    });

    it('alarms on any TokenPlanExceeded in a 5-minute period', () => {
      // Assess
      expect(alarmNamed('mangaassist-prod-token-plan-exceeded')).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: 'TokenPlanExceeded',
        Dimensions: [{ Name: 'service', Value: 'mangaassist-gateway' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        AlarmDescription: expect.stringMatching(/Runbook: docs\/runbooks\/token-plan\.md$/),
      });
    });
  });

  describe('budget and cost alarms', () => {
    type MetricQuery = {
      Id: string;
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number; Stat: string };
    };
    const alarmNamed = (name: string): Record<string, unknown> => {
      const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
      if (found.length !== 1) throw new Error(`expected one alarm named ${name}, found ${found.length}`);
      return (found[0] as Resource).Properties;
    };
    const queriesOf = (name: string): MetricQuery[] => alarmNamed(name).Metrics as MetricQuery[];
    const service = { Name: 'service', Value: 'mangaassist-gateway' };

    it.each([
      ['budget-utilisation-morning', 'budget-utilisation', { Threshold: 0.6, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 }],
      ['budget-utilisation-high', 'budget-utilisation', { Threshold: 0.95, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 }],
      ['budget-mode', 'budget-mode', { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 24, DatapointsToAlarm: 24 }],
      ['strong-tier-share', 'strong-tier-share', { Threshold: 0.2, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 }],
      ['strong-tier-cost', 'strong-tier-cost', { Threshold: 1_725_000_000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3 }],
      ['spend-anomaly', 'spend-anomaly', { Threshold: 5000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3 }],
    ] as const)('alarms on %s with its threshold and periods, missing data as not breaching, naming docs/runbooks/%s.md', (id, runbook, expected) => {
      // Act
      const alarm = alarmNamed(`mangaassist-prod-${id}`);

      // Assess
      expect(alarm).toMatchObject({ ...expected, TreatMissingData: 'notBreaching' });
      expect(alarm.AlarmDescription).toMatch(new RegExp(` Runbook: docs/runbooks/${runbook}\\.md$`));
      expect(existsSync(path.join(__dirname, '..', '..', 'docs', 'runbooks', `${runbook}.md`))).toBe(true);
    });

    it('counts utilisation only before noon JST: HOUR() of each 5-minute maximum at or after 15:00 or before 03:00 UTC', () => {
      // Act
      const [expression, utilisation, ...rest] = queriesOf('mangaassist-prod-budget-utilisation-morning');

      // Assess
      expect(expression).toMatchObject({ Expression: 'IF(HOUR(utilisation) >= 15 OR HOUR(utilisation) < 3, utilisation, 0)', ReturnData: true });
      expect(utilisation).toEqual({
        Id: 'utilisation',
        MetricStat: { Metric: { Namespace: 'MangaAssist', MetricName: 'BudgetUtilisation', Dimensions: [service] }, Period: 300, Stat: 'Maximum' },
        ReturnData: false,
      });
      expect(rest).toEqual([]);
    });

    it.each([
      ['budget-utilisation-high', 'BudgetUtilisation', 'Maximum', 300],
      ['budget-mode', 'BudgetMode', 'Maximum', 300],
      ['spend-anomaly', 'ProjectedSpendUsd', 'Maximum', 300],
    ] as const)('reads %s from %s (%s per %i s) with only the service dimension', (id, metricName, statistic, period) => {
      // Assess
      expect(alarmNamed(`mangaassist-prod-${id}`)).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: metricName,
        Dimensions: [service],
        Statistic: statistic,
        Period: period,
      });
    });

    it("puts the mode threshold at conserve's index in the guardian's modes, so any mode but normal counts", () => {
      // Assess
      // The invoke path publishes BudgetMode with this encoding (lambdas/app/answer/budget.ts).
      expect(BUDGET_MODE_VALUE).toEqual(Object.fromEntries(BUDGET_MODES.map((mode, index) => [mode, index])));
      expect(BUDGET_MODES.indexOf('normal')).toBe(0);
      expect(alarmNamed('mangaassist-prod-budget-mode').Threshold).toBe(BUDGET_MODES.indexOf('conserve'));
      expect(BUDGET_MODES.slice(1)).toEqual(['conserve', 'emergency', 'exhausted']);
    });

    it('computes the strong-tier share as sonnet answers over all tiers per 15 min, 0 under 100 answers', () => {
      // Act
      const queries = queriesOf('mangaassist-prod-strong-tier-share');
      const byId = Object.fromEntries(queries.map((query) => [query.Id, query]));

      // Assess
      expect(queries.filter((query) => query.ReturnData !== false)).toEqual([
        expect.objectContaining({ Expression: 'IF(total >= 100, FILL(sonnet, 0) / total, 0)' }),
      ]);
      expect(byId.total?.Expression).toBe('FILL(template, 0) + FILL(haiku, 0) + FILL(sonnet, 0)');
      for (const tier of ['template', 'haiku', 'sonnet']) {
        expect(byId[tier]?.MetricStat).toEqual({
          Metric: { Namespace: 'MangaAssist', MetricName: 'RequestLatency', Dimensions: [{ Name: 'Tier', Value: tier }, service] },
          Period: 900,
          Stat: 'SampleCount',
        });
      }
      expect(queries).toHaveLength(5);
    });

    it('sums StrongTierCostMicroUsd per day against 115% of 60% of the daily budget, in micro-USD', () => {
      // Assess
      expect(alarmNamed('mangaassist-prod-strong-tier-cost')).toMatchObject({
        Namespace: 'MangaAssist',
        MetricName: 'StrongTierCostMicroUsd',
        Dimensions: [service],
        Statistic: 'Sum',
        Period: 86_400,
        Threshold: 1_725_000_000,
        AlarmDescription: expect.stringContaining('strong-tier projection of $1500/day'),
      });
    });

    it('stays within CloudWatch evaluation limits: one day under 1-hour periods, seven days otherwise', () => {
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]) {
        // Prepare
        const metrics = alarm.Properties.Metrics as MetricQuery[] | undefined;
        const period = (metrics ? metrics.find((query) => query.MetricStat)?.MetricStat?.Period : alarm.Properties.Period) as number;

        // Act
        const range = period * (alarm.Properties.EvaluationPeriods as number);

        // Assess
        expect(range).toBeLessThanOrEqual(period < 3600 ? 86_400 : 604_800);
      }
    });

    it('gives every alarm exactly one action, the alarm topic, on ALARM and on OK', () => {
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]) {
        // Assess
        expect(alarm.Properties.AlarmActions).toHaveLength(1);
        expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
      }
    });
  });

  describe('network', () => {
    it('spans two AZs with public and private subnets, the configured NAT gateways and flow logs', () => {
      // Assess
      assertResourceCount(template, 'AWS::EC2::Subnet', 4);
      assertResourceCount(template, 'AWS::EC2::NatGateway', 1);
      assertHasResourceProperties(template, 'AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
    });

    it('routes DynamoDB through a gateway endpoint and Bedrock Runtime through a private-DNS interface endpoint', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      });
      assertHasResourceProperties(template, 'AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: 'com.amazonaws.ap-northeast-1.bedrock-runtime',
        PrivateDnsEnabled: true,
      });
    });

    it('has no execute-api interface endpoint (it would break postToConnection from the VPC)', () => {
      // Act
      const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) =>
        JSON.stringify((endpoint as Resource).Properties.ServiceName),
      );

      // Assess
      expect(services).toHaveLength(2);
      expect(services.filter((service) => service.includes('execute-api'))).toEqual([]);
    });

    it('admits only the invoke function to the Bedrock endpoint', () => {
      // Prepare
      const endpointGroupId = logicalIdOf(synth.gateway.network.bedrockEndpoint.connections.securityGroups[0]!);
      const clientGroupId = logicalIdOf(synth.gateway.cache.clientSecurityGroup);

      // Act
      const ingress = Object.values(
        template.findResources('AWS::EC2::SecurityGroupIngress', {
          Properties: { GroupId: { 'Fn::GetAtt': [endpointGroupId, 'GroupId'] } },
        }),
      ).map((rule) => (rule as Resource).Properties);

      // Assess
      expect(ingress).toEqual([
        expect.objectContaining({ FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [clientGroupId, 'GroupId'] } }),
      ]);
    });
  });

  it('needs no context lookups, so synth stays offline even with a known account', () => {
    // Act
    const assembly = synth.app.synth();

    // Assess
    expect(synth.gateway.account).toBe('123456789012');
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  describe('cache', () => {
    it('runs Valkey on two nodes across AZs with failover, encrypted at rest and in transit, on a non-default port', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::ElastiCache::ReplicationGroup', {
        Engine: 'valkey',
        EngineVersion: Match.stringLikeRegexp('^[89]\\.'),
        CacheNodeType: 'cache.t4g.small',
        NumCacheClusters: 2,
        MultiAZEnabled: true,
        AutomaticFailoverEnabled: true,
        AtRestEncryptionEnabled: true,
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
        Port: CACHE_PORT,
      });
      expect(CACHE_PORT).not.toBe(6379);
    });

    it('admits only the invoke function security group, on the cache port', () => {
      // Prepare
      const cacheGroupId = logicalIdOf(synth.gateway.cache.securityGroup);
      const clientGroupId = logicalIdOf(synth.gateway.cache.clientSecurityGroup);
      const invokeGroups = (functionResource('invoke').Properties.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds;

      // Act
      const ingress = Object.values(
        template.findResources('AWS::EC2::SecurityGroupIngress', {
          Properties: { GroupId: { 'Fn::GetAtt': [cacheGroupId, 'GroupId'] } },
        }),
      ).map((rule) => (rule as Resource).Properties);
      const group = template.toJSON().Resources[cacheGroupId] as Resource;

      // Assess
      expect(ingress).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: CACHE_PORT,
          ToPort: CACHE_PORT,
          SourceSecurityGroupId: { 'Fn::GetAtt': [clientGroupId, 'GroupId'] },
        }),
      ]);
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(invokeGroups).toEqual([{ 'Fn::GetAtt': [clientGroupId, 'GroupId'] }]);
    });

    it('places the cache in the private subnets', () => {
      // Prepare
      const privateSubnetIds = synth.gateway.network.vpc.privateSubnets.map((subnet) => ({ Ref: logicalIdOf(subnet) }));

      // Assess
      assertHasResourceProperties(template, 'AWS::ElastiCache::SubnetGroup', { SubnetIds: privateSubnetIds });
    });
  });
});

describe('gateway stack with non-default parameters', () => {
  let synth: SynthesizedApp;
  let template: Template;

  beforeAll(() => {
    synth = synthesizeApp(
      makeParams({
        stageName: 'dev',
        natGateways: 2,
        logRetentionDays: 7,
        modelCatalogProfile: 'seed',
        cacheNodeType: 'cache.r7g.large',
        dailyBudgetUsd: 4000,
        strongTierDailyProjectionUsd: 2000,
        budget: { conserveAt: 0.8, rampOrder: ['comparison', 'translation'] },
      }),
    );
    template = synth.gatewayTemplate;
  });

  it('allows invoke only the seed foundation models, in the stack region', () => {
    // Act
    const [bedrock] = statementsOfRole(template, synth.gateway.handlers.functions.invoke.role!).filter(
      (statement) => statement.Sid === BEDROCK_STATEMENT_SID,
    );

    // Assess
    expect((resourcesOf(bedrock!) as string[]).sort()).toEqual([
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0',
    ]);
  });

  it('passes the seed catalog to the functions', () => {
    // Act
    const properties = template.toJSON().Resources[logicalIdOf(synth.gateway.handlers.functions.route)].Properties as {
      Environment: { Variables: Record<string, string> };
    };

    // Assess
    expect(JSON.parse(properties.Environment.Variables[ENV.modelCatalog]!)).toEqual(MODEL_CATALOGS.seed);
  });

  it('names the stage, scopes connection management to it and sizes NAT and cache from the parameters', () => {
    // Act
    const manage = statementsOfRole(template, synth.gateway.handlers.functions.default.role!).filter((statement) =>
      actionsOf(statement).includes('execute-api:ManageConnections'),
    );

    // Assess
    assertHasResourceProperties(template, 'AWS::ApiGatewayV2::Stage', { StageName: 'dev' });
    expect(JSON.stringify(resourcesOf(manage[0]!))).toContain('/dev/*/@connections/*');
    assertResourceCount(template, 'AWS::EC2::NatGateway', 2);
    assertHasResourceProperties(template, 'AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.r7g.large' });
  });

  it('passes invoke the budget parameter as BUDGET_CONFIG and dailyBudgetUsd as DAILY_BUDGET_USD', () => {
    // Act
    const properties = template.toJSON().Resources[logicalIdOf(synth.gateway.handlers.functions.invoke)].Properties as {
      Environment: { Variables: Record<string, string> };
    };
    const variables = properties.Environment.Variables;

    // Assess
    expect(variables[ENV.dailyBudgetUsd]).toBe('4000');
    expect(parseBudgetConfig(variables[ENV.budgetConfig], 4000)).toEqual({
      ...DEFAULT_BUDGET_CONFIG,
      dailyUsd: 4000,
      conserveAt: 0.8,
      rampOrder: ['comparison', 'translation'],
    });
  });

  it('derives the spend and strong-tier cost thresholds from dailyBudgetUsd and strongTierDailyProjectionUsd', () => {
    // Act
    const alarms = Object.fromEntries(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => {
        const properties = (alarm as Resource).Properties;
        return [properties.AlarmName as string, properties];
      }),
    );

    // Assess
    expect(alarms['mangaassist-dev-spend-anomaly']).toMatchObject({ Threshold: 8000, AlarmDescription: expect.stringContaining('daily budget of $4000') });
    expect(alarms['mangaassist-dev-strong-tier-cost']).toMatchObject({
      Threshold: 2_300_000_000,
      AlarmDescription: expect.stringContaining('strong-tier projection of $2000/day'),
    });
  });

  it('applies the log retention to every log group', () => {
    // Act
    const retentions = Object.values(template.findResources('AWS::Logs::LogGroup')).map(
      (group) => (group as Resource).Properties.RetentionInDays,
    );

    // Assess
    expect(retentions.length).toBeGreaterThanOrEqual(7);
    expect(new Set(retentions)).toEqual(new Set([7]));
  });
});
