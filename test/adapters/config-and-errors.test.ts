import { ThrottlingException, ModelStreamErrorException, ServiceUnavailableException } from '@aws-sdk/client-bedrock-runtime';
import { toModelError } from '../../lambdas/adapters/bedrock-model-client';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { ConfigError, loadConfig } from '../../lambdas/runtime/config';

const meta = { $metadata: {}, message: 'x' };

describe('toModelError', () => {
  it('maps throttling before the stream to model_throttled', () => {
    expect(toModelError(new ThrottlingException(meta), false).code).toBe('model_throttled');
  });

  it('maps any failure after text to model_stream_interrupted', () => {
    expect(toModelError(new ThrottlingException(meta), true).code).toBe('model_stream_interrupted');
    expect(toModelError(new ModelStreamErrorException(meta), true).code).toBe('model_stream_interrupted');
  });

  it('maps a socket timeout to model_timeout even mid-stream', () => {
    const timeout = Object.assign(new Error('socket hang'), { name: 'TimeoutError' });

    expect(toModelError(timeout, true).code).toBe('model_timeout');
  });

  it('maps service errors to model_unavailable, keeping the cause', () => {
    const cause = new ServiceUnavailableException(meta);

    const mapped = toModelError(cause, false);

    expect(mapped.code).toBe('model_unavailable');
    expect(mapped.cause).toBe(cause);
  });
});

describe('loadConfig', () => {
  const valid = {
    SESSIONS_TABLE: 'sessions-table',
    MODEL_CATALOG: JSON.stringify(MODEL_CATALOGS.current),
    REDIS_URL: 'rediss://cache.example:6380',
    AWS_REGION: 'ap-northeast-1',
  };

  it('parses the variables a handler asks for, with typed values and defaults', () => {
    const config = loadConfig(valid, ['MODEL_CATALOG', 'REDIS_URL', 'BEDROCK_REQUEST_TIMEOUT_MS']);

    expect(config.MODEL_CATALOG.sonnet.modelId).toBe(MODEL_CATALOGS.current.sonnet.modelId);
    expect(config.BEDROCK_REQUEST_TIMEOUT_MS).toBe(10_000);
  });

  it('fails at cold start listing every bad variable', () => {
    const broken = { ...valid, MODEL_CATALOG: '{not json', REDIS_URL: 'http://nope' };

    expect(() => loadConfig(broken, ['SESSIONS_TABLE', 'MODEL_CATALOG', 'REDIS_URL', 'ORDERS_TABLE'])).toThrow(ConfigError);
    expect(() => loadConfig(broken, ['MODEL_CATALOG', 'REDIS_URL', 'ORDERS_TABLE'])).toThrow(
      /MODEL_CATALOG: must be JSON.*REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL.*ORDERS_TABLE/,
    );
  });

  it('rejects a catalog without a model tier', () => {
    const noSonnet = { ...valid, MODEL_CATALOG: JSON.stringify({ haiku: MODEL_CATALOGS.current.haiku }) };

    expect(() => loadConfig(noSonnet, ['MODEL_CATALOG'])).toThrow(/MODEL_CATALOG\.sonnet/);
  });
});
