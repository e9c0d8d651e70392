import { Stack, Validations, type App } from 'aws-cdk-lib';
import type { Grant, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
// cdk-nag's own rendering of a resource for IAM5 finding ids (no `exports` map, so the deep import is allowed).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag AWS Solutions pack, set up the same way for `cdk synth` and the tests. cdk-nag 3 is a CDK
 * validation plugin: register it with `Validations.of(app).addPlugins(...)` and any unacknowledged finding fails
 * synthesis. Acknowledgements (`Validations.of(construct).acknowledge`) sit next to the resource they concern and
 * are copied into the template's Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
 */
export const complianceChecks = (app: App): AwsSolutionsChecks =>
  new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true });

/**
 * Acknowledges AwsSolutions-IAM5 for exactly the wildcard resources of some statements, on the principal that
 * holds them: cdk-nag 3 matches finding ids verbatim (`AwsSolutions-IAM5[Resource::<arn>]`), so the ids are
 * rendered the way cdk-nag renders them. Any other wildcard on the same principal still fails the check. A bare
 * "*" is left alone: the house function acknowledges it once per role, with every reason it is there.
 */
export const acknowledgeStatementWildcards = (principal: IConstruct, statements: readonly PolicyStatement[], reason: string): void => {
  const stack = Stack.of(principal);
  for (const statement of statements) {
    for (const resource of statement.resources) {
      const rendered = flattenCfnReference(stack.resolve(resource) as unknown);
      if (rendered.includes('*') && rendered !== '*') {
        Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}]`, reason });
      }
    }
  }
};

/** acknowledgeStatementWildcards for the statements of one grant. */
export const acknowledgeGrantWildcards = (principal: IConstruct, grant: Grant, reason: string): void =>
  acknowledgeStatementWildcards(principal, grant.principalStatements, reason);
