import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/runtime/env-names';
import { CACHE_TOKEN_ROTATION_DAYS } from '../../lib/constructs/cache';
import { APPLY_GUARDRAIL_ACTION, DENIED_TOPICS } from '../../lib/constructs/guardrail';
import { GUARDRAIL_STATEMENT_SID } from '../../lib/constructs/handlers';
import { actionsOf, assertHasResourceProperties, assertResourceCount, logicalIdOf, makeParams, resourcesOf, statementsOfRole, synthesizeApp, type SynthesizedApp } from './fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };

const environmentOf = (template: Template, id: string): Record<string, unknown> =>
  ((template.toJSON().Resources[id] as Resource).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

describe('guardrail and cache authentication (issue 9, items 4 and 5)', () => {
  let synth: SynthesizedApp;
  let template: Template;

  beforeAll(() => {
    synth = synthesizeApp(makeParams());
    template = synth.gatewayTemplate;
  });

  describe('Bedrock guardrail', () => {
    it('denies the store-inappropriate topics, filters content and prompt attacks, and masks or blocks PII in answers', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::Bedrock::Guardrail', {
        TopicPolicyConfig: {
          TopicsConfig: Match.arrayWith(['Piracy', 'Legal advice', 'Medical advice', 'Financial advice'].map((name) => Match.objectLike({ Name: name, Type: 'DENY' }))),
          TopicsTierConfig: { TierName: 'STANDARD' },
        },
        ContentPolicyConfig: {
          FiltersConfig: Match.arrayWith([Match.objectLike({ Type: 'HATE' }), Match.objectLike({ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' })]),
          ContentFiltersTierConfig: { TierName: 'STANDARD' },
        },
        SensitiveInformationPolicyConfig: {
          PiiEntitiesConfig: Match.arrayWith([
            Match.objectLike({ Type: 'ADDRESS', OutputAction: 'ANONYMIZE', InputEnabled: false }),
            Match.objectLike({ Type: 'PHONE', OutputAction: 'ANONYMIZE', InputEnabled: false }),
            Match.objectLike({ Type: 'CREDIT_DEBIT_CARD_NUMBER', OutputAction: 'BLOCK' }),
          ]),
        },
        CrossRegionConfig: { GuardrailProfileArn: Match.anyValue() },
      });
    });

    it('keeps each denied topic within the API limits (name 100, definition 200, five examples of 100)', () => {
      // Assess
      for (const topic of DENIED_TOPICS) {
        expect(topic.name.length).toBeLessThanOrEqual(100);
        expect(topic.definition.length).toBeLessThanOrEqual(200);
        expect((topic.examples ?? []).length).toBeLessThanOrEqual(5);
        for (const example of topic.examples ?? []) expect(example.length).toBeLessThanOrEqual(100);
      }
    });

    it('publishes a version of it, and gives the invoke function that id and version', () => {
      // Prepare
      const guardrail = synth.gateway.guardrail;
      if (guardrail === undefined) throw new Error('no guardrail');
      const guardrailId = logicalIdOf(guardrail.guardrail);
      const versionId = logicalIdOf(guardrail.version);

      // Act
      const environment = environmentOf(template, logicalIdOf(synth.gateway.handlers.functions.invoke));

      // Assess
      assertHasResourceProperties(template, 'AWS::Bedrock::GuardrailVersion', { GuardrailIdentifier: { 'Fn::GetAtt': [guardrailId, 'GuardrailId'] } });
      expect(environment[ENV.guardrailId]).toEqual({ 'Fn::GetAtt': [guardrailId, 'GuardrailId'] });
      expect(environment[ENV.guardrailVersion]).toEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
    });

    it('lets only the invoke function apply it, on this guardrail and its profile only', () => {
      // Prepare
      const guardrail = synth.gateway.guardrail;
      if (guardrail === undefined) throw new Error('no guardrail');

      // Act
      const byFunction = Object.fromEntries(
        Object.entries(synth.gateway.handlers.functions).map(([name, fn]) => [
          name,
          statementsOfRole(template, fn.role!).filter((statement) => actionsOf(statement).includes(APPLY_GUARDRAIL_ACTION)),
        ]),
      );

      // Assess
      expect(Object.entries(byFunction).filter(([, statements]) => statements.length > 0).map(([name]) => name)).toEqual(['invoke']);
      const [statement] = byFunction['invoke'] ?? [];
      expect(statement?.Sid).toBe(GUARDRAIL_STATEMENT_SID);
      expect(actionsOf(statement!)).toEqual([APPLY_GUARDRAIL_ACTION]);
      const resources = resourcesOf(statement!);
      expect(resources).toHaveLength(2);
      expect(resources).toEqual(
        expect.arrayContaining([
          { 'Fn::GetAtt': [logicalIdOf(guardrail.guardrail), 'GuardrailArn'] },
          'arn:aws:bedrock:*:123456789012:guardrail-profile/apac.guardrail.v1:0',
        ]),
      );
    });

    it('publishes a new version when the policies change (the version description carries their digest)', () => {
      // Prepare
      const descriptionOf = (app: SynthesizedApp): unknown =>
        (Object.values(app.gatewayTemplate.findResources('AWS::Bedrock::GuardrailVersion'))[0] as Resource).Properties['Description'];

      // Act
      const otherProfile = synthesizeApp(makeParams({ guardrailProfileId: 'us.guardrail.v1:0', region: 'ap-northeast-1' }));
      const same = synthesizeApp(makeParams());

      // Assess
      expect(descriptionOf(same)).toBe(descriptionOf(synth));
      expect(descriptionOf(otherProfile)).not.toBe(descriptionOf(synth));
      expect(descriptionOf(synth)).toMatch(/policies [0-9a-f]{16}$/);
    });

    it('is not created, and the function gets no guardrail variable or permission, with guardrailEnabled false', () => {
      // Act
      const off = synthesizeApp(makeParams({ guardrailEnabled: false }));
      const environment = environmentOf(off.gatewayTemplate, logicalIdOf(off.gateway.handlers.functions.invoke));
      const statements = statementsOfRole(off.gatewayTemplate, off.gateway.handlers.functions.invoke.role!);

      // Assess
      assertResourceCount(off.gatewayTemplate, 'AWS::Bedrock::Guardrail', 0);
      expect(environment[ENV.guardrailId]).toBeUndefined();
      expect(environment[ENV.guardrailVersion]).toBeUndefined();
      expect(statements.some((statement) => actionsOf(statement).includes(APPLY_GUARDRAIL_ACTION))).toBe(false);
    });
  });

  describe('cache authentication', () => {
    it('requires TLS and an AUTH token resolved from Secrets Manager, never written into the template', () => {
      // Prepare
      const secretId = logicalIdOf(synth.gateway.cache.authSecret);

      // Act
      const group = template.toJSON().Resources[logicalIdOf(synth.gateway.cache.replicationGroup)] as Resource;

      // Assess
      expect(group.Properties).toMatchObject({ TransitEncryptionEnabled: true, TransitEncryptionMode: 'required', AtRestEncryptionEnabled: true });
      expect(group.Properties['AuthToken']).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });
    });

    it('generates a 64-character token of letters and digits (characters ElastiCache accepts)', () => {
      // Assess
      assertHasResourceProperties(template, 'AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false }),
      });
    });

    it('rotates the token every 30 days through its own function, which may modify only this replication group', () => {
      // Prepare
      const cache = synth.gateway.cache;
      const rotationId = logicalIdOf(cache.rotationFunction);

      // Act
      const statements = statementsOfRole(template, cache.rotationFunction.role!);
      const elasticache = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('elasticache:')));

      // Assess
      assertHasResourceProperties(template, 'AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: logicalIdOf(cache.authSecret) },
        RotationLambdaARN: { 'Fn::GetAtt': [rotationId, 'Arn'] },
        RotationRules: { ScheduleExpression: `rate(${CACHE_TOKEN_ROTATION_DAYS} days)` },
      });
      expect(elasticache).toHaveLength(1);
      expect(actionsOf(elasticache[0]!).sort()).toEqual(['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup']);
      const resources = JSON.stringify(resourcesOf(elasticache[0]!));
      expect(resources).toContain(':replicationgroup:');
      expect(resources).toContain(JSON.stringify({ Ref: logicalIdOf(cache.replicationGroup) }));
      expect(environmentOf(template, rotationId)).toMatchObject({ [ENV.cacheReplicationGroupId]: { Ref: logicalIdOf(cache.replicationGroup) } });
    });

    it('lets only the invoke function read the token, and tells it where the secret is', () => {
      // Prepare
      const secretRef = { Ref: logicalIdOf(synth.gateway.cache.authSecret) };

      // Act
      const readers = Object.entries(synth.gateway.handlers.functions).filter(([, fn]) =>
        statementsOfRole(template, fn.role!).some((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue')),
      );

      // Assess
      expect(readers.map(([name]) => name)).toEqual(['invoke']);
      expect(environmentOf(template, logicalIdOf(synth.gateway.handlers.functions.invoke))[ENV.cacheAuthSecretArn]).toEqual(secretRef);
      const [, invoke] = readers[0]!;
      const read = statementsOfRole(template, invoke.role!).find((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue'));
      expect(resourcesOf(read!)).toEqual([secretRef]);
    });
  });
});
