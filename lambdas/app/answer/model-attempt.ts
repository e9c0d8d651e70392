import { costUsd, type ModelSpec } from '../../core/catalog';
import { ChunkCoalescer } from '../../core/coalescer';
import { ConnectionGoneError, ContentBlockedError, ModelError, ModelStreamInterruptedError, ModelTimeoutError } from '../../core/errors';
import { estimateTokens, type Language } from '../../core/language';
import { delimitUntrusted, systemPrompt } from '../../core/prompts';
import type { RouteDecision } from '../../core/routing';
import type { ModelMessage } from '../../ports';
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
    private readonly deps: Pick<AnswerDeps, 'catalog' | 'model' | 'messenger' | 'clock' | 'options'>,
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

  async run(): Promise<StreamResult> {
    const stopStream = new AbortController();
    const signal = AbortSignal.any([stopStream.signal, this.deadline]);
    const coalescer = new ChunkCoalescer(this.deps.options.coalescer);
    let stopReason: string | undefined;
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
            if (chunk !== undefined) await this.post(chunk, stopStream);
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
    } catch (error) {
      if (error instanceof ConnectionGoneError || error instanceof ModelError) throw error;
      if (this.deadline.aborted) throw new ModelTimeoutError(`no complete answer within ${this.deps.options.deadlineMs} ms`, { cause: error });
      throw error;
    }
    if (stopReason === undefined) {
      // A stream can end without an error yet without its stop event (a dropped HTTP/2 stream does): truncated.
      throw new ModelStreamInterruptedError('model stream ended without a stop event');
    }
    if (stopReason === ContentBlockedError.STOP_REASON) {
      // The guardrail's own message may have been streamed in place of the answer: it is not flushed, and the
      // answer ends in `content_blocked`. The call is charged all the same (call() keeps the reported usage).
      throw new ContentBlockedError('the guardrail intervened');
    }
    const rest = coalescer.flush();
    if (rest !== undefined) await this.post(rest, stopStream);
    const { inputTokens, outputTokens } = this.call();
    return { text: this.streamedText, inputTokens, outputTokens, stopReason };
  }

  private async post(text: string, stopStream: AbortController): Promise<void> {
    try {
      await this.deps.messenger.send(this.request.connectionId, { type: 'chunk', requestId: this.request.requestId, text });
      this.sentText += text.length;
    } catch (error) {
      // The answer cannot reach the client (it left, or posting fails): abort the model stream so generation
      // and spend stop now.
      stopStream.abort(error);
      throw error;
    }
  }
}
