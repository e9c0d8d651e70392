import type { Intent } from '../core/vocabulary';

/**
 * The offline evaluation's judge: the strong model asked, through one forced tool call, to score an answer to a
 * customer question under the rubric (lambdas/core/judge/rubric.ts). It returns the tool's raw input, unvalidated
 * (the caller validates it: a bad verdict is a counted judge failure), and the call's token usage. Failures are
 * thrown; aborting `signal` (the per-call timeout) stops the call.
 */
export interface AnswerJudge {
  score(request: {
    readonly intent: Intent;
    readonly question: string;
    readonly answer: string;
    readonly signal: AbortSignal;
  }): Promise<{ readonly input: unknown; readonly inputTokens: number; readonly outputTokens: number }>;
}
