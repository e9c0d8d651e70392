import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { AwsSolutionsChecks } from 'cdk-nag';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { parseCapacityConfig } from '../../lambdas/runtime/capacity-config';
import { buildStacks, type MangaAssistStacks } from '../../lib/app';
import { complianceChecks } from '../../lib/compliance';
import { CapacityScheduler, type CapacitySchedulerProps } from '../../lib/constructs/capacity-scheduler';
import { GatewayTables } from '../../lib/constructs/tables';
import { PARAMETERS_CONTEXT_KEY, parseParameters, type DeployParameters, type DeployParametersInput } from '../../lib/parameters';

export const TEST_ACCOUNT = '123456789012';

/** Valid deploy parameters: the schema's defaults plus a fixed account (so ARNs are literal), with overrides. */
export const makeParams = (overrides: DeployParametersInput = {}): DeployParameters =>
  parseParameters({ account: TEST_ACCOUNT, ...overrides });

/** The feature flags of cdk.json, so the tests synthesize what `cdk synth` synthesizes. */
const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const { [PARAMETERS_CONTEXT_KEY]: _parameters, ...flags } = cdkJson.context;
  return flags;
};

export interface AppOptions {
  /** Run esbuild for the Lambda assets (otherwise they get a placeholder hash). */
  readonly bundle?: boolean;
  /** Run CDK's built-in CloudFormation template validation, as `cdk synth` does (costs seconds). */
  readonly validate?: boolean;
}

/**
 * An App with cdk.json's feature flags. Bundling and the built-in template validation are off unless asked
 * for: assertions on the templates need neither, and each costs seconds per test file on 2 cores.
 */
export const newApp = (options: AppOptions = {}): App =>
  new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': options.bundle ? ['**'] : [] },
    builtinCloudFormationValidation: options.validate ?? false,
  });

export interface SynthesizedApp extends MangaAssistStacks {
  readonly app: App;
  readonly checks: AwsSolutionsChecks;
  readonly dataTemplate: Template;
  readonly gatewayTemplate: Template;
  readonly capacityTemplate: Template;
}

/** Both stacks, built from `params` the way bin/app.ts builds them, and synthesized once. */
export const synthesizeApp = (params: DeployParameters = makeParams(), options: AppOptions = {}): SynthesizedApp => {
  const app = newApp(options);
  const stacks = buildStacks(app, params, undefined);
  const checks = complianceChecks(app);
  return {
    ...stacks,
    app,
    checks,
    dataTemplate: Template.fromStack(stacks.data),
    gatewayTemplate: Template.fromStack(stacks.gateway),
    capacityTemplate: Template.fromStack(stacks.capacity),
  };
};

/** The capacity scheduler's props in one place: defaults that synthesize, with any of them overridden. */
export interface SchedulerPropsOverrides extends Partial<Omit<CapacitySchedulerProps, 'capacity'>> {
  /** Fields of a CapacityConfig patch, resolved the way CAPACITY_CONFIG is (namePrefix `test` unless given). */
  readonly capacity?: Readonly<Record<string, unknown>>;
}

export interface SynthesizedScheduler {
  readonly stack: Stack;
  readonly scheduler: CapacityScheduler;
  readonly tables: GatewayTables;
  readonly template: Template;
}

/**
 * The CapacityScheduler construct alone, in a stack with a fixed account and its own tables: for what depends on
 * the construct's props (windows, lead time, name prefix, enabled) rather than on the deploy parameters.
 */
export const synthesizeScheduler = (overrides: SchedulerPropsOverrides = {}): SynthesizedScheduler => {
  const stack = new Stack(newApp(), 'SchedulerUnderTest', { env: { account: TEST_ACCOUNT, region: 'ap-northeast-1' } });
  const tables = new GatewayTables(stack, 'Tables', { removalPolicy: 'destroy' });
  const { capacity, ...rest } = overrides;
  const props: CapacitySchedulerProps = {
    tables: tables.tables,
    catalog: MODEL_CATALOGS.current,
    enabled: true,
    logRetention: 30,
    ...rest,
    capacity: parseCapacityConfig(JSON.stringify({ namePrefix: 'test', ...capacity })),
  };
  const scheduler = new CapacityScheduler(stack, 'Scheduler', props);
  return { stack, scheduler, tables, template: Template.fromStack(stack) };
};

/** The logical id of a construct's CloudFormation resource (the construct itself, or its default child). */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(resource).getLogicalId(resource);
};

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of the inline policies attached to a role. */
export const statementsOfRole = (template: Template, role: IConstruct): Statement[] => {
  const roleId = logicalIdOf(role.node.defaultChild as CfnRole);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
};

export const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

export const resourcesOf = (statement: Statement): unknown[] => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]);

/** `template.hasResourceProperties`, named so the lint rule sees the assertion. */
export const assertHasResourceProperties = (template: Template, type: string, properties: unknown): void =>
  template.hasResourceProperties(type, properties);

/** `template.resourceCountIs`, named so the lint rule sees the assertion. */
export const assertResourceCount = (template: Template, type: string, count: number): void => template.resourceCountIs(type, count);
