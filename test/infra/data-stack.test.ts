import { Match, Template } from 'aws-cdk-lib/assertions';
import { ALL_TABLES, FAQ_TABLE, type TableDefinition } from '../../lambdas/schema/tables';
import { DataStack } from '../../lib/stacks/data-stack';
import { assertHasResourceProperties, assertResourceCount, makeParams, newApp } from './fixture';

const synthDataStack = (tableRemovalPolicy: 'retain' | 'destroy'): Template => {
  const app = newApp();
  const stack = new DataStack(app, 'Data', {
    env: { account: '123456789012', region: 'ap-northeast-1' },
    parameters: makeParams({ tableRemovalPolicy }),
  });
  return Template.fromStack(stack);
};

const expectedKeySchema = (definition: TableDefinition) => [
  { AttributeName: definition.partitionKey, KeyType: 'HASH' },
  ...(definition.sortKey ? [{ AttributeName: definition.sortKey, KeyType: 'RANGE' }] : []),
];

describe('data stack', () => {
  let template: Template;

  beforeAll(() => {
    template = synthDataStack('retain');
  });

  it('creates exactly the shared table definitions', () => {
    // Assess
    assertResourceCount(template, 'AWS::DynamoDB::Table', ALL_TABLES.length);
  });

  it.each(ALL_TABLES.map((definition) => [definition.logicalName, definition] as const))(
    'gives the %s table the key schema and TTL attribute of its shared definition',
    (_name, definition) => {
      // Assess
      assertHasResourceProperties(template, 'AWS::DynamoDB::Table', {
        KeySchema: expectedKeySchema(definition),
        TimeToLiveSpecification: definition.ttlAttribute ? { AttributeName: definition.ttlAttribute, Enabled: true } : Match.absent(),
      });
    },
  );

  it('creates the operator-edited FAQ table keyed by id: on demand, point-in-time recovery, encrypted, retained', () => {
    // Act
    const faq = Object.entries(template.findResources('AWS::DynamoDB::Table')).filter(([id]) => id.startsWith(`Tables${FAQ_TABLE.logicalName}`));

    // Assess
    expect(FAQ_TABLE).toEqual({ logicalName: 'Faq', partitionKey: 'id' });
    expect(faq).toHaveLength(1);
    expect(faq[0]![1]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
    expect(faq[0]![1].Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('bills every table on demand, with point-in-time recovery and AWS-managed encryption', () => {
    // Act
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));

    // Assess
    expect(tables).toHaveLength(ALL_TABLES.length);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
      // AWS-managed key: no customer key to administer.
      expect(table.Properties.SSESpecification.KMSMasterKeyId).toBeUndefined();
    }
  });

  it('retains the tables, with deletion protection, by default', () => {
    // Act
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));

    // Assess
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('deletes the tables with the stack when tableRemovalPolicy is destroy', () => {
    // Act
    const tables = Object.values(synthDataStack('destroy').findResources('AWS::DynamoDB::Table'));

    // Assess
    expect(tables).toHaveLength(ALL_TABLES.length);
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });
});
