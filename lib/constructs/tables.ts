import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ORDERS_TABLE, ROUTING_CONFIG_TABLE, SESSIONS_TABLE, type TableDefinition } from '../../lambdas/schema/tables';
import type { TableKey } from '../handler-specs';

/** The gateway's tables as the stateless stack sees them. */
export type GatewayTableSet = Readonly<Record<TableKey, ITable>>;

export const TABLE_DEFINITIONS: Readonly<Record<TableKey, TableDefinition>> = {
  sessions: SESSIONS_TABLE,
  routingConfig: ROUTING_CONFIG_TABLE,
  orders: ORDERS_TABLE,
};

export interface GatewayTablesProps {
  /** `retain` for anything holding real data; `destroy` for throwaway stacks. */
  readonly removalPolicy: 'retain' | 'destroy';
}

/**
 * The three DynamoDB tables, shaped by the shared definitions in lambdas/schema/tables.ts (the same ones the
 * offline stack creates in dynalite), so keys and TTL cannot drift between AWS and local.
 */
export class GatewayTables extends Construct {
  readonly tables: Readonly<Record<TableKey, Table>>;

  constructor(scope: Construct, id: string, props: GatewayTablesProps) {
    super(scope, id);
    const retain = props.removalPolicy === 'retain';
    const build = (definition: TableDefinition): Table =>
      new Table(this, definition.logicalName, {
        // Every key in the shared definitions is a string (`pk`/`sk` prefixes, intent names, order ids).
        partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
        ...(definition.sortKey !== undefined && { sortKey: { name: definition.sortKey, type: AttributeType.STRING } }),
        ...(definition.ttlAttribute !== undefined && { timeToLiveAttribute: definition.ttlAttribute }),
        // On demand: traffic is spiky (5x on release nights) and nothing here needs reserved capacity.
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Encrypted with the AWS-managed key (aws/dynamodb): auditable in CloudTrail, no key to administer.
        encryption: TableEncryption.AWS_MANAGED,
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        // A retained table is real data: also refuse a delete from the console or an API call.
        deletionProtection: retain,
      });
    this.tables = {
      sessions: build(TABLE_DEFINITIONS.sessions),
      routingConfig: build(TABLE_DEFINITIONS.routingConfig),
      orders: build(TABLE_DEFINITIONS.orders),
    };
  }
}
