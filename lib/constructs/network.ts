import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  SecurityGroup,
  SubnetType,
  type InterfaceVpcEndpoint,
  Vpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** 1-3; each private subnet's egress (including postToConnection) goes through one. */
  readonly natGateways: number;
  readonly logRetention: RetentionDays;
}

/**
 * The VPC the invoke function shares with the cache: two AZs, public subnets for the NAT gateways, private
 * subnets with egress for the function and the cache.
 *
 * Endpoints: DynamoDB through a (free) gateway endpoint and Bedrock Runtime through an interface endpoint with
 * private DNS, so model traffic stays on the AWS network. Deliberately NO `execute-api` interface endpoint:
 * with private DNS it captures every *.execute-api hostname in the VPC and breaks calls to the public WebSocket
 * management API (DESIGN section 7). `postToConnection` therefore leaves through the NAT gateway.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  /** Where the VPC function (invoke) and the cache live. */
  readonly privateSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
  /** Closed by default: clients are admitted one by one (`bedrockEndpoint.connections.allowDefaultPortFrom`). */
  readonly bedrockEndpoint: InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });

    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });

    this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.privateSubnets] });
    this.bedrockEndpoint = this.vpc.addInterfaceEndpoint('BedrockRuntime', {
      service: InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
      privateDnsEnabled: true,
      subnets: this.privateSubnets,
      // An endpoint only answers; it never opens connections.
      securityGroups: [
        new SecurityGroup(this, 'BedrockEndpointSecurityGroup', {
          vpc: this.vpc,
          description: 'Bedrock Runtime endpoint: HTTPS from admitted functions only',
          allowAllOutbound: false,
        }),
      ],
      // Not open to the whole VPC CIDR: only the functions that call Bedrock get in (see GatewayHandlers).
      open: false,
    });
  }
}
