import type { ModelTier } from './vocabulary';

/**
 * The model catalog: which Bedrock model answers each model tier, what it costs, and what IAM must allow.
 * Model ids and prices are configuration, not constants (DESIGN section 1): Claude 3 Haiku reached end of life
 * on Bedrock in 2026, so the `current` profile names Claude 4.5 models through the Japan geo inference
 * profiles (Tokyo + Osaka), and `seed` reproduces the seeds' Claude 3 prices for cost comparisons.
 */
export interface ModelSpec {
  /** What the runtime passes as `modelId`: a foundation model id or a (geo) inference profile id. */
  readonly modelId: string;
  /** The foundation model behind `modelId`; IAM must allow it in every destination region of the profile. */
  readonly foundationModelId: string;
  /** Destination regions of the inference profile; empty when `modelId` is the foundation model itself. */
  readonly profileRegions: readonly string[];
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** Always sent as `maxTokens`: Bedrock reserves quota as input + max tokens at request start. */
  readonly maxOutputTokens: number;
}

export type ModelCatalog = Readonly<Record<ModelTier, ModelSpec>>;

export const CATALOG_PROFILES = ['current', 'seed'] as const;
export type CatalogProfile = (typeof CATALOG_PROFILES)[number];

const JAPAN_GEO_REGIONS = ['ap-northeast-1', 'ap-northeast-3'] as const;

export const MODEL_CATALOGS: Readonly<Record<CatalogProfile, ModelCatalog>> = {
  current: {
    haiku: {
      modelId: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0',
      foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      profileRegions: JAPAN_GEO_REGIONS,
      inputUsdPerMTok: 1,
      outputUsdPerMTok: 5,
      maxOutputTokens: 600,
    },
    sonnet: {
      modelId: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
      foundationModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      profileRegions: JAPAN_GEO_REGIONS,
      inputUsdPerMTok: 3,
      outputUsdPerMTok: 15,
      maxOutputTokens: 1000,
    },
  },
  seed: {
    haiku: {
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      foundationModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      profileRegions: [],
      inputUsdPerMTok: 0.25,
      outputUsdPerMTok: 1.25,
      maxOutputTokens: 600,
    },
    sonnet: {
      modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
      foundationModelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
      profileRegions: [],
      inputUsdPerMTok: 3,
      outputUsdPerMTok: 15,
      maxOutputTokens: 1000,
    },
  },
};

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Cost in USD of one call, rounded to a nano-dollar: floating-point noise gone, per-call precision kept. */
export const costUsd = (spec: ModelSpec, usage: TokenUsage): number =>
  Math.round(((usage.inputTokens * spec.inputUsdPerMTok + usage.outputTokens * spec.outputUsdPerMTok) / 1e6) * 1e9) / 1e9;
