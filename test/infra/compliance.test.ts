import { Stack, Validations, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import type { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildStacks, type MangaAssistStacks } from '../../lib/app';
import { complianceChecks } from '../../lib/compliance';
import { logicalIdOf, makeParams, newApp } from './fixture';

interface Acknowledgement {
  readonly path: string;
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
}

/**
 * The cdk-nag acknowledgements under `scope`. (aws-cdk-lib acknowledges a few of its own CloudFormation-Validate
 * rules inside its constructs, e.g. on FlowLog; those are the library's, not ours, and are left out.)
 */
const acknowledgementsIn = (scope: IConstruct): Acknowledgement[] =>
  scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          // Plain ids are stored with a namespace prefix; compare them as written.
          id: id.replace(/^[A-Za-z]+::/, ''),
          reason,
        }))
        .filter(({ id }) => id.startsWith('AwsSolutions-')),
      ),
  );

describe('cdk-nag AWS Solutions checks', () => {
  let app: App;
  let stacks: MangaAssistStacks;
  let checks: AwsSolutionsChecks;
  let synthError: unknown;

  beforeAll(() => {
    // Exactly what bin/app.ts does, with CDK's own template validation on, as under `cdk synth`.
    app = newApp({ validate: true });
    stacks = buildStacks(app, makeParams(), undefined);
    checks = complianceChecks(app);
    Validations.of(app).addPlugins(checks);
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
  });

  it('lets every stack synthesize with the checks and template validation enforcing', () => {
    // Assess
    expect(synthError).toBeUndefined();
  });

  it.each(['data', 'gateway', 'capacity'] as const)('finds no unacknowledged error in the %s stack', (name) => {
    // Act
    const report = checks.validateScope(stacks[name]);

    // Assess
    expect(report.violations.filter((violation) => violation.severity === 'error')).toEqual([]);
  });

  it.each(['data', 'gateway', 'capacity'] as const)('finds no unacknowledged warning either in the %s stack (they fail the synth too)', (name) => {
    // Act
    const report = checks.validateScope(stacks[name]);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges each finding with a specific reason, never a placeholder', () => {
    // Act
    const acknowledgements = acknowledgementsIn(app);

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/);
      expect(reason.length).toBeGreaterThanOrEqual(80);
      expect(reason).not.toMatch(/^(todo|tbd|n\/a|ok|fine|suppressed|not needed|false positive)\b/i);
    }
  });

  it('acknowledges on resources, never on a whole stack or the app', () => {
    // Act
    const onStacks = acknowledgementsIn(app).filter(({ construct }) => Stack.isStack(construct) || construct === app);

    // Assess
    expect(onStacks).toEqual([]);
  });

  it('acknowledges exactly the reviewed set of findings', () => {
    // Act
    const counts: Record<string, number> = {};
    for (const { id } of acknowledgementsIn(app)) {
      const rule = id
        .replace(/\[Resource::arn:.*@connections\/\*\]$/, '[ManageConnections on the stage]')
        .replace(/\[Resource::<SchedulerCapacity(Reconcile|Health)Function[0-9A-F]{8}\.Arn>:\*\]$/, '[scheduler invokes a capacity function]');
      counts[rule] = (counts[rule] ?? 0) + 1;
    }

    // Assess
    expect(counts).toEqual({
      // One per function (6 WebSocket, 2 capacity): Node 22 pinned; X-Ray actions have no resource scoping (and, on
      // the capacity functions, bedrock:ListProvisionedModelThroughputs has none either: same finding, one reason).
      // ... and the $connect authorizer; and the cache token rotation function (Secrets Manager's GetRandomPassword has no resource either);
      // and the weekly unmapped-intent audit (cloudwatch:ListMetrics and GetMetricData have no resource either);
      // and the experiment evaluator (X-Ray only: its DynamoDB grants name the three tables).
      'AwsSolutions-L1': 12,
      'AwsSolutions-IAM5[Resource::*]': 12,
      // The audit's and the evaluator's scheduler roles: CDK's grantInvoke adds the "<arn>:*" form.
      'AwsSolutions-IAM5[Resource::<UnmappedAuditFunctionB243210D.Arn>:*]': 1,
      'AwsSolutions-IAM5[Resource::<ExperimentEvaluatorFunction9AC7EFAF.Arn>:*]': 1,
      // invoke: the guardrail's profile in each destination Region of cross-Region inference.
      'AwsSolutions-IAM5[Resource::arn:aws:bedrock:*:123456789012:guardrail-profile/apac.guardrail.v1:0]': 1,
      // invoke (routing targets), reconcile (get/create/delete), health (get): ids are assigned at creation.
      'AwsSolutions-IAM5[Resource::arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model/*]': 3,
      // The scheduler role, once per capacity function: CDK's grantInvoke adds the "<arn>:*" form.
      'AwsSolutions-IAM5[scheduler invokes a capacity function]': 2,
      // The invoke function only: it runs in the VPC.
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]': 1,
      // route, invoke, feedback, default: connection ids exist only at runtime.
      'AwsSolutions-IAM5[ManageConnections on the stage]': 4,
      // One per route but $connect, which the $connect authorizer guards (WebSocket APIs authorize nowhere else).
      'AwsSolutions-APIG4': 5,
      // No AwsSolutions-AEC6: the cache has an AUTH token (Secrets Manager, rotated).
    });
  });

  it('writes the acknowledgements into the template as an audit trail', () => {
    // Prepare
    const role = stacks.gateway.handlers.functions.invoke.role;
    if (role === undefined) throw new Error('the invoke function has no role');
    const roleId = logicalIdOf(role);

    // Act
    const resource = Template.fromStack(stacks.gateway).toJSON().Resources[roleId] as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } };

    // Assess
    expect(resource.Metadata?.cdk_nag?.rules_to_suppress).toEqual(
      expect.arrayContaining([{ id: 'AwsSolutions-IAM5[Resource::arn:aws:bedrock:*:123456789012:guardrail-profile/apac.guardrail.v1:0]', reason: expect.stringMatching(/guardrail profile/) }]),
    );
  });

  it('has nothing to acknowledge on the cache any more: it requires the AUTH token and TLS (AEC6 passes on its own)', () => {
    // Prepare
    const cacheId = logicalIdOf(stacks.gateway.cache.replicationGroup);

    // Act
    const cache = Template.fromStack(stacks.gateway).toJSON().Resources[cacheId] as { Metadata?: Record<string, unknown> };
    const report = checks.validateScope(stacks.gateway.cache);

    // Assess
    expect(cache.Metadata?.['cdk_nag']).toBeUndefined();
    expect(report.violations).toEqual([]);
  });

  it('does report an unacknowledged finding (the gate can fail)', () => {
    // Prepare
    const scratch = new Stack(newApp(), 'Scratch');
    new CfnReplicationGroup(scratch, 'Plaintext', {
      replicationGroupDescription: 'no encryption, default port',
      engine: 'redis',
      cacheNodeType: 'cache.t4g.small',
      port: 6379,
    });

    // Act
    const report = checks.validateScope(scratch);

    // Assess
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-AEC3', 'AwsSolutions-AEC5']),
    );
  });
});
