import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { CapacityConfigError, parseCapacityConfig } from '../../lambdas/runtime/capacity-config';

describe('parseCapacityConfig', () => {
  it('is the embedded default when unset or blank', () => {
    expect(parseCapacityConfig(undefined)).toBe(DEFAULT_CAPACITY_CONFIG);
    expect(parseCapacityConfig('  ')).toBe(DEFAULT_CAPACITY_CONFIG);
  });

  it('merges a partial tier over the defaults', () => {
    const config = parseCapacityConfig(JSON.stringify({ tiers: { sonnet: { committedUnits: 2 } } }));
    expect(config.tiers.sonnet).toEqual({ ...DEFAULT_CAPACITY_CONFIG.tiers.sonnet, committedUnits: 2 });
    expect(config.tiers.haiku).toEqual(DEFAULT_CAPACITY_CONFIG.tiers.haiku);
  });

  it('lists every problem at once, misspelt nested keys and schedule gaps included', () => {
    const bad = {
      drainMs: -1,
      tiers: { sonnet: { maxUnit: 3 } },
      mitigation: { demoteIntents: ['faq'] },
      windows: [{ name: 'day', from: '06:00', to: '18:00', expectedTps: { haiku: 1, sonnet: 1 } }],
    };
    const thrown = ((): unknown => {
      try {
        return parseCapacityConfig(JSON.stringify(bad));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(CapacityConfigError);
    const message = (thrown as Error).message;
    expect(message).toMatch(/drainMs/);
    expect(message).toMatch(/tiers\.sonnet.*maxUnit/);
    expect(message).toMatch(/mitigation\.demoteIntents\.0/);
  });

  it('refuses a schedule that leaves part of the day uncovered', () => {
    const windows = [{ name: 'day', from: '06:00', to: '18:00', expectedTps: { haiku: 1, sonnet: 1 } }];
    expect(() => parseCapacityConfig(JSON.stringify({ windows }))).toThrow(/no window covers 18:00-06:00 JST/);
  });

  it('refuses JSON that is not an object', () => {
    expect(() => parseCapacityConfig('[1]')).toThrow(/must be a JSON object/);
    expect(() => parseCapacityConfig('{')).toThrow(/not valid JSON/);
  });
});
