import type { App } from 'aws-cdk-lib';
import type { DeployParameters } from './parameters';
import { CapacityStack } from './stacks/capacity-stack';
import { DataStack } from './stacks/data-stack';
import { GatewayStack } from './stacks/gateway-stack';
import { WidgetStack } from './stacks/widget-stack';

export const DATA_STACK_NAME = 'MangaAssistData';
export const GATEWAY_STACK_NAME = 'MangaAssistGateway';
export const CAPACITY_STACK_NAME = 'MangaAssistCapacity';
export const WIDGET_STACK_NAME = 'MangaAssistWidget';

export interface MangaAssistStacks {
  readonly data: DataStack;
  readonly gateway: GatewayStack;
  readonly capacity: CapacityStack;
  /** With the `widgetHosting` parameter only: the web chat widget's script on CloudFront. */
  readonly widget?: WidgetStack;
}

/**
 * The three stacks from validated parameters: what `bin/app.ts` deploys and what the infrastructure tests synthesize.
 * Without an account in the parameters the stacks take the CLI's default account, or stay account-agnostic.
 */
export const buildStacks = (app: App, parameters: DeployParameters, defaultAccount = process.env.CDK_DEFAULT_ACCOUNT): MangaAssistStacks => {
  const env = { account: parameters.account ?? defaultAccount, region: parameters.region };
  const data = new DataStack(app, DATA_STACK_NAME, {
    env,
    description: 'MangaAssist routing gateway: DynamoDB tables and the alarm topic (stateful)',
    parameters,
  });
  const gateway = new GatewayStack(app, GATEWAY_STACK_NAME, {
    env,
    description: 'MangaAssist routing gateway: WebSocket API, handlers, cache and network (stateless)',
    parameters,
    tables: data.tables,
    alarmAction: data.alarmTopic.action,
  });
  const capacity = new CapacityStack(app, CAPACITY_STACK_NAME, {
    env,
    description: 'MangaAssist routing gateway: provisioned-throughput scheduler, its schedules and alarms (stateless)',
    parameters,
    tables: data.tables,
    alarmAction: data.alarmTopic.action,
  });
  const widget = parameters.widgetHosting
    ? new WidgetStack(app, WIDGET_STACK_NAME, { env, description: 'MangaAssist routing gateway: the web chat widget script on S3 + CloudFront (OAC)', parameters })
    : undefined;
  return { data, gateway, capacity, ...(widget && { widget }) };
};
