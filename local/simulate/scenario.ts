import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_BUDGET_CONFIG, DEFAULT_HOURLY_SHARE, isDay } from '../../lambdas/core/budget';
import { eventProblems, type CalendarEvent } from '../../lambdas/core/capacity/calendar';
import { parseDuration, parseInstant } from '../../lambdas/core/capacity/jst';
import { CATALOG_PROFILES, type CatalogProfile } from '../../lambdas/core/catalog';
import { INTENTS, type Intent, type ModelTier } from '../../lambdas/core/vocabulary';

/**
 * A day-of-traffic scenario for `cli simulate` (scenarios/*.json): which JST day, how many messages in what hourly
 * shape, the mix of message categories with example utterances and their token counts, the catalog profile, the
 * budget and what the event calendar says. Validated as a whole: every problem is named by its field.
 */
export interface TokenCount {
  readonly input: number;
  readonly output: number;
}

export interface ScenarioCategory {
  /** A name for the kind of message (seed 001's traffic categories): the classifier decides the intent. */
  readonly category: string;
  /** Share of the day's messages, 0-1; the shares of the mix sum to 1. */
  readonly share: number;
  /** Tokens of one message of this category, for whichever model tier answers it... */
  readonly tokens: TokenCount & {
    /** ...unless the category has its own figures for that tier (seed 001's escalated messages). */
    readonly haiku?: TokenCount;
    readonly sonnet?: TokenCount;
  };
  /** Example messages, equally likely; each is classified once. */
  readonly utterances: readonly string[];
}

export interface ScenarioGuardian {
  readonly conserveAt?: number;
  readonly rampStep?: number;
  readonly emergencyAt?: number;
  readonly minElapsedShare?: number;
  readonly rampOrder?: readonly Intent[];
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** The JST day replayed, `YYYY-MM-DD`. */
  readonly date: string;
  /** Messages of an ordinary day. */
  readonly messages: number;
  /** What actually came: `messages` times this (seed 000 scenario 3: 3.2). */
  readonly trafficMultiplier: number;
  /** Share of the day's messages in each JST hour (24 numbers summing to 1); default: the guardian's own curve. */
  readonly hourlyShare: readonly number[];
  readonly catalogProfile: CatalogProfile;
  readonly budget: { readonly dailyUsd: number; readonly overrideUsd?: number };
  /** Share of the messages of cacheable intents (core/spend isCacheable) answered from the answer cache: no cost. */
  readonly cacheHitRate: number;
  /** Seed of the generator that picks utterances: same seed, same day. */
  readonly seed: number;
  readonly mix: readonly ScenarioCategory[];
  /** What the event calendar holds for the guardian (traffic multiplier for the projection, budget multiplier). */
  readonly calendar: readonly CalendarEvent[];
  /** Overrides of the guardian's embedded thresholds (lambdas/core/budget/config.ts). */
  readonly guardian: ScenarioGuardian;
}

/** A scenario file that cannot be simulated; the message names the file and every bad field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`scenario ${source}: ${problems.join('; ')}`);
  }
}

const SHARE_TOLERANCE = 1e-3;
const MAX_MESSAGES = 100_000_000;
const MAX_MULTIPLIER = 20;
const MAX_UTTERANCE_CHARS = 4000;

const tokenCount = z.strictObject({
  input: z.int().gte(0).lte(200_000),
  output: z.int().gte(0).lte(200_000),
});

const eventSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  start: z.string(),
  end: z.string(),
  multiplier: z.number(),
  budgetMultiplier: z.number().optional(),
  lead: z.string().optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().optional(),
  date: z.string().refine(isDay, 'must be a YYYY-MM-DD calendar date'),
  messages: z.int().gt(0).lte(MAX_MESSAGES),
  trafficMultiplier: z.number().gt(0).lte(MAX_MULTIPLIER).default(1),
  hourlyShare: z
    .array(z.number().gte(0))
    .length(24, 'must have 24 numbers, one per JST hour')
    .refine((shares) => Math.abs(shares.reduce((sum, s) => sum + s, 0) - 1) <= SHARE_TOLERANCE, 'must sum to 1')
    .optional(),
  catalogProfile: z.enum(CATALOG_PROFILES),
  budget: z.strictObject({
    dailyUsd: z.number().gt(0).lte(10_000_000),
    overrideUsd: z.number().gte(0).lte(10_000_000).optional(),
  }),
  cacheHitRate: z.number().gte(0).lte(1).default(0),
  seed: z.int().gte(0).lte(0xffffffff).default(1),
  mix: z
    .array(
      z.strictObject({
        category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be 1-40 lowercase letters, digits or underscores'),
        share: z.number().gte(0).lte(1),
        tokens: z.strictObject({ ...tokenCount.shape, haiku: tokenCount.optional(), sonnet: tokenCount.optional() }),
        utterances: z.array(z.string().trim().min(1, 'must not be empty').max(MAX_UTTERANCE_CHARS)).min(1, 'must list at least one utterance'),
      }),
    )
    .min(1, 'must have at least one category')
    .superRefine((mix, ctx) => {
      const total = mix.reduce((sum, c) => sum + c.share, 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE) ctx.addIssue({ code: 'custom', message: `shares must sum to 1, got ${round6(total)}` });
      const seen = new Set<string>();
      mix.forEach((c, index) => {
        if (seen.has(c.category)) ctx.addIssue({ code: 'custom', path: [index, 'category'], message: `duplicate category "${c.category}"` });
        seen.add(c.category);
      });
    }),
  calendar: z.array(eventSchema).default([]),
  guardian: z
    .strictObject({
      conserveAt: z.number().gt(0).lte(10).optional(),
      rampStep: z.number().gt(0).lte(10).optional(),
      emergencyAt: z.number().gt(0).lte(1).optional(),
      minElapsedShare: z.number().gte(0).lte(1).optional(),
      rampOrder: z.array(z.enum(INTENTS)).optional(),
    })
    .default({}),
});

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** `mix[2].tokens.input`: the field as it reads in the file. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '') || '(root)';

const toEvent = (raw: z.infer<typeof eventSchema>, index: number, problems: string[]): CalendarEvent | undefined => {
  const field = `calendar[${index}]`;
  const start = parseInstant(raw.start);
  const end = parseInstant(raw.end);
  const leadMs = raw.lead === undefined ? 0 : parseDuration(raw.lead);
  if (start === undefined) problems.push(`${field}.start: "${raw.start}" is not a date (2026-03-31) or an ISO time with an offset`);
  if (end === undefined) problems.push(`${field}.end: "${raw.end}" is not a date (2026-04-01) or an ISO time with an offset`);
  if (leadMs === undefined) problems.push(`${field}.lead: "${String(raw.lead)}" is not a duration such as 30m, 4h or 1d`);
  if (start === undefined || end === undefined || leadMs === undefined) return undefined;
  const event: CalendarEvent = {
    kind: 'once',
    id: raw.id,
    name: raw.name,
    start,
    end,
    multiplier: raw.multiplier,
    leadMs,
    ...(raw.budgetMultiplier !== undefined && { budgetMultiplier: raw.budgetMultiplier }),
  };
  problems.push(...eventProblems(event).map((problem) => `${field}: ${problem}`));
  return event;
};

/** Validates a parsed scenario; `source` names it in errors (the file path). */
export const parseScenario = (raw: unknown, source: string): Scenario => {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    throw new ScenarioError(
      source,
      result.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`),
    );
  }
  const data = result.data;
  const problems: string[] = [];
  const calendar = data.calendar.map((event, index) => toEvent(event, index, problems));
  const ids = new Set<string>();
  data.calendar.forEach((event, index) => {
    if (ids.has(event.id)) problems.push(`calendar[${index}].id: duplicate event id "${event.id}"`);
    ids.add(event.id);
  });
  const rampOrder = data.guardian.rampOrder;
  if (rampOrder !== undefined && new Set(rampOrder).size !== rampOrder.length) problems.push('guardian.rampOrder: lists an intent twice');
  if (problems.length > 0) throw new ScenarioError(source, problems);
  const { description, hourlyShare, budget, guardian } = data;
  return {
    name: data.name,
    ...(description !== undefined && { description }),
    date: data.date,
    messages: data.messages,
    trafficMultiplier: data.trafficMultiplier,
    hourlyShare: hourlyShare ?? DEFAULT_HOURLY_SHARE,
    catalogProfile: data.catalogProfile,
    budget: { dailyUsd: budget.dailyUsd, ...(budget.overrideUsd !== undefined && { overrideUsd: budget.overrideUsd }) },
    cacheHitRate: data.cacheHitRate,
    seed: data.seed,
    mix: data.mix,
    calendar: calendar.filter((event): event is CalendarEvent => event !== undefined),
    guardian,
  };
};

/** Reads and validates a scenario file. */
export const loadScenario = (path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): Scenario => {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, [code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? (error as Error).message})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ScenarioError(path, [`not valid JSON (${(error as Error).message})`]);
  }
  return parseScenario(raw, path);
};

/** The tokens of one message of a category when `tier` answers it. */
export const tokensFor = (category: ScenarioCategory, tier: ModelTier): TokenCount => {
  const { input, output } = category.tokens[tier] ?? category.tokens;
  return { input, output };
};

/** The guardian's thresholds for a scenario: the embedded defaults with the scenario's overrides. */
export const guardianThresholds = (scenario: Scenario) => ({
  conserveAt: scenario.guardian.conserveAt ?? DEFAULT_BUDGET_CONFIG.conserveAt,
  rampStep: scenario.guardian.rampStep ?? DEFAULT_BUDGET_CONFIG.rampStep,
  emergencyAt: scenario.guardian.emergencyAt ?? DEFAULT_BUDGET_CONFIG.emergencyAt,
  minElapsedShare: scenario.guardian.minElapsedShare ?? DEFAULT_BUDGET_CONFIG.minElapsedShare,
  rampOrder: scenario.guardian.rampOrder ?? DEFAULT_BUDGET_CONFIG.rampOrder,
});
