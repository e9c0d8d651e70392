/**
 * The cap of answers one process serves at once (issue 11, item 5). In AWS each Lambda serves one answer and the
 * function's concurrency is the cap; offline one process serves every connection, and past its capacity (sockets,
 * one event loop) an answer would only wait until it timed out. The excess is refused at admission instead, with
 * `gateway_busy` and a retry hint, before anything is routed, called or charged. Counting only: the core stays pure.
 */
export interface AnswersInFlightConfig {
  /** Answers in flight at most; the next one is refused until one ends. */
  readonly maxAnswers: number;
  /** The refusal's retry hint (ms): about one answer's time. */
  readonly retryAfterMs: number;
}

export const DEFAULT_BUSY_RETRY_AFTER_MS = 1000;

/** What is wrong with a configuration, one sentence per problem; empty when valid. */
export const answersInFlightProblems = (config: AnswersInFlightConfig): string[] => {
  const problems: string[] = [];
  if (!Number.isInteger(config.maxAnswers) || config.maxAnswers < 1) problems.push('maxAnswers must be an integer of at least 1');
  if (!Number.isInteger(config.retryAfterMs) || config.retryAfterMs < 0) problems.push('retryAfterMs must be a non-negative integer');
  return problems;
};

export class AnswersInFlight {
  private count = 0;

  constructor(readonly config: AnswersInFlightConfig) {
    const problems = answersInFlightProblems(config);
    if (problems.length > 0) throw new Error(`invalid answers-in-flight cap: ${problems.join('; ')}`);
  }

  get inFlight(): number {
    return this.count;
  }

  /** A slot, or undefined when the cap is reached; the slot's `leave` is idempotent. */
  tryEnter(): (() => void) | undefined {
    if (this.count >= this.config.maxAnswers) return undefined;
    this.count += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.count -= 1;
    };
  }
}
