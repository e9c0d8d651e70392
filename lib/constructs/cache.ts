import { Fn, Validations } from 'aws-cdk-lib';
import { Port, SecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

/** Not 6379: scanners probe the default port first, and cdk-nag AEC5 asks for a non-default one. */
export const CACHE_PORT = 6380;
export const VALKEY_ENGINE_VERSION = '8.1';

export interface CacheProps {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly nodeType: string;
}

/**
 * ElastiCache (Valkey) for the response cache and the spend counters: two nodes in two AZs with automatic
 * failover, TLS in transit, encrypted at rest. Reachable only from `clientSecurityGroup`, which the
 * invoke function wears; nothing else in the VPC can open a connection.
 */
export class Cache extends Construct {
  /** Attach to a client (the invoke function): the cache admits this group on CACHE_PORT, and only it. */
  readonly clientSecurityGroup: SecurityGroup;
  readonly securityGroup: SecurityGroup;
  readonly replicationGroup: CfnReplicationGroup;
  /** `rediss://<primary endpoint>:<port>`: TLS, since in-transit encryption is required. */
  readonly url: string;

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

    Validations.of(this.replicationGroup).acknowledge({
      id: 'AwsSolutions-AEC6',
      reason:
        'No Valkey AUTH token: only the invoke function security group can reach the port, every connection is TLS, and an AUTH token would have to be distributed as a secret for no added isolation. IAM authentication is a possible follow-up.',
    });
  }
}
