import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GatewayTables, type GatewayTableSet } from '../constructs/tables';
import type { DeployParameters } from '../parameters';

export interface DataStackProps extends StackProps {
  readonly parameters: Pick<DeployParameters, 'tableRemovalPolicy'>;
}

/** The stateful half: the tables. Deployed rarely, retained by default, never replaced with the gateway. */
export class DataStack extends Stack {
  readonly tables: GatewayTableSet;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.tables = new GatewayTables(this, 'Tables', { removalPolicy: props.parameters.tableRemovalPolicy }).tables;
  }
}
