import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic';
import { GatewayTables, type GatewayTableSet } from '../constructs/tables';
import { resolveCapacityConfig, type DeployParameters } from '../parameters';

export interface DataStackProps extends StackProps {
  readonly parameters: Pick<DeployParameters, 'tableRemovalPolicy' | 'stageName' | 'capacity' | 'alarmEmail'>;
}

/**
 * The stateful half: the tables, and the alarm topic, whose subscriptions (a confirmed e-mail, a pager) are state
 * that a replaced topic would lose. Deployed rarely, retained by default, never replaced with the gateway.
 */
export class DataStack extends Stack {
  readonly tables: GatewayTableSet;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { parameters } = props;
    this.tables = new GatewayTables(this, 'Tables', { removalPolicy: parameters.tableRemovalPolicy }).tables;
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      namePrefix: resolveCapacityConfig(parameters).namePrefix,
      ...(parameters.alarmEmail !== undefined && { email: parameters.alarmEmail }),
    });
  }
}
