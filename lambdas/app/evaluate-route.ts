import { maxTokensFor, trimToBudget } from '../core/budget/guardian';
import type { TokenBudget } from '../core/budget/config';
import type { ModelCatalog, TokenUsage } from '../core/catalog';
import { ContentBlockedError, ModelError } from '../core/errors';
import {
  DEFAULT_EVAL_GATE,
  evaluateRoute,
  summarizeTier,
  validateJudgeVerdict,
  type EvalGate,
  type RouteEvaluation,
  type TierSampleResult,
} from '../core/judge';
import { detectLanguage, estimateTokens } from '../core/language';
import { delimitUntrusted, systemPrompt } from '../core/prompts';
import type { Intent, ModelTier } from '../core/vocabulary';
import type { ModelClient } from '../ports';
import type { AnswerJudge } from '../ports/judge';

export interface EvaluateRouteDeps {
  /** The gateway's streaming model client (BedrockModelClient over ConverseStream). */
  readonly models: ModelClient;
  /** The strong tier behind a forced tool call (BedrockAnswerJudge). */
  readonly judge: AnswerJudge;
  readonly catalog: ModelCatalog;
  /** The intents' token budgets, as the gateway applies them (the budget guardian's configuration). */
  readonly tokenBudgets: Readonly<Partial<Record<Intent, TokenBudget>>>;
  /** Calls in flight at most: enough to finish in minutes, few enough not to trip the account's quotas. */
  readonly concurrency: number;
  /** Limit of one answer call, and of one judge call (ms): a hung call is a counted failure, not a hung run. */
  readonly answerTimeoutMs: number;
  readonly judgeTimeoutMs: number;
  /** Called after each (sample, tier) pair is answered and judged: progress for a long run. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EvaluateRouteInput {
  readonly intent: Intent;
  readonly currentTier: ModelTier;
  readonly proposedTier: ModelTier;
  readonly samples: readonly string[];
  readonly messagesPerDay: number;
  readonly gate?: EvalGate;
}

/** One sample on one tier, for the machine output: what the judge said, or why it did not. */
export interface SampleRecord extends TierSampleResult {
  readonly reason?: string;
}

export interface EvaluateRouteResult {
  readonly evaluation: RouteEvaluation;
  /** Per sample, in input order: the question and its result on each tier. */
  readonly samples: readonly { readonly question: string; readonly current: SampleRecord; readonly proposed: SampleRecord }[];
}

const describe = (error: unknown): string => {
  if (error instanceof ModelError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};

/**
 * One answer as the gateway would give it for the intent on this tier: the same system prompt, delimiters, input
 * trimming and output limit as lambdas/app/answer (model.ts, model-attempt.ts), without the cache, fallback,
 * cascade or budget admission, which would blur what the tier itself answers.
 */
const answerOnTier = async (deps: EvaluateRouteDeps, intent: Intent, tier: ModelTier, question: string): Promise<{ text: string; usage: TokenUsage }> => {
  const spec = deps.catalog[tier];
  const budget = deps.tokenBudgets[intent];
  const prompt = trimToBudget(question, budget, estimateTokens).text;
  let text = '';
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  for await (const event of deps.models.stream({
    modelId: spec.modelId,
    system: systemPrompt(intent, detectLanguage(question)),
    messages: [{ role: 'user', text: delimitUntrusted(prompt) }],
    maxTokens: maxTokensFor(spec, budget),
    signal: AbortSignal.timeout(deps.answerTimeoutMs),
  })) {
    if (event.type === 'text') text += event.text;
    else if (event.type === 'usage') usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
    // The customer would get content_blocked, not this text: an answer failure, never a judged answer.
    else if (event.reason === ContentBlockedError.STOP_REASON) throw new ContentBlockedError('the guardrail intervened');
  }
  return { text, usage };
};

const runOne = async (deps: EvaluateRouteDeps, intent: Intent, tier: ModelTier, question: string): Promise<SampleRecord> => {
  let answer: { text: string; usage: TokenUsage };
  try {
    answer = await answerOnTier(deps, intent, tier, question);
  } catch (error) {
    return { answerError: describe(error) };
  }
  let verdict: Awaited<ReturnType<AnswerJudge['score']>>;
  try {
    verdict = await deps.judge.score({ intent, question, answer: answer.text, signal: AbortSignal.timeout(deps.judgeTimeoutMs) });
  } catch (error) {
    return { usage: answer.usage, judgeFailure: `judge_call_failed: ${describe(error)}` };
  }
  const judgeUsage = { inputTokens: verdict.inputTokens, outputTokens: verdict.outputTokens };
  const checked = validateJudgeVerdict(verdict.input);
  return checked.ok
    ? { usage: answer.usage, judgeUsage, score: checked.verdict.score, reason: checked.verdict.reason }
    : { usage: answer.usage, judgeUsage, judgeFailure: checked.failure };
};

/** Runs `tasks` with at most `limit` in flight, results in task order. Tasks never reject (runOne catches). */
const pool = async <T>(tasks: readonly (() => Promise<T>)[], limit: number, onDone: () => void): Promise<T[]> => {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await (tasks[index] as () => Promise<T>)();
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
};

/**
 * The offline evaluation of a routing change (issue 12 item 5): every sample answered by the current and by the
 * proposed tier, each answer scored by the judge, then the figures read against the gate. A failed answer or
 * judge call is counted in the figures, never thrown: one bad call must not cost the whole run.
 */
export const evaluateRouteChange = async (deps: EvaluateRouteDeps, input: EvaluateRouteInput): Promise<EvaluateRouteResult> => {
  const { intent, currentTier, proposedTier, samples } = input;
  const tiers = [currentTier, proposedTier] as const;
  const tasks = samples.flatMap((question) => tiers.map((tier) => () => runOne(deps, intent, tier, question)));
  let done = 0;
  const results = await pool(tasks, deps.concurrency, () => {
    done += 1;
    deps.onProgress?.(done, tasks.length);
  });
  const byTier = (offset: number): SampleRecord[] => results.filter((_, index) => index % 2 === offset);
  const judgeSpec = deps.catalog.sonnet;
  const current = summarizeTier(currentTier, deps.catalog[currentTier], judgeSpec, byTier(0));
  const proposed = summarizeTier(proposedTier, deps.catalog[proposedTier], judgeSpec, byTier(1));
  return {
    evaluation: evaluateRoute(intent, current, proposed, input.messagesPerDay, input.gate ?? DEFAULT_EVAL_GATE),
    samples: samples.map((question, index) => ({ question, current: results[index * 2] as SampleRecord, proposed: results[index * 2 + 1] as SampleRecord })),
  };
};
