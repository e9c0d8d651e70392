import { Duration, Fn, Stack } from 'aws-cdk-lib';
import { Port, SecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/runtime/env-names';
import { GatewayFunction } from './gateway-function';

/** Not 6379: scanners probe the default port first, and cdk-nag AEC5 asks for a non-default one. */
export const CACHE_PORT = 6380;
export const VALKEY_ENGINE_VERSION = '8.1';

/** How often the AUTH token is replaced (the previous one stays valid until the rotation after). */
export const CACHE_TOKEN_ROTATION_DAYS = 30;

export interface CacheProps {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly nodeType: string;
  /** Log retention of the token rotation function. */
  readonly logRetention: RetentionDays;
}

/**
 * ElastiCache (Valkey) for the response cache and the spend counters: two nodes in two AZs with automatic
 * failover, TLS in transit (required), encrypted at rest. Reachable only from `clientSecurityGroup`, which the
 * invoke function wears, and only with the AUTH token (issue 9, item 5): a random 64-character token kept in Secrets
 * Manager (`authSecret`), which CloudFormation resolves into the replication group and the invoke function reads at
 * cold start (`grantTokenRead`). A rotation function replaces it every 30 days with ElastiCache's ROTATE strategy:
 * the new token is accepted next to the previous one, so warm functions holding the old token keep working.
 */
export class Cache extends Construct {
  /** Attach to a client (the invoke function): the cache admits this group on CACHE_PORT, and only it. */
  readonly clientSecurityGroup: SecurityGroup;
  readonly securityGroup: SecurityGroup;
  readonly replicationGroup: CfnReplicationGroup;
  /** `rediss://<primary endpoint>:<port>`: TLS, since in-transit encryption is required. No token in it. */
  readonly url: string;
  /** The AUTH token (SecretString, letters and digits), rotated every CACHE_TOKEN_ROTATION_DAYS. */
  readonly authSecret: Secret;
  readonly rotationFunction: GatewayFunction;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MangaAssist cache: admits only the cache client group',
      allowAllOutbound: false,
    });
    this.clientSecurityGroup = new SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: 'MangaAssist cache clients: HTTPS out (Bedrock, DynamoDB, management API via NAT) and the cache port',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(this.clientSecurityGroup, Port.tcp(CACHE_PORT), 'Valkey from cache clients');
    this.clientSecurityGroup.addEgressRule(this.securityGroup, Port.tcp(CACHE_PORT), 'Valkey');
    // HTTPS to anywhere: AWS APIs through the endpoints and, for postToConnection, through the NAT gateway.
    this.clientSecurityGroup.connections.allowToAnyIpv4(Port.tcp(443), 'HTTPS to AWS APIs');

    const subnetGroup = new CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'MangaAssist cache: private subnets',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    // Letters and digits only: ElastiCache allows few punctuation characters in a token (! & # $ ^ < > -), and a
    // URL-safe token is easier on every client. 64 characters, the length the rotation function generates too.
    this.authSecret = new Secret(this, 'AuthToken', {
      description: 'MangaAssist cache AUTH token (rotated; read by the invoke function at cold start)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false, requireEachIncludedType: true },
    });

    this.replicationGroup = new CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'MangaAssist response cache and spend counters',
      engine: 'valkey',
      engineVersion: VALKEY_ENGINE_VERSION,
      cacheNodeType: props.nodeType,
      // A primary and a replica in different AZs; a failover promotes the replica in seconds.
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: CACHE_PORT,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      // Resolved by CloudFormation at deploy time ({{resolve:secretsmanager:...}}): the token is never in the template.
      authToken: this.authSecret.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      autoMinorVersionUpgrade: true,
      // The spend counters matter after a total loss; a daily snapshot kept one day costs little.
      snapshotRetentionLimit: 1,
    });

    this.url = Fn.join('', [
      'rediss://',
      this.replicationGroup.attrPrimaryEndPointAddress,
      ':',
      this.replicationGroup.attrPrimaryEndPointPort,
    ]);

    const stack = Stack.of(this);
    this.rotationFunction = new GatewayFunction(this, 'TokenRotationFunction', {
      handlerName: 'cacheTokenRotation',
      description: 'MangaAssist cache AUTH token rotation (Secrets Manager)',
      memorySize: 256,
      // testSecret waits for the replication group to apply the new token (minutes).
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      environment: { [ENV.cacheAuthSecretArn]: this.authSecret.secretArn, [ENV.cacheReplicationGroupId]: this.replicationGroup.ref },
      anyResourceReason: 'Rotation also calls secretsmanager:GetRandomPassword, which has no resource.',
    });
    this.rotationFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'RotateCacheAuthToken',
        actions: ['elasticache:ModifyReplicationGroup', 'elasticache:DescribeReplicationGroups'],
        resources: [`arn:${stack.partition}:elasticache:${stack.region}:${stack.account}:replicationgroup:${this.replicationGroup.ref}`],
      }),
    );
    // Grants the function the secret's versions and Secrets Manager the right to invoke it.
    this.authSecret.addRotationSchedule('Rotation', {
      rotationLambda: this.rotationFunction,
      automaticallyAfter: Duration.days(CACHE_TOKEN_ROTATION_DAYS),
    });
  }

  /** Lets a cache client read the AUTH token (GetSecretValue on this secret only) and says where it is. */
  grantTokenRead(client: IGrantable): void {
    this.authSecret.grantRead(client);
  }
}
