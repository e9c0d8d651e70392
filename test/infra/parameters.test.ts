import { App } from 'aws-cdk-lib';
import { DEFAULT_BUDGET_CONFIG } from '../../lambdas/core/budget/config';
import { DEFAULT_CAPACITY_CONFIG } from '../../lambdas/core/capacity/config';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { parseCapacityConfig } from '../../lambdas/runtime/capacity-config';
import { bedrockInvokeResources, provisionableModelArns } from '../../lib/bedrock-iam';
import { parseBudgetConfig } from '../../lambdas/runtime/budget-config';
import { parseCascadeConfig } from '../../lambdas/runtime/cascade-config';
import { DEFAULT_EXPERIMENT_CONFIG } from '../../lambdas/core/experiments/config';
import { ExperimentConfigError, parseExperimentConfig } from '../../lambdas/runtime/experiments-config';
import { parseLimitsConfig } from '../../lambdas/runtime/limits-config';
import {
  ParametersError,
  budgetConfigJson,
  cascadeConfigJson,
  experimentsConfigJson,
  limitsConfigJson,
  parseParameters,
  readParameters,
  resolveBudgetConfig,
  resolveCapacityConfig,
  resolveExperimentConfig,
  resolveModelCatalog,
  resolveStrongTierDailyProjectionUsd,
} from '../../lib/parameters';
import { makeParams } from './fixture';

const parseError = (raw: unknown): string => {
  try {
    parseParameters(raw);
  } catch (error) {
    if (error instanceof ParametersError) return error.message;
    throw error;
  }
  throw new Error('expected the parameters to be rejected');
};

describe('deploy parameters', () => {
  it('fills every default when the context is absent', () => {
    // Act
    const params = parseParameters(undefined);

    // Assess
    expect(params).toEqual({
      stageName: 'prod',
      region: 'ap-northeast-1',
      modelCatalogProfile: 'current',
      dailyBudgetUsd: 2500,
      logRetentionDays: 30,
      natGateways: 1,
      cacheNodeType: 'cache.t4g.small',
      tableRemovalPolicy: 'retain',
      capacitySchedulerEnabled: true,
      guardrailEnabled: true,
      guardrailProfileId: 'apac.guardrail.v1:0',
      auth: {},
    });
  });

  it('refuses a guardrail profile id that is not one (the Standard tier needs a system profile)', () => {
    // Act
    const parse = () => parseParameters({ guardrailProfileId: 'apac-guardrail', guardrailEnabled: 'yes' });

    // Assess
    expect(parse).toThrow(/guardrailProfileId: must be a guardrail profile id such as apac\.guardrail\.v1:0/);
    expect(parse).toThrow(/guardrailEnabled/);
  });

  it('accepts the JSON string that `-c mangaassist=...` passes', () => {
    // Act
    const params = parseParameters('{"stageName":"dev","natGateways":2,"tableRemovalPolicy":"destroy"}');

    // Assess
    expect(params).toMatchObject({ stageName: 'dev', natGateways: 2, tableRemovalPolicy: 'destroy', region: 'ap-northeast-1' });
  });

  it('reads the parameters from the app context key', () => {
    // Prepare
    const app = new App({ context: { mangaassist: { stageName: 'staging', logRetentionDays: 90 } } });

    // Act
    const params = readParameters(app);

    // Assess
    expect(params).toMatchObject({ stageName: 'staging', logRetentionDays: 90 });
  });

  it('lists every bad field, by name, in one error', () => {
    // Act
    const message = parseError({
      stageName: 'bad stage!',
      region: 'tokyo',
      account: '42',
      modelCatalogProfile: 'cheapest',
      dailyBudgetUsd: 0,
      logRetentionDays: 2,
      natGateways: 4,
      tableRemovalPolicy: 'snapshot',
      stagename: 'typo',
    });

    // Assess
    expect(message).toMatch(/^Invalid deploy parameters \(context "mangaassist"\), 9 problem\(s\):/);
    for (const field of [
      'stageName',
      'region',
      'account',
      'modelCatalogProfile',
      'dailyBudgetUsd',
      'logRetentionDays',
      'natGateways',
      'tableRemovalPolicy',
    ]) {
      expect(message).toMatch(new RegExp(`^  - ${field}: `, 'm'));
    }
    expect(message).toMatch(/Unrecognized key: "stagename"/);
    expect(message).toMatch(/logRetentionDays: must be one of the CloudWatch Logs retention periods: 1, 3, 5, 7, 14, 30/);
  });

  it('reports malformed JSON as such rather than as missing fields', () => {
    // Act
    const message = parseError('{"stageName":');

    // Assess
    expect(message).toMatch(/context "mangaassist"\): not valid JSON/);
  });

  it('rejects zero NAT gateways with the reason: postToConnection needs the NAT', () => {
    // Act
    const message = parseError({ natGateways: 0 });

    // Assess
    expect(message).toMatch(/natGateways: 0 leaves the invoke function .* no route to the public WebSocket management API/);
  });

  it('rejects a region the catalog inference profiles cannot be called from', () => {
    // Act
    const message = parseError({ region: 'us-east-1' });

    // Assess
    expect(message).toMatch(/region: us-east-1 cannot call the haiku inference profile "jp\.anthropic\.claude-haiku/);
    expect(message).toMatch(/region: us-east-1 cannot call the sonnet inference profile/);
  });

  it('rejects an override tier that is not a model tier, and unknown spec fields', () => {
    // Act
    const message = parseError({ modelOverrides: { template: {}, haiku: { modelID: 'x' } } });

    // Assess
    expect(message).toMatch(/modelOverrides: Unrecognized key: "template"/);
    expect(message).toMatch(/modelOverrides\.haiku: Unrecognized key: "modelID"/);
  });
});

describe('resolveModelCatalog', () => {
  it('gives the current catalog by default', () => {
    // Act
    const catalog = resolveModelCatalog(makeParams());

    // Assess
    expect(catalog).toEqual(MODEL_CATALOGS.current);
  });

  it('gives the seed model ids and prices for the seed profile', () => {
    // Act
    const catalog = resolveModelCatalog(makeParams({ modelCatalogProfile: 'seed' }));

    // Assess
    expect(catalog.haiku).toMatchObject({
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      inputUsdPerMTok: 0.25,
      outputUsdPerMTok: 1.25,
      profileRegions: [],
    });
    expect(catalog.sonnet).toMatchObject({ modelId: 'anthropic.claude-3-sonnet-20240229-v1:0', inputUsdPerMTok: 3, outputUsdPerMTok: 15 });
  });

  it('merges a partial override over the profile, field by field', () => {
    // Act
    const catalog = resolveModelCatalog(makeParams({ modelOverrides: { sonnet: { outputUsdPerMTok: 12, maxOutputTokens: 800 } } }));

    // Assess
    expect(catalog.sonnet).toEqual({ ...MODEL_CATALOGS.current.sonnet, outputUsdPerMTok: 12, maxOutputTokens: 800 });
    expect(catalog.haiku).toEqual(MODEL_CATALOGS.current.haiku);
  });

  it('rejects an override that names a non-foundation model id without profile regions', () => {
    // Act
    const message = parseError({ modelOverrides: { haiku: { profileRegions: [] } } });

    // Assess
    expect(message).toMatch(/modelOverrides\.haiku: modelId "jp\.anthropic\.claude-haiku-4-5-20251001-v1:0" is not the foundation model/);
  });
});

describe('capacity parameter', () => {
  const goodWindows = [
    { name: 'night', from: '00:00', to: '08:00', expectedTps: { haiku: 100, sonnet: 100 } },
    { name: 'day', from: '08:00', to: '00:00', expectedTps: { haiku: 5000, sonnet: 9000 } },
  ];

  it('resolves to the embedded defaults with a per-stage name prefix when absent', () => {
    // Act
    const capacity = resolveCapacityConfig(makeParams({ stageName: 'staging' }));

    // Assess
    expect(capacity).toEqual({ ...DEFAULT_CAPACITY_CONFIG, namePrefix: 'mangaassist-staging' });
  });

  it('merges fields over the defaults exactly as the Lambdas merge CAPACITY_CONFIG', () => {
    // Prepare
    const patch = { windows: goodWindows, tiers: { sonnet: { maxUnits: 12 } }, mitigation: { cacheTtlSeconds: 600 }, namePrefix: 'shop-a' };

    // Act
    const capacity = resolveCapacityConfig(makeParams({ capacity: patch }));

    // Assess
    expect(capacity).toEqual(parseCapacityConfig(JSON.stringify(patch)));
    expect(capacity.tiers.sonnet).toEqual({ ...DEFAULT_CAPACITY_CONFIG.tiers.sonnet, maxUnits: 12 });
    expect(capacity.tiers.haiku).toEqual(DEFAULT_CAPACITY_CONFIG.tiers.haiku);
    expect(capacity.mitigation).toEqual({ ...DEFAULT_CAPACITY_CONFIG.mitigation, cacheTtlSeconds: 600 });
    expect(capacity.namePrefix).toBe('shop-a');
  });

  it('lists every problem of a bad window, each on its own line, with the other bad fields', () => {
    // Act
    const message = parseError({
      stageName: 'bad stage!',
      capacity: { windows: [{ name: 'evening', from: '25:00', to: '02:00', expectedTps: { haiku: 1, sonnet: 1 } }] },
    });

    // Assess
    expect(message).toMatch(/3 problem\(s\):/);
    expect(message).toMatch(/^ {2}- stageName: /m);
    expect(message).toMatch(/^ {2}- capacity: window "evening": from and to must be HH:MM times$/m);
    expect(message).toMatch(/^ {2}- capacity: no window covers any time of the day$/m);
  });

  it('rejects overlapping windows', () => {
    // Act
    const message = parseError({ capacity: { windows: [...goodWindows, { ...goodWindows[0]!, name: 'also-night' }] } });

    // Assess
    expect(message).toMatch(/^ {2}- capacity: windows "night" and "also-night" overlap$/m);
  });

  it('names an unknown intent in demoteIntents and every other bad field of the patch', () => {
    // Act
    const message = parseError({ capacity: { mitigation: { demoteIntents: ['greeting', 'faq'] }, provisioningLeadMs: -1, tiers: { opus: {} } } });

    // Assess
    expect(message).toMatch(/^ {2}- capacity: mitigation\.demoteIntents\.1: Invalid option: expected one of "greeting"/m);
    expect(message).toMatch(/^ {2}- capacity: provisioningLeadMs: /m);
    expect(message).toMatch(/^ {2}- capacity: tiers: Unrecognized key: "opus"$/m);
  });

  it('rejects misspelt keys inside tiers, mitigation, scaleUp and windows instead of ignoring them', () => {
    // Act
    const message = parseError({
      capacity: {
        windows: goodWindows.map((entry, index) => (index === 0 ? { ...entry, expectedTps: { ...entry.expectedTps, opus: 1 } } : entry)),
        tiers: { haiku: { maxunits: 3 } },
        mitigation: { cacheTTLSeconds: 600 },
        scaleUp: { step: 1 },
      },
    });

    // Assess
    expect(message).toMatch(/4 problem\(s\):/);
    expect(message).toMatch(/^ {2}- capacity: windows\.0\.expectedTps: Unrecognized key: "opus"$/m);
    expect(message).toMatch(/^ {2}- capacity: tiers\.haiku: Unrecognized key: "maxunits"$/m);
    expect(message).toMatch(/^ {2}- capacity: mitigation: Unrecognized key: "cacheTTLSeconds"$/m);
    expect(message).toMatch(/^ {2}- capacity: scaleUp: Unrecognized key: "step"$/m);
  });

  it('rejects a capacity parameter that is not an object', () => {
    // Act
    const message = parseError({ capacity: ['windows'] });

    // Assess
    expect(message).toMatch(/^ {2}- capacity: /m);
  });

  it('rejects a stage whose default name prefix the control plane cannot use, and says how to fix it', () => {
    // Act
    const message = parseError({ stageName: 'release_candidate' });

    // Assess
    expect(message).toMatch(
      /^ {2}- capacity\.namePrefix: the default "mangaassist-release_candidate" \(from stageName\) is not usable .*; set capacity\.namePrefix explicitly$/m,
    );
  });

  it('accepts that stage with an explicit name prefix', () => {
    // Act
    const capacity = resolveCapacityConfig(makeParams({ stageName: 'release_candidate', capacity: { namePrefix: 'mangaassist-rc' } }));

    // Assess
    expect(capacity.namePrefix).toBe('mangaassist-rc');
  });

  it('turns the scheduler off only when asked', () => {
    // Act
    const params = parseParameters({ capacitySchedulerEnabled: false });

    // Assess
    expect(params.capacitySchedulerEnabled).toBe(false);
    expect(parseError({ capacitySchedulerEnabled: 'no' })).toMatch(/^ {2}- capacitySchedulerEnabled: /m);
  });
});

describe('budget parameter', () => {
  it('resolves to the embedded defaults with dailyBudgetUsd as the daily budget when absent', () => {
    // Act
    const budget = resolveBudgetConfig(makeParams({ dailyBudgetUsd: 3200 }));

    // Assess
    expect(budget).toEqual({ ...DEFAULT_BUDGET_CONFIG, dailyUsd: 3200 });
  });

  it('gives the functions BUDGET_CONFIG that their parser resolves to exactly the deploy-time configuration', () => {
    // Prepare
    const params = makeParams({ dailyBudgetUsd: 3200, budget: { conserveAt: 0.85, tokenBudgets: {} } });

    // Act
    const json = budgetConfigJson(params);

    // Assess
    expect(json).toBeDefined();
    expect(JSON.parse(json ?? '{}')).toEqual({ conserveAt: 0.85, tokenBudgets: {} });
    expect(parseBudgetConfig(json, 3200)).toEqual(resolveBudgetConfig(params));
    expect(resolveBudgetConfig(params)).toEqual({ ...DEFAULT_BUDGET_CONFIG, dailyUsd: 3200, conserveAt: 0.85, tokenBudgets: {} });
  });

  it('sets no BUDGET_CONFIG without a budget parameter: the functions run on the same defaults', () => {
    // Prepare
    const params = makeParams({ dailyBudgetUsd: 3200 });

    // Act
    const json = budgetConfigJson(params);

    // Assess
    expect(json).toBeUndefined();
    expect(parseBudgetConfig(json, 3200)).toEqual(resolveBudgetConfig(params));
  });

  it('replaces the default fields given, token budgets as a whole', () => {
    // Prepare
    const shares = Array.from({ length: 24 }, () => 1 / 24);

    // Act
    const budget = resolveBudgetConfig(
      makeParams({
        budget: {
          hourlyTrafficShare: shares,
          rampOrder: ['comparison', 'translation'],
          conserveAt: 0.85,
          tokenBudgets: { complaint: { maxInputTokens: 600, maxOutputTokens: 400 }, recommendation: { maxInputTokens: 900, maxOutputTokens: 700 } },
        },
      }),
    );

    // Assess
    expect(budget).toEqual({
      ...DEFAULT_BUDGET_CONFIG,
      hourlyTrafficShare: shares,
      rampOrder: ['comparison', 'translation'],
      conserveAt: 0.85,
      tokenBudgets: {
        complaint: { maxInputTokens: 600, maxOutputTokens: 400 },
        recommendation: { maxInputTokens: 900, maxOutputTokens: 700 },
      },
    });
  });

  it('lists every problem the runtime parser finds in a bad budget, each on its own line, with the other bad fields', () => {
    // Act
    const message = parseError({
      natGateways: 4,
      budget: {
        dailyUsd: 3000,
        hourlyTrafficShare: [0.5, 0.5],
        rampOrder: ['comparison', 'opus'],
        conserveAt: 0,
        emergencyAt: 1.2,
        reservationTtlMs: 1.5,
        tokenBudgets: { faq: { maxInputTokens: 1, maxOutputTokens: 1 }, complaint: { maxInputTokens: 0, maxoutputTokens: 10 } },
        rampstep: 0.1,
      },
    });

    // Assess
    expect(message).toMatch(/^Invalid deploy parameters \(context "mangaassist"\), 12 problem\(s\):/);
    expect(message).toMatch(/^ {2}- natGateways: /m);
    expect(message).toMatch(/^ {2}- budget: dailyUsd: the daily budget is DAILY_BUDGET_USD \(the dailyBudgetUsd deploy parameter\), not part of BUDGET_CONFIG$/m);
    expect(message).toMatch(/^ {2}- budget: hourlyTrafficShare: must have 24 numbers, one per JST hour$/m);
    expect(message).toMatch(/^ {2}- budget: rampOrder\.1: Invalid option: expected one of "greeting"/m);
    expect(message).toMatch(/^ {2}- budget: conserveAt: /m);
    expect(message).toMatch(/^ {2}- budget: emergencyAt: /m);
    expect(message).toMatch(/^ {2}- budget: reservationTtlMs: /m);
    expect(message).toMatch(/^ {2}- budget: tokenBudgets: Unrecognized key: "faq"$/m);
    expect(message).toMatch(/^ {2}- budget: tokenBudgets\.complaint\.maxInputTokens: /m);
    expect(message).toMatch(/^ {2}- budget: tokenBudgets\.complaint: Unrecognized key: "maxoutputTokens"$/m);
    expect(message).toMatch(/^ {2}- budget: \(root\): Unrecognized key: "rampstep"$/m);
  });

  it('rejects hourly shares that do not sum to 1 and a ramp that names an intent twice', () => {
    // Act
    const message = parseError({
      budget: { hourlyTrafficShare: Array.from({ length: 24 }, () => 0.05), rampOrder: ['comparison', 'comparison'] },
    });

    // Assess
    expect(message).toMatch(/^ {2}- budget: hourlyTrafficShare: must sum to 1$/m);
    expect(message).toMatch(/^ {2}- budget: rampOrder: must not name an intent twice$/m);
  });

  it('rejects a budget parameter that is not an object', () => {
    // Act
    const message = parseError({ budget: 2500 });

    // Assess
    expect(message).toMatch(/^ {2}- budget: /m);
  });
});

describe('strongTierDailyProjectionUsd parameter', () => {
  it('defaults to 60% of the daily budget', () => {
    // Assess
    expect(resolveStrongTierDailyProjectionUsd(makeParams())).toBe(1500);
    expect(resolveStrongTierDailyProjectionUsd(makeParams({ dailyBudgetUsd: 3333 }))).toBe(1999.8);
  });

  it('takes the given projection, and rejects one that is not a positive number', () => {
    // Assess
    expect(resolveStrongTierDailyProjectionUsd(makeParams({ strongTierDailyProjectionUsd: 1200 }))).toBe(1200);
    expect(parseError({ strongTierDailyProjectionUsd: 0 })).toMatch(/^ {2}- strongTierDailyProjectionUsd: /m);
    expect(parseError({ strongTierDailyProjectionUsd: '1200' })).toMatch(/^ {2}- strongTierDailyProjectionUsd: /m);
  });
});

describe('provisionableModelArns', () => {
  it("names each tier's foundation model in the stack region only, once", () => {
    // Act
    const arns = provisionableModelArns(MODEL_CATALOGS.current, { partition: 'aws', region: 'ap-northeast-1', account: '123456789012' });

    // Assess
    expect(arns.sort()).toEqual([
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });
});

describe('bedrockInvokeResources', () => {
  const at = { partition: 'aws', region: 'ap-northeast-1', account: '123456789012' };

  it('allows a bare foundation model in the calling region only, for the seed catalog', () => {
    // Act
    const arns = bedrockInvokeResources(MODEL_CATALOGS.seed, at);

    // Assess
    expect(arns.sort()).toEqual([
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0',
    ]);
  });

  it('allows the profile in the calling region and its foundation model in every destination region', () => {
    // Act
    const arns = bedrockInvokeResources(MODEL_CATALOGS.current, at);

    // Assess
    expect(arns.sort()).toEqual([
      'arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/jp.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  it('lists a model shared by two tiers once', () => {
    // Prepare
    const catalog = { haiku: MODEL_CATALOGS.seed.sonnet, sonnet: MODEL_CATALOGS.seed.sonnet };

    // Act
    const arns = bedrockInvokeResources(catalog, at);

    // Assess
    expect(arns).toEqual(['arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0']);
  });
});

describe('cascade parameter', () => {
  it('gives invoke CASCADE_CONFIG that its parser accepts, and none without the parameter', () => {
    // Prepare
    const params = makeParams({ cascade: { intents: ['comparison', 'manga_qa'], thresholds: { comparison: 0.85 } } });

    // Act
    const json = cascadeConfigJson(params);

    // Assess
    expect(parseCascadeConfig(json).intents).toEqual(['comparison', 'manga_qa']);
    expect(cascadeConfigJson(makeParams({}))).toBeUndefined();
  });

  it('refuses a locked intent, and a misspelt key', () => {
    // Assess
    expect(parseError({ cascade: { intents: ['recommendation'] } })).toMatch(/^ {2}- cascade: .*recommendation/m);
    expect(parseError({ cascade: { intents: ['comparison'], treshold: 1 } })).toMatch(/^ {2}- cascade: .*treshold/m);
  });
});

describe('limits parameter', () => {
  it('gives invoke LIMITS_CONFIG that its parser accepts, and none without the parameter (the defaults)', () => {
    const params = makeParams({ limits: { customer: { dailySpendUsd: 2 }, guest: { messagesPerMinute: 0 } } });

    const json = limitsConfigJson(params);

    expect(parseLimitsConfig(json)).toMatchObject({ customer: { dailySpendUsd: 2 }, guest: { messagesPerMinute: 0 } });
    expect(limitsConfigJson(makeParams({}))).toBeUndefined();
  });

  it('refuses a misspelt key and a fractional count, every problem listed', () => {
    const message = parseError({ limits: { customer: { messagesPerMinut: 5, invokesInFlight: 1.5 } } });
    expect(message).toMatch(/^ {2}- limits: .*messagesPerMinut/m);
    expect(message).toMatch(/^ {2}- limits: .*customer\.invokesInFlight/m);
  });
});

describe('experiments parameter', () => {
  const parserMessage = (patch: unknown): string => {
    try {
      parseExperimentConfig(JSON.stringify(patch));
    } catch (error) {
      if (error instanceof ExperimentConfigError) return error.message;
      throw error;
    }
    throw new Error('expected the experiments configuration to be rejected');
  };

  it('gives the functions EXPERIMENTS_CONFIG that their parser resolves to the deploy-time configuration, and none without it', () => {
    // Prepare
    const params = makeParams({ experiments: { stages: [{ share: 5, minHours: 24, minSamples: 1000 }, { share: 100 }], gates: { minFeedbackPerArm: 500 }, rollback: { drop: 0.1 } } });

    // Act
    const json = experimentsConfigJson(params);

    // Assess
    expect(parseExperimentConfig(json)).toEqual(resolveExperimentConfig(params));
    expect(resolveExperimentConfig(params)).toMatchObject({
      stages: [{ share: 5, minHours: 24, minSamples: 1000 }, { share: 100, minHours: 0, minSamples: 0 }],
      gates: { ...DEFAULT_EXPERIMENT_CONFIG.gates, minFeedbackPerArm: 500 },
      rollback: { ...DEFAULT_EXPERIMENT_CONFIG.rollback, drop: 0.1 },
    });
    expect(experimentsConfigJson(makeParams({}))).toBeUndefined();
    expect(resolveExperimentConfig(makeParams({}))).toEqual(DEFAULT_EXPERIMENT_CONFIG);
  });

  it("fails synth with the parser's own message for each problem: a plan not ending at 100, a gate out of range, a misspelt key", () => {
    // Prepare
    const bad = { stages: [{ share: 10 }, { share: 50 }], gates: { satisfactionDrop: 2 }, rolback: {} };
    const app = new App({ context: { mangaassist: { account: '123456789012', experiments: bad } } });

    // Act
    const read = () => readParameters(app);

    // Assess
    expect(read).toThrow(ParametersError);
    const message = parseError({ experiments: bad });
    const expected = parserMessage(bad).replace(/^invalid experiments configuration: /, '').split('; ');
    expect(expected).toEqual(
      expect.arrayContaining(['stages: the last stage must be 100 (full: the change becomes a routing version)', 'gates.satisfactionDrop: must be a number from 0 to 1', 'rolback: unknown setting']),
    );
    for (const problem of expected) expect(message).toContain(`  - experiments: ${problem}`);
  });
});
