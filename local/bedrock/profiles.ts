/**
 * Latency and length profiles of the simulated models, chosen by a substring of the modelId. Haiku answers
 * sooner, faster and shorter than Sonnet; the numbers are plausible for on-demand Claude on Bedrock, not
 * measurements, and every one can be overridden through `LocalBedrockOptions.models`.
 */
export interface ModelProfile {
  /** Time from request to first token: mean, plus or minus a uniform jitter. */
  readonly timeToFirstTokenMs: { readonly mean: number; readonly jitter: number };
  readonly tokensPerSecond: number;
  /** Natural reply length before `maxTokens` clips it: approximately normal. */
  readonly outputTokens: { readonly mean: number; readonly spread: number };
}

/** Profiles keyed by a lower-case substring of the modelId; `default` answers any other model. */
export type ModelProfiles = Readonly<Record<string, ModelProfile>>;

export interface ModelProfileOverride {
  readonly timeToFirstTokenMs?: Partial<ModelProfile['timeToFirstTokenMs']>;
  readonly tokensPerSecond?: number;
  readonly outputTokens?: Partial<ModelProfile['outputTokens']>;
}
export type ModelProfileOverrides = Readonly<Record<string, ModelProfileOverride>>;

export const DEFAULT_PROFILE = 'default';

export const DEFAULT_MODEL_PROFILES: ModelProfiles = {
  haiku: { timeToFirstTokenMs: { mean: 350, jitter: 120 }, tokensPerSecond: 140, outputTokens: { mean: 110, spread: 40 } },
  sonnet: { timeToFirstTokenMs: { mean: 900, jitter: 300 }, tokensPerSecond: 70, outputTokens: { mean: 220, spread: 80 } },
  [DEFAULT_PROFILE]: {
    timeToFirstTokenMs: { mean: 600, jitter: 200 },
    tokensPerSecond: 100,
    outputTokens: { mean: 160, spread: 60 },
  },
};

const requireNumber = (value: number, what: string, min: number): number => {
  if (!Number.isFinite(value) || value < min) throw new Error(`models.${what} must be a finite number >= ${min}, got ${value}`);
  return value;
};

const mergeProfile = (name: string, base: ModelProfile | undefined, override: ModelProfileOverride): ModelProfile => {
  const fallback = base ?? DEFAULT_MODEL_PROFILES[DEFAULT_PROFILE];
  if (fallback === undefined) throw new Error('the default model profile is missing');
  const merged: ModelProfile = {
    timeToFirstTokenMs: { ...fallback.timeToFirstTokenMs, ...override.timeToFirstTokenMs },
    tokensPerSecond: override.tokensPerSecond ?? fallback.tokensPerSecond,
    outputTokens: { ...fallback.outputTokens, ...override.outputTokens },
  };
  requireNumber(merged.timeToFirstTokenMs.mean, `${name}.timeToFirstTokenMs.mean`, 0);
  requireNumber(merged.timeToFirstTokenMs.jitter, `${name}.timeToFirstTokenMs.jitter`, 0);
  requireNumber(merged.tokensPerSecond, `${name}.tokensPerSecond`, Number.MIN_VALUE);
  requireNumber(merged.outputTokens.mean, `${name}.outputTokens.mean`, 1);
  requireNumber(merged.outputTokens.spread, `${name}.outputTokens.spread`, 0);
  return merged;
};

/** The defaults with `overrides` applied member by member; a new key adds a profile (based on `default`). */
export const resolveProfiles = (overrides: ModelProfileOverrides = {}): ModelProfiles => {
  const profiles: Record<string, ModelProfile> = { ...DEFAULT_MODEL_PROFILES };
  for (const [key, override] of Object.entries(overrides)) {
    const name = key.toLowerCase();
    if (name.length === 0) throw new Error('models: a profile key must be a non-empty modelId substring');
    profiles[name] = mergeProfile(name, profiles[name], override);
  }
  return profiles;
};

/** The profile whose key is the longest substring of the modelId, so `sonnet-4` can override `sonnet`. */
export const selectProfile = (modelId: string, profiles: ModelProfiles): { name: string; profile: ModelProfile } => {
  const id = modelId.toLowerCase();
  const name =
    Object.keys(profiles)
      .filter((key) => key !== DEFAULT_PROFILE && id.includes(key))
      .sort((a, b) => b.length - a.length || a.localeCompare(b))[0] ?? DEFAULT_PROFILE;
  const profile = profiles[name] ?? profiles[DEFAULT_PROFILE];
  if (profile === undefined) throw new Error('the default model profile is missing');
  return { name, profile };
};
