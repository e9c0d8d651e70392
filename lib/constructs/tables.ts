import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  CAPACITY_STATE_TABLE,
  EVENT_CALENDAR_TABLE,
  EXPERIMENTS_TABLE,
  FAQ_TABLE,
  ORDERS_TABLE,
  ROUTING_CONFIG_TABLE,
  ROUTING_VERSIONS_TABLE,
  SESSIONS_TABLE,
  type TableDefinition,
} from '../../lambdas/schema/tables';
import type { TableAccess, TableKey } from '../handler-specs';

/** The gateway's and the capacity scheduler's tables as the stateless stacks see them. */
export type GatewayTableSet = Readonly<Record<TableKey, ITable>>;

export const TABLE_DEFINITIONS: Readonly<Record<TableKey, TableDefinition>> = {
  sessions: SESSIONS_TABLE,
  routingConfig: ROUTING_CONFIG_TABLE,
  routingVersions: ROUTING_VERSIONS_TABLE,
  orders: ORDERS_TABLE,
  calendar: EVENT_CALENDAR_TABLE,
  capacityState: CAPACITY_STATE_TABLE,
  faq: FAQ_TABLE,
  experiments: EXPERIMENTS_TABLE,
};

/** The names of some tables, for the functions' environment. */
export const tableNamesOf = <K extends TableKey>(tables: Readonly<Record<K, ITable>>): Readonly<Record<K, string>> =>
  Object.fromEntries((Object.entries(tables) as [K, ITable][]).map(([key, table]) => [key, table.tableName])) as Record<K, string>;

/** The narrowest grant for an access level of HANDLER_SPECS / SCHEDULED_SPECS. */
export const grantTable = (table: ITable, access: TableAccess, grantee: IGrantable): void => {
  switch (access) {
    case 'read':
      table.grantReadData(grantee);
      return;
    case 'write':
      table.grantWriteData(grantee);
      return;
    case 'readWrite':
      table.grantReadWriteData(grantee);
      return;
    case 'getUpdate':
      // AWS-managed encryption: no key grant to add.
      table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
      return;
    case 'getQueryUpdate':
      table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem');
      return;
    case 'getQuery':
      table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query');
      return;
  }
};

export interface GatewayTablesProps {
  /** `retain` for anything holding real data; `destroy` for throwaway stacks. */
  readonly removalPolicy: 'retain' | 'destroy';
}

/**
 * The DynamoDB tables, shaped by the shared definitions in lambdas/schema/tables.ts (the same ones the
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
      // Every routing change ever made (issue 12): the way back from a bad change, retained like the rest.
      routingVersions: build(TABLE_DEFINITIONS.routingVersions),
      orders: build(TABLE_DEFINITIONS.orders),
      // The event calendar is operator data (releases, one-off nights); the capacity state holds which throughput
      // serves each tier, so losing either mid-day would strand paid throughput: both are retained like the rest.
      calendar: build(TABLE_DEFINITIONS.calendar),
      capacityState: build(TABLE_DEFINITIONS.capacityState),
      // Operator-edited answers (issue 7): retained and recoverable like the calendar.
      faq: build(TABLE_DEFINITIONS.faq),
      // Experiments and their counters (issue 12): what decided each promotion and rollback, retained like the rest.
      experiments: build(TABLE_DEFINITIONS.experiments),
    };
  }
}
