import type { ReplyGenerator, ReplyOutcome } from './reply';

/**
 * Runtime throughput quotas, the way Bedrock enforces them: a call reserves its input tokens plus `maxTokens`
 * when it starts, is throttled (HTTP 429, before any stream) if that reservation does not fit the model's
 * tokens-per-minute limit, and gives the unused part back when it ends. The limit is a sliding one-minute window
 * on the emulator clock: what counts is every reservation still running plus the settled usage of calls admitted
 * in the last minute. One window per modelId as sent (an on-demand id, or a provisioned model ARN: a provisioned
 * throughput never shares the on-demand quota of its model). The same windows give the stats: tokens served per
 * model in the last minute and in total, and throttles by cause.
 */
export const QUOTA_WINDOW_MS = 60_000;

/** On-demand tokens-per-minute limits keyed by a modelId substring (the longest matching key wins). */
export type TokenQuotas = Readonly<Record<string, number>>;

export type ThrottleCause = 'injected' | 'quota';

/** Thrown for a quota configuration that makes no sense; the HTTP route answers it with a 400. */
export class QuotaConfigError extends Error {
  override readonly name = 'QuotaConfigError';
}

export interface ModelThroughput {
  /** The tokens-per-minute limit the last call of this model saw; null when unlimited. */
  readonly limitTokensPerMinute: number | null;
  /** Held by calls still running: their whole reservation (input + maxTokens). */
  readonly reservedTokens: number;
  /** What counts against the limit now: running reservations plus the settled usage of the last minute. */
  readonly windowTokens: number;
  /** Input + output tokens of calls that ended in the last minute. */
  readonly servedLastMinute: number;
  /** `servedLastMinute / 60`: what a provisioned-utilisation check compares with the provisioned rate. */
  readonly tokensPerSecond: number;
  /** Input + output tokens of calls that ended since start or the last stats reset. */
  readonly servedTotal: number;
  readonly admitted: number;
  readonly throttles: Readonly<Record<ThrottleCause, number>>;
}

export interface ThroughputStats {
  readonly windowMs: number;
  readonly throttles: Readonly<Record<ThrottleCause, number>>;
  readonly byModel: Readonly<Record<string, ModelThroughput>>;
}

export interface Reservation {
  readonly tokens: number;
  /** Replaces the reservation by the tokens actually used (the rest is released at once); later calls do nothing. */
  settle(usedTokens: number): void;
}

export type ReserveResult =
  | { readonly admitted: true; readonly reservation: Reservation }
  | { readonly admitted: false; readonly windowTokens: number; readonly limit: number };

/** Checks an untrusted quota map (from options or an HTTP body). */
export const parseQuotas = (value: unknown): TokenQuotas => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QuotaConfigError('quotas must be a JSON object of modelId substring -> tokens per minute');
  }
  const quotas: Record<string, number> = {};
  for (const [key, limit] of Object.entries(value)) {
    if (key.length === 0) throw new QuotaConfigError('quotas: a key must be a non-empty modelId substring');
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
      throw new QuotaConfigError(`quotas.${key} must be a positive integer (tokens per minute), got ${JSON.stringify(limit)}`);
    }
    quotas[key.toLowerCase()] = limit;
  }
  return quotas;
};

/** The on-demand limit of a modelId: the longest key contained in it (case-insensitive); undefined: unlimited. */
export const quotaFor = (modelId: string, quotas: TokenQuotas): number | undefined => {
  const id = modelId.toLowerCase();
  const key = Object.keys(quotas)
    .filter((candidate) => id.includes(candidate))
    .sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  return key === undefined ? undefined : quotas[key];
};

interface Admission {
  readonly at: number;
  tokens: number;
  open: boolean;
}

interface Served {
  readonly at: number;
  readonly tokens: number;
}

class ModelWindow {
  admissions: Admission[] = [];
  served: Served[] = [];
  servedTotal = 0;
  admitted = 0;
  throttles: Record<ThrottleCause, number> = { injected: 0, quota: 0 };
  limit: number | undefined;

  prune(now: number): void {
    const since = now - QUOTA_WINDOW_MS;
    this.admissions = this.admissions.filter((entry) => entry.open || entry.at > since);
    this.served = this.served.filter((entry) => entry.at > since);
  }

  reserved(): number {
    return this.admissions.reduce((sum, entry) => sum + (entry.open ? entry.tokens : 0), 0);
  }

  windowTokens(): number {
    return this.admissions.reduce((sum, entry) => sum + entry.tokens, 0);
  }

  view(): ModelThroughput {
    const servedLastMinute = this.served.reduce((sum, entry) => sum + entry.tokens, 0);
    return {
      limitTokensPerMinute: this.limit ?? null,
      reservedTokens: this.reserved(),
      windowTokens: this.windowTokens(),
      servedLastMinute,
      tokensPerSecond: Math.round((servedLastMinute / (QUOTA_WINDOW_MS / 1000)) * 100) / 100,
      servedTotal: this.servedTotal,
      admitted: this.admitted,
      throttles: { ...this.throttles },
    };
  }
}

export class ThroughputMeter {
  private readonly windows = new Map<string, ModelWindow>();
  private current: TokenQuotas;

  constructor(
    private readonly now: () => number,
    quotas: unknown = {},
  ) {
    this.current = parseQuotas(quotas);
  }

  get quotas(): TokenQuotas {
    return this.current;
  }

  /** Replaces every on-demand quota (`{}`: unlimited); throws QuotaConfigError and changes nothing if invalid. */
  setQuotas(quotas: unknown): TokenQuotas {
    this.current = parseQuotas(quotas);
    return this.current;
  }

  onDemandLimit(modelId: string): number | undefined {
    return quotaFor(modelId, this.current);
  }

  /** Reserves `tokens` in the window of `key` if they fit `limit` (undefined: always fits). */
  reserve(key: string, tokens: number, limit: number | undefined): ReserveResult {
    const now = this.now();
    const window = this.window(key);
    window.prune(now);
    window.limit = limit;
    const inUse = window.windowTokens();
    if (limit !== undefined && inUse + tokens > limit) {
      window.throttles.quota += 1;
      return { admitted: false, windowTokens: inUse, limit };
    }
    const admission: Admission = { at: now, tokens, open: true };
    window.admissions.push(admission);
    window.admitted += 1;
    const settle = (usedTokens: number) => {
      if (!admission.open) return;
      admission.open = false;
      const used = Math.max(0, Math.round(usedTokens));
      // The usage stays in the window from the moment it was admitted, as Bedrock's replenishment does.
      admission.tokens = used;
      window.served.push({ at: this.now(), tokens: used });
      window.servedTotal += used;
    };
    return { admitted: true, reservation: { tokens, settle } };
  }

  /** Counts a throttle of `key` that the quota check did not decide (an injected fault). */
  throttled(key: string, cause: ThrottleCause): void {
    this.window(key).throttles[cause] += 1;
  }

  snapshot(): ThroughputStats {
    const now = this.now();
    const byModel: Record<string, ModelThroughput> = {};
    const throttles: Record<ThrottleCause, number> = { injected: 0, quota: 0 };
    for (const [key, window] of this.windows) {
      window.prune(now);
      const view = window.view();
      byModel[key] = view;
      throttles.injected += view.throttles.injected;
      throttles.quota += view.throttles.quota;
    }
    return { windowMs: QUOTA_WINDOW_MS, throttles, byModel };
  }

  /** Zeroes the counters (totals, admissions, throttles); the windows are quota state and stay. */
  resetCounters(): void {
    for (const window of this.windows.values()) {
      window.servedTotal = 0;
      window.admitted = 0;
      window.throttles = { injected: 0, quota: 0 };
    }
  }

  private window(key: string): ModelWindow {
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new ModelWindow();
      this.windows.set(key, window);
    }
    return window;
  }
}

/** What a reply produced so far, for settling its reservation however it ended. */
export interface ReplyUsage {
  opened: boolean;
  text: string;
  outcome: ReplyOutcome | undefined;
}

/** Passes a reply through unchanged while recording its text and outcome into `usage`. */
export async function* meterReply(reply: ReplyGenerator, usage: ReplyUsage): ReplyGenerator {
  for (;;) {
    const step = await reply.next();
    if (step.done) {
      usage.outcome = step.value;
      return step.value;
    }
    usage.text += step.value;
    yield step.value;
  }
}
