import { ConfigError, loadConfig } from '../../lambdas/runtime/config';

const KEYS = ['GUARDRAIL_ID', 'GUARDRAIL_VERSION', 'CACHE_AUTH_SECRET_ARN', 'CACHE_REPLICATION_GROUP_ID'] as const;

describe('the invoke function reads its guardrail and cache secret once, at cold start', () => {
  it('accepts what the stack sets: a guardrail id and version number, a secret ARN, a replication group id', () => {
    // Act
    const config = loadConfig(
      {
        GUARDRAIL_ID: 'x7k2p9q4m1ab',
        GUARDRAIL_VERSION: '3',
        CACHE_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:CacheAuthToken-AbC123',
        CACHE_REPLICATION_GROUP_ID: 'mangaassist-cache-1',
      },
      KEYS,
    );

    // Assess
    expect(config).toEqual({
      GUARDRAIL_ID: 'x7k2p9q4m1ab',
      GUARDRAIL_VERSION: '3',
      CACHE_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:CacheAuthToken-AbC123',
      CACHE_REPLICATION_GROUP_ID: 'mangaassist-cache-1',
    });
  });

  it('runs without a guardrail and without AUTH when neither is set (offline, guardrailEnabled false)', () => {
    // Assess
    expect(loadConfig({}, KEYS)).toEqual({});
  });

  it('accepts a guardrail ARN and DRAFT, as Bedrock does', () => {
    // Assess
    expect(loadConfig({ GUARDRAIL_ID: 'arn:aws:bedrock:ap-northeast-1:123456789012:guardrail/x7k2p9q4m1ab', GUARDRAIL_VERSION: 'DRAFT' }, KEYS)).toMatchObject({
      GUARDRAIL_VERSION: 'DRAFT',
    });
  });

  it('fails the cold start on shapes Bedrock would refuse, listing every problem', () => {
    // Act
    const load = () => loadConfig({ GUARDRAIL_ID: 'My Guardrail', GUARDRAIL_VERSION: 'v1', CACHE_AUTH_SECRET_ARN: 'CacheAuthToken' }, KEYS);

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/GUARDRAIL_ID.*GUARDRAIL_VERSION.*CACHE_AUTH_SECRET_ARN/);
  });
});
