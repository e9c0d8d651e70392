import { DEFAULT_CASCADE_CONFIG, RECOMMENDED_CASCADE_INTENTS } from '../../lambdas/core/cascade';
import { CascadeConfigError, parseCascadeConfig } from '../../lambdas/runtime/cascade-config';

describe('parseCascadeConfig', () => {
  it('is the embedded default (off) when unset or empty', () => {
    expect(parseCascadeConfig(undefined)).toBe(DEFAULT_CASCADE_CONFIG);
    expect(parseCascadeConfig('  ')).toBe(DEFAULT_CASCADE_CONFIG);
  });

  it('enables intents over the defaults, with per-intent thresholds', () => {
    const config = parseCascadeConfig(JSON.stringify({ intents: RECOMMENDED_CASCADE_INTENTS, thresholds: { translation: 0.9 } }));
    expect(config).toEqual({ ...DEFAULT_CASCADE_CONFIG, intents: RECOMMENDED_CASCADE_INTENTS, thresholds: { translation: 0.9 } });
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['not an object', '[]', 'must be a JSON object'],
    ['a misspelt key', JSON.stringify({ intent: ['comparison'] }), 'intent'],
    ['an unknown intent', JSON.stringify({ intents: ['opus'] }), 'intents'],
    ['a threshold above 1', JSON.stringify({ defaultThreshold: 1.5 }), 'defaultThreshold'],
    ['a negative time', JSON.stringify({ minTimeLeftMs: -1 }), 'minTimeLeftMs'],
    ['an intent twice', JSON.stringify({ intents: ['comparison', 'comparison'] }), 'must not name an intent twice'],
    ['a locked intent', JSON.stringify({ intents: ['recommendation'] }), 'recommendation is locked'],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseCascadeConfig(json)).toThrow(CascadeConfigError);
    expect(() => parseCascadeConfig(json)).toThrow(message);
  });
});
