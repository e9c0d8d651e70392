import { DEFAULT_LIMITS_CONFIG } from '../../lambdas/core/limits';
import { LimitsConfigError, parseLimitsConfig } from '../../lambdas/runtime/limits-config';

describe('parseLimitsConfig (LIMITS_CONFIG)', () => {
  it('is the embedded defaults when unset or empty', () => {
    expect(parseLimitsConfig(undefined)).toBe(DEFAULT_LIMITS_CONFIG);
    expect(parseLimitsConfig('  ')).toBe(DEFAULT_LIMITS_CONFIG);
  });

  it('merges customer and guest field by field over the defaults', () => {
    const config = parseLimitsConfig('{"customer":{"dailySpendUsd":2},"guest":{"messagesPerMinute":0},"inFlightRetryAfterMs":500}');
    expect(config.customer).toEqual({ ...DEFAULT_LIMITS_CONFIG.customer, dailySpendUsd: 2 });
    expect(config.guest).toEqual({ ...DEFAULT_LIMITS_CONFIG.guest, messagesPerMinute: 0 });
    expect(config.inFlightRetryAfterMs).toBe(500);
    expect(config.inFlightTtlMs).toBe(DEFAULT_LIMITS_CONFIG.inFlightTtlMs);
  });

  it('refuses bad JSON, misspelt keys and bad values, every problem at once', () => {
    expect(() => parseLimitsConfig('{')).toThrow(new LimitsConfigError('limits configuration is not valid JSON'));
    expect(() => parseLimitsConfig('[1]')).toThrow('must be a JSON object');
    let message = '';
    try {
      parseLimitsConfig('{"customer":{"messagesPerMinut":5,"invokesInFlight":-1},"guest":{"dailySpendUsd":"1"}}');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid limits configuration: /);
    expect(message).toContain('messagesPerMinut');
    expect(message).toContain('customer.invokesInFlight');
    expect(message).toContain('guest.dailySpendUsd');
  });
});
