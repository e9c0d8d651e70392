import { RemovalPolicy, Validations, type Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  AUTHORIZER_ENTRIES,
  HANDLER_ENTRIES,
  MAINTENANCE_ENTRIES,
  OPERATIONS_ENTRIES,
  SCHEDULED_ENTRIES,
  type AuthorizerName,
  type HandlerName,
  type MaintenanceName,
  type OperationsName,
  type ScheduledName,
} from '../../lambdas/runtime/env-names';
import { ESBUILD_OPTIONS, REPO_ROOT, entryPath } from '../bundling';
import { RUNTIME_ENVIRONMENT } from '../handler-specs';

/** A WebSocket route handler (HANDLER_ENTRIES), a scheduled capacity function (SCHEDULED_ENTRIES) or a maintenance one. */
export type GatewayFunctionName = HandlerName | ScheduledName | MaintenanceName | AuthorizerName | OperationsName;

/** Every entry the house construct can bundle (the `$connect` authorizer's included); the sets of names are disjoint. */
export const FUNCTION_ENTRIES: Readonly<Record<GatewayFunctionName, string>> = {
  ...HANDLER_ENTRIES,
  ...SCHEDULED_ENTRIES,
  ...MAINTENANCE_ENTRIES,
  ...AUTHORIZER_ENTRIES,
  ...OPERATIONS_ENTRIES,
};

/** Active tracing's X-Ray actions are why every house function's role holds Resource "*". */
const XRAY_WILDCARD_REASON =
  'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions and require Resource "*".';

export interface GatewayFunctionProps {
  /** Which entry of FUNCTION_ENTRIES this function bundles. */
  readonly handlerName: GatewayFunctionName;
  readonly logRetention: RetentionDays;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Application variables; RUNTIME_ENVIRONMENT (Powertools, Node options) is added here. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /**
   * Asynchronous invocations only (EventBridge Scheduler, alarm actions): where an event goes once Lambda's own
   * retries are spent, how many retries, and how old an event may get before it is dropped into the queue.
   */
  readonly deadLetterQueue?: IQueue;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
  /**
   * Why statements the caller adds to the role need Resource "*" besides X-Ray (an action with no resource-level
   * permission); appended to the one AwsSolutions-IAM5[Resource::*] acknowledgement of the role.
   */
  readonly anyResourceReason?: string;
}

/**
 * The house Lambda function: every WebSocket handler and every scheduled capacity function is one of these, so
 * the defaults below live in one place.
 * The log group and the role are created next to the function (ids `<id>LogGroup`, `<id>ServiceRole`) because a
 * subclass cannot create children before `super()`.
 */
export class GatewayFunction extends NodejsFunction {
  readonly handlerName: GatewayFunctionName;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    // An explicit log group: retention is set by CloudFormation, without the LogRetention custom resource, and
    // the group exists before the first invocation. Retained on delete so logs outlive a rollback for forensics;
    // the retention period bounds their cost.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function write to every
    // log group in the account; this one may write only to its own (granted below).
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `MangaAssist ${props.handlerName} handler`,
    });
    if (props.vpc) {
      // ENI management for a function in a VPC. The EC2 network-interface actions have no useful resource-level
      // scoping, so an inline policy would be as broad; the AWS-maintained policy tracks what Lambda needs. (It also
      // carries logs:* on "*", so for a VPC function the own-log-group scoping below is not the only log grant.)
      role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    }

    super(scope, id, {
      entry: entryPath(FUNCTION_ENTRIES[props.handlerName]),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: entryPath('package-lock.json'),
      description: props.description,
      // Node 22 is the required runtime (its target is what esbuild compiles for); pinned, not "latest", so an
      // aws-cdk-lib upgrade cannot change the runtime under us.
      runtime: Runtime.NODEJS_22_X,
      // Graviton: about 20% cheaper per GB-second than x86 and at least as fast for this I/O-bound work; the
      // bundle is pure JavaScript, so nothing is architecture-specific.
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup,
      role,
      // X-Ray segments per invocation (init and handler time). Subsegments per DynamoDB / Bedrock / management API
      // call would need the SDK clients wrapped by a tracer, which the handlers do not do yet.
      tracing: Tracing.ACTIVE,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      // Powertools service name and metrics namespace, and NODE_OPTIONS=--enable-source-maps.
      environment: { ...props.environment, ...RUNTIME_ENVIRONMENT },
      bundling: {
        // Local esbuild (installed as a dev dependency): synth needs no Docker and no network.
        forceDockerBundling: false,
        // The remaining settings mirror ESBUILD_OPTIONS (lib/bundling.ts), which the cold-start benchmark uses.
        minify: ESBUILD_OPTIONS.minify,
        target: ESBUILD_OPTIONS.target,
        format: ESBUILD_OPTIONS.format === 'cjs' ? OutputFormat.CJS : OutputFormat.ESM,
        sourceMap: ESBUILD_OPTIONS.sourcemap,
        sourcesContent: ESBUILD_OPTIONS.sourcesContent,
        mainFields: [...ESBUILD_OPTIONS.mainFields],
        // Empty, where NodejsFunction would mark @aws-sdk/* external: bundle the SDK v3 clients the handler
        // imports, pinned to the tested version, and nothing else.
        externalModules: [...ESBUILD_OPTIONS.external],
        // Quiet synth output; sizes and SDK clients per bundle are what `npm run bench:coldstart` reports.
        logLevel: LogLevel.WARNING,
      },
    });
    this.handlerName = props.handlerName;
    logGroup.grantWrite(this);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the required runtime (the bundles are compiled for node22); it is pinned on purpose rather than following the newest runtime.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: props.anyResourceReason === undefined ? XRAY_WILDCARD_REASON : `${XRAY_WILDCARD_REASON} ${props.anyResourceReason}`,
    });
    if (props.vpc) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'A function in a VPC needs the EC2 network-interface actions, which cannot be scoped to resources; the AWS-maintained AWSLambdaVPCAccessExecutionRole tracks exactly those.',
      });
    }
  }
}
