import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { parseBudgetConfig } from '../../lambdas/runtime/budget-config';
import { loadConfig } from '../../lambdas/runtime/config';

describe('BUDGET_CONFIG', () => {
  it('is the embedded defaults when unset or empty, with the daily budget given', () => {
    expect(parseBudgetConfig(undefined, 900)).toEqual({ ...DEFAULT_BUDGET_CONFIG, dailyUsd: 900 });
    expect(parseBudgetConfig('  ')).toEqual(DEFAULT_BUDGET_CONFIG);
  });

  it('replaces the fields it names, token budgets as a whole', () => {
    const config = parseBudgetConfig('{"rampOrder":["comparison","recommendation"],"tokenBudgets":{"chitchat":{"maxInputTokens":100,"maxOutputTokens":80}}}', 2500);

    expect(config.rampOrder).toEqual(['comparison', 'recommendation']);
    expect(config.tokenBudgets).toEqual({ chitchat: { maxInputTokens: 100, maxOutputTokens: 80 } });
    expect(config.conserveAt).toBe(DEFAULT_BUDGET_CONFIG.conserveAt);
  });

  it('lists every problem at once: misspelt keys, unknown intents, bad numbers, and a daily budget in the wrong place', () => {
    const json = JSON.stringify({
      dailyUsd: 100,
      rampOrdr: [],
      rampOrder: ['comparison', 'comparison', 'opus'],
      emergencyAt: 1.5,
      hourlyTrafficShare: [1],
      tokenBudgets: { chitchat: { maxInputTokens: 0, maxOutputTokens: 10, extra: 1 } },
    });

    let message = '';
    try {
      parseBudgetConfig(json);
    } catch (error) {
      message = (error as Error).message;
    }

    for (const problem of ['dailyUsd: the daily budget is DAILY_BUDGET_USD', 'Unrecognized key: "rampOrdr"', 'rampOrder.2:', 'emergencyAt:', 'hourlyTrafficShare: must have 24', 'tokenBudgets.chitchat.maxInputTokens:', 'Unrecognized key: "extra"']) {
      expect(message).toContain(problem);
    }
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['not an object', '[1]', 'must be a JSON object'],
    ['a share that does not sum to 1', JSON.stringify({ hourlyTrafficShare: Array(24).fill(0.05) }), 'must sum to 1'],
    ['an intent twice in the ramp', JSON.stringify({ rampOrder: ['comparison', 'comparison'] }), 'must not name an intent twice'],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseBudgetConfig(json)).toThrow(message);
  });

  it('is parsed at cold start with the rest of the environment, failing the init with its problems', () => {
    const environment = { DAILY_BUDGET_USD: '1200', BUDGET_CONFIG: '{"conserveAt":0.8}' };

    const config = loadConfig(environment, ['DAILY_BUDGET_USD', 'BUDGET_CONFIG']);

    expect(config.DAILY_BUDGET_USD).toBe(1200);
    expect(config.BUDGET_CONFIG).toMatchObject({ conserveAt: 0.8, rampStep: DEFAULT_BUDGET_CONFIG.rampStep });
    expect(config.BUDGET_CONFIG).not.toHaveProperty('dailyUsd');
    expect(() => loadConfig({ ...environment, BUDGET_CONFIG: '{"conserveAt":-1}' }, ['DAILY_BUDGET_USD', 'BUDGET_CONFIG'])).toThrow(/BUDGET_CONFIG: invalid budget configuration: conserveAt/);
  });
});
