import type { ToolReplySource } from './classification-tool';
import { asBedrockError, BedrockError, injected } from './errors';
import { encodeEvent, encodeException } from './event-stream';
import type { FaultConfig, FaultKind } from './faults';
import { lastUserText, type ConverseRequest } from './converse-request';
import { guardrailTrace, OUTPUT_DELTAS_BEFORE_BLOCK, type GuardrailSimulation, type GuardrailVerdict } from './guardrail';
import { estimateInputTokens } from './simulator';
import { estimateTokens } from './text';
import type { HttpExchange } from './http-exchange';
import type { ReplyGenerator, ReplyOutcome, ReplySource } from './reply';
import type { StatsRecorder } from './stats';

/**
 * The two model responses, Converse (one JSON body) and ConverseStream (event-stream messages written as the
 * reply is produced), with the fault, if any, that the request drew applied at the right moment.
 */
export interface ResponseContext {
  readonly openReply: ReplySource;
  /** Answers a Converse call that forces a tool (the LLM classifier's); `undefined` answers it with text as before. */
  readonly toolReply: ToolReplySource;
  readonly stats: StatsRecorder;
  /** The fault configuration when the request arrived. */
  readonly faults: FaultConfig;
  /** Aborted when the client leaves or the server closes; aborting it stops the generation. */
  readonly controller: AbortController;
  /** The simulated guardrail (local/bedrock/guardrail.ts) of requests that carry a `guardrailConfig`. */
  readonly guardrail: GuardrailSimulation;
}

/** The guardrail's verdict on a request (always `pass` without a `guardrailConfig`), counted in the stats. */
const judge = (request: ConverseRequest, context: ResponseContext): GuardrailVerdict => {
  const verdict = context.guardrail.verdict(request.guardrail, lastUserText(request));
  if (request.guardrail !== undefined) context.stats.guardrailRequest(verdict !== 'pass');
  return verdict;
};

/** `trace.guardrail` for the metadata, when the request asked for a trace. */
const traceOf = (request: ConverseRequest, verdict: Exclude<GuardrailVerdict, 'pass'>) =>
  request.guardrail !== undefined && request.guardrail.trace !== 'disabled' ? { trace: { guardrail: guardrailTrace(verdict, request.guardrail) } } : {};

const usageOf = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

export const serveConverse = async (ex: HttpExchange, request: ConverseRequest, fault: FaultKind | undefined, context: ResponseContext) => {
  const { openReply, toolReply, faults, controller } = context;
  // Without a stream, a hang is a request that is never answered, and a mid-stream error an HTTP error.
  if (fault === 'hang') return;
  if (fault === 'midStreamError') {
    throw BedrockError.fromStreamExceptionType(faults.midStreamErrorType, injected('The model failed while generating'));
  }
  // The LLM classifier's forced tool call: a deterministic stand-in, or the forwarded server (classification-tool.ts).
  const toolUse = await toolReply(request, controller.signal);
  if (toolUse !== undefined) {
    const { toolUseId, name, input, inputTokens, outputTokens } = toolUse;
    ex.sendJson(200, {
      output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId, name, input } }] } },
      stopReason: 'tool_use',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: 0 },
    });
    return;
  }
  const verdict = judge(request, context);
  if (verdict === 'block_input') {
    // The prompt is blocked before any model runs: the blocked message, billed as input only.
    ex.sendJson(200, {
      output: { message: { role: 'assistant', content: [{ text: context.guardrail.blockedMessage }] } },
      stopReason: 'guardrail_intervened',
      usage: usageOf(estimateInputTokens(request), 0),
      metrics: { latencyMs: 0 },
      ...traceOf(request, verdict),
    });
    return;
  }
  const reply = await openReply(request, { stream: false, signal: controller.signal });
  let text = '';
  let step = await reply.next();
  while (!step.done) {
    text += step.value;
    step = await reply.next();
  }
  const { stopReason, inputTokens, outputTokens, latencyMs } = step.value;
  // An answer the guardrail blocks is replaced whole; the model's tokens are billed all the same.
  const blocked = verdict === 'block_output';
  ex.sendJson(200, {
    output: { message: { role: 'assistant', content: [{ text: blocked ? context.guardrail.blockedMessage : text }] } },
    stopReason: blocked ? 'guardrail_intervened' : stopReason,
    usage: usageOf(inputTokens, outputTokens),
    metrics: { latencyMs },
    ...(blocked && traceOf(request, verdict)),
  });
};

/** Ends a started stream with an in-stream exception: the SDK throws it from the async iterator. */
const failStream = (ex: HttpExchange, error: BedrockError, settle: (how: 'failed') => void) => {
  settle('failed');
  ex.end(encodeException(error.streamExceptionType, error.message));
};

/**
 * The stream of a guardrail intervention: what was already sent stays, then the blocked message, the stop reason
 * `guardrail_intervened` and the usage to bill.
 */
const endBlocked = (ex: HttpExchange, request: ConverseRequest, context: ResponseContext, verdict: Exclude<GuardrailVerdict, 'pass'>, outputTokens: number) => {
  ex.write(encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: context.guardrail.blockedMessage } }));
  ex.write(encodeEvent('contentBlockStop', { contentBlockIndex: 0 }));
  ex.write(encodeEvent('messageStop', { stopReason: 'guardrail_intervened' }));
  ex.end(encodeEvent('metadata', { usage: usageOf(estimateInputTokens(request), outputTokens), metrics: { latencyMs: 0 }, ...traceOf(request, verdict) }));
};

export const serveStream = async (ex: HttpExchange, request: ConverseRequest, fault: FaultKind | undefined, context: ResponseContext) => {
  const { openReply, stats, faults, controller } = context;
  const verdict = judge(request, context);
  if (verdict === 'block_input') {
    // Blocked before any model runs (no fault can happen in a model that never ran).
    ex.startEventStream();
    stats.streamStarted();
    ex.write(encodeEvent('messageStart', { role: 'assistant' }));
    endBlocked(ex, request, context, verdict, 0);
    stats.streamEnded('completed');
    return;
  }
  const reply: ReplyGenerator = await openReply(request, { stream: true, signal: controller.signal });
  const { faultAfterDeltas, midStreamErrorType } = faults;
  ex.startEventStream();
  stats.streamStarted();
  // Each stream ends exactly once: completed, failed (in-stream exception) or aborted (the client left first).
  let settled = false;
  const settle = (how: 'completed' | 'failed' | 'aborted') => {
    if (settled) return;
    settled = true;
    stats.streamEnded(how);
  };
  ex.onClientGone(() => settle('aborted'));
  ex.write(encodeEvent('messageStart', { role: 'assistant' }));

  let outcome: ReplyOutcome;
  let deltas = 0;
  try {
    let step = await reply.next();
    // A fault fires after `faultAfterDeltas` deltas, or at the end of a reply shorter than that.
    const faultDue = () => fault !== undefined && (deltas >= faultAfterDeltas || step.done === true);
    let sentText = '';
    while (!step.done && !faultDue()) {
      ex.write(encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: step.value } }));
      sentText += step.value;
      deltas += 1;
      if (verdict === 'block_output' && deltas >= OUTPUT_DELTAS_BEFORE_BLOCK) {
        // The guardrail stops the answer here: generation ends, the tokens generated so far are billed.
        controller.abort();
        endBlocked(ex, request, context, verdict, estimateTokens(sentText));
        settle('completed');
        return;
      }
      if (!faultDue()) step = await reply.next();
    }
    if (fault === 'hang') {
      // Stop generating (no timers left), send nothing more, and leave the response open until the client
      // gives up or the server closes.
      controller.abort();
      return;
    }
    if (fault === 'midStreamError') {
      controller.abort();
      failStream(ex, BedrockError.fromStreamExceptionType(midStreamErrorType, injected('The model stream was interrupted')), settle);
      return;
    }
    if (!step.done) throw new Error('the reply ended without an outcome');
    outcome = step.value;
  } catch (error) {
    if (ex.clientGone || controller.signal.aborted) return; // counted as aborted by onClientGone
    failStream(ex, asBedrockError(error), settle);
    return;
  }

  const { stopReason, inputTokens, outputTokens, latencyMs } = outcome;
  if (verdict === 'block_output') {
    // A reply shorter than the deltas let through is blocked at its end.
    endBlocked(ex, request, context, verdict, outputTokens);
    settle('completed');
    return;
  }
  ex.write(encodeEvent('contentBlockStop', { contentBlockIndex: 0 }));
  ex.write(encodeEvent('messageStop', { stopReason }));
  settle('completed');
  ex.end(encodeEvent('metadata', { usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs } }));
};

