import { costUsd, type ModelSpec } from '../../core/catalog';
import { ChunkCoalescer } from '../../core/coalescer';
import { ConnectionGoneError, ContentBlockedError, ModelError, ModelStreamInterruptedError, ModelTimeoutError } from '../../core/errors';
import { estimateTokens, type Language } from '../../core/language';
import { delimitUntrusted, systemPrompt } from '../../core/prompts';
import type { RouteDecision } from '../../core/routing';
import type { ModelMessage } from '../../ports';
import { SendQueue } from './send-queue';
import type { ModelTarget } from './targets';
import type { AnswerDeps, AnswerRequest } from './types';

export interface StreamResult {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly stopReason: string;
}

/** What one model call used, as it is charged: at the catalog's on-demand prices of its tier, whatever its target. */
export interface ModelCall {
  readonly target: ModelTarget;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** One streamed call to one target: coalesces text into chunk frames and remembers what it sent and used. */
export class ModelAttempt {
  sentText = 0;
  /** Bedrock bills a call once it is accepted; a throttled or refused call costs nothing. */
  private accepted = false;
  private streamedText = '';
  private inputTokens: number;
  private outputTokens: number | undefined;
  private readonly spec: ModelSpec;
  private readonly system: string;

  /** The input estimated before the call: what admission reserves for (with `maxTokens`). */
  readonly estimatedInputTokens: number;

  constructor(
    private readonly deps: Pick<AnswerDeps, 'catalog' | 'model' | 'messenger' | 'clock' | 'timers' | 'metrics' | 'options'>,
    private readonly request: AnswerRequest,
    decision: RouteDecision,
    private readonly target: ModelTarget,
    language: Language,
    /** The answer's deadline, shared by its fallbacks. */
    private readonly deadline: AbortSignal,
    /** The user message as sent: trimmed to the intent's input budget. */
    private readonly prompt: string,
    /** The output limit sent as `maxTokens`: the intent's budget within the model's. */
    readonly maxTokens: number,
  ) {
    this.spec = deps.catalog[target.tier];
    this.system = systemPrompt(decision.intent, language);
    // An estimate until the stream's usage metadata replaces it; what an interrupted call is charged by. The
    // conversation's history (request.history) is input too.
    this.estimatedInputTokens = estimateTokens(this.system + this.turns().map((turn) => turn.text).join(''));
    this.inputTokens = this.estimatedInputTokens;
  }

  /**
   * The conversation as sent: every customer turn (the history's and this message) delimited as untrusted data
   * (lambdas/core/prompts.ts), the assistant's own turns as they were.
   */
  private turns(): ModelMessage[] {
    const history = (this.request.history ?? []).map((turn) => (turn.role === 'user' ? { ...turn, text: delimitUntrusted(turn.text) } : turn));
    return [...history, { role: 'user', text: delimitUntrusted(this.prompt) }];
  }

  /** What this call used so far: the stream's usage when it arrived, else estimates; nothing if never accepted. */
  call(): ModelCall {
    if (!this.accepted) return { target: this.target, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const usage = { inputTokens: this.inputTokens, outputTokens: this.outputTokens ?? estimateTokens(this.streamedText) };
    return { target: this.target, ...usage, costUsd: costUsd(this.spec, usage) };
  }

  /**
   * Streams the call. Chunk frames go through a send queue (lambdas/app/answer/send-queue.ts), so the model's stream
   * keeps being read while a post is in flight; the queue is drained before this returns or throws, so every chunk
   * precedes the answer's `done` or `error` frame. `sentText` counts the text committed to the client (queued):
   * from the first character on, no fallback may replace the answer, and a failure of any cause is an interruption.
   */
  async run(): Promise<StreamResult> {
    const stopStream = new AbortController();
    const signal = AbortSignal.any([stopStream.signal, this.deadline]);
    const coalescer = new ChunkCoalescer(this.deps.options.coalescer);
    // The client cannot be reached (it left, or posting fails): abort the model stream so generation and spend stop now.
    const queue = new SendQueue(this.deps.messenger, this.request.connectionId, (error) => stopStream.abort(error));
    const send = (text: string): void => {
      this.sentText += text.length;
      queue.enqueue({ type: 'chunk', requestId: this.request.requestId, text });
    };
    const delay = new DelayTimer(this.deps, coalescer, send);
    let stopReason: string | undefined;
    try {
      try {
        const stream = this.deps.model.stream({
          modelId: this.target.modelId,
          system: this.system,
          messages: this.turns(),
          maxTokens: this.maxTokens,
          signal,
        });
        for await (const event of stream) {
          this.accepted = true;
          switch (event.type) {
            case 'text': {
              this.streamedText += event.text;
              const chunk = coalescer.push(event.text, this.deps.clock.now());
              if (chunk !== undefined) send(chunk);
              delay.arm();
              break;
            }
            case 'usage':
              this.inputTokens = event.inputTokens;
              this.outputTokens = event.outputTokens;
              break;
            case 'stop':
              stopReason = event.reason;
              break;
          }
        }
      } finally {
        delay.cancel();
      }
    } catch (error) {
      await this.settleQueue(queue);
      throw this.failure(error);
    }
    if (stopReason === undefined) {
      // A stream can end without an error yet without its stop event (a dropped HTTP/2 stream does): truncated.
      await this.settleQueue(queue);
      throw new ModelStreamInterruptedError('model stream ended without a stop event');
    }
    if (stopReason === ContentBlockedError.STOP_REASON) {
      // The guardrail's own message may have been streamed in place of the answer: what is buffered is not flushed,
      // and the answer ends in `content_blocked`. The call is charged all the same (call() keeps the reported usage).
      await this.settleQueue(queue);
      throw new ContentBlockedError('the guardrail intervened');
    }
    const rest = coalescer.flush();
    if (rest !== undefined) send(rest);
    await this.settleQueue(queue);
    const { inputTokens, outputTokens } = this.call();
    return { text: this.streamedText, inputTokens, outputTokens, stopReason };
  }

  /** Waits for the queued frames; a failed post (the client left) is what the call ends in. */
  private async settleQueue(queue: SendQueue): Promise<void> {
    await queue.drain();
    if (queue.merged > 0) this.deps.metrics.record('ChunksMerged', queue.merged, 'Count', { Tier: this.target.tier });
    const failed = queue.failed;
    if (failed !== undefined) throw failed.error;
  }

  /** What a failed stream ends in: after any text, `model_stream_interrupted` whatever the cause. */
  private failure(error: unknown): unknown {
    if (error instanceof ConnectionGoneError) return error;
    let cause = error;
    if (!(error instanceof ModelError) && this.deadline.aborted) {
      cause = new ModelTimeoutError(`no complete answer within the answer's deadline (${this.deps.options.deadlineMs} ms)`, { cause: error });
    }
    if (this.sentText > 0) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return new ModelStreamInterruptedError(`model stream failed after ${this.sentText} characters were sent: ${reason}`, { cause });
    }
    return cause;
  }
}

/**
 * The coalescer's delay rule on a timer: buffered text leaves `maxDelayMs` after it was buffered even when no
 * further token comes (a model that goes quiet). Without `timers`, it waits for the next token or the end.
 */
class DelayTimer {
  private cancelPending: (() => void) | undefined;

  constructor(
    private readonly deps: Pick<AnswerDeps, 'clock' | 'timers'>,
    private readonly coalescer: ChunkCoalescer,
    private readonly send: (text: string) => void,
  ) {}

  /** After each push: a timer while text is buffered, none while nothing is. */
  arm(): void {
    const { timers } = this.deps;
    if (timers === undefined) return;
    const due = this.coalescer.dueInMs(this.deps.clock.now());
    if (due === undefined) return this.cancel();
    this.cancelPending ??= timers.schedule(() => {
      this.cancelPending = undefined;
      const chunk = this.coalescer.flush();
      if (chunk !== undefined) this.send(chunk);
    }, due);
  }

  cancel(): void {
    this.cancelPending?.();
    this.cancelPending = undefined;
  }
}
