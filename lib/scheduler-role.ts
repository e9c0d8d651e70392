import { Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { acknowledgeGrantWildcards } from './compliance';

/**
 * The role EventBridge Scheduler invokes our functions with, instead of each target's default one: confused-deputy
 * conditions (only this account's schedules whose names match `schedulePattern`, e.g. `<prefix>-*` or one name, may
 * assume it) and the invoke grants acknowledged in one place. Construct id `SchedulerRole` in `scope`.
 */
export const schedulerInvokeRole = (
  scope: Construct,
  props: { readonly description: string; readonly schedulePattern: string; readonly functions: readonly IFunction[] },
): Role => {
  const stack = Stack.of(scope);
  const role = new Role(scope, 'SchedulerRole', {
    description: props.description,
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule/default/${props.schedulePattern}` },
      },
    }),
  });
  for (const fn of props.functions) {
    acknowledgeGrantWildcards(
      role,
      fn.grantInvoke(role),
      'lambda:InvokeFunction on this one function; the ":*" form that CDK adds covers its versions and aliases, which this stack does not create.',
    );
  }
  return role;
};
