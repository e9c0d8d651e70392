import {
  ConverseStreamCommand,
  type BedrockRuntimeClient,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  GatewayBusyError,
  ModelError,
  ModelStreamInterruptedError,
  ModelThrottledError,
  ModelTimeoutError,
  ModelUnavailableError,
} from '../core/errors';
import type { ModelClient, ModelRequest, ModelStreamEvent } from '../ports';

/** The Bedrock guardrail every answer goes through (GUARDRAIL_ID / GUARDRAIL_VERSION); absent, none. */
export interface GuardrailSettings {
  /** The guardrail's id (or ARN). */
  readonly identifier: string;
  /** A published version number; never `DRAFT` in production (a draft changes under the running code). */
  readonly version: string;
}

export interface BedrockModelClientOptions {
  /** No event for this long means a hung stream: abort it rather than hold the connection open. */
  readonly streamIdleTimeoutMs: number;
  readonly guardrail?: GuardrailSettings;
  /** The retry hint (ms) of a call that got no connection in time (`gateway_busy`); 1000 by default. */
  readonly busyRetryAfterMs?: number;
}

const DEFAULT_BUSY_RETRY_AFTER_MS = 1000;

/**
 * `sync`: the guardrail checks each part of the answer before it is streamed, so nothing it blocks ever reaches the
 * client and its PII policy can mask (anonymize) addresses and phone numbers in the answer, which `async` mode does
 * not support. The price is some delay before the first chunk; `async` would stream at once and judge afterwards.
 */
export const GUARDRAIL_STREAM_PROCESSING_MODE = 'sync';

const THROTTLING = new Set(['ThrottlingException', 'ServiceQuotaExceededException', 'throttlingException']);
const TIMEOUTS = new Set(['ModelTimeoutException', 'TimeoutError', 'RequestTimeout', 'ETIMEDOUT']);

/**
 * The HTTP handler's connect timeout. It runs from the call on, so it also fires while the call waits for a free
 * socket in the client's pool: the gateway's own saturation (or its network), never the model's answer being slow.
 * Matched on the handler's wording (@smithy/node-http-handler: "did not establish a connection", older versions
 * "without establishing a connection"); test/adapters/bedrock-model-client-busy.test.ts pins it to the installed SDK.
 */
export const isConnectionAcquireTimeout = (error: unknown): boolean =>
  error instanceof Error && error.name === 'TimeoutError' && /(did not|without) establish(ing)? a connection/.test(error.message);

/**
 * Maps an SDK or network failure to the core's ModelError vocabulary. Errors inside an HTTP 200 stream (which the
 * SDK's retries do not cover) become ModelStreamInterruptedError once text has arrived.
 */
export const toModelError = (error: unknown, afterFirstEvent: boolean): ModelError => {
  if (error instanceof ModelError) return error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // A stalled stream is a timeout wherever it stalls; anything else after text is an interruption.
  if (TIMEOUTS.has(name) || code === 'ETIMEDOUT') return new ModelTimeoutError(`model timed out: ${message}`, { cause: error });
  if (afterFirstEvent) return new ModelStreamInterruptedError(`model stream interrupted: ${name}: ${message}`, { cause: error });
  if (THROTTLING.has(name)) return new ModelThrottledError(`model throttled: ${message}`, { cause: error });
  return new ModelUnavailableError(`model unavailable: ${name}: ${message}`, { cause: error });
};

const toEvents = (event: ConverseStreamOutput): ModelStreamEvent[] => {
  if (event.contentBlockDelta?.delta?.text !== undefined) return [{ type: 'text', text: event.contentBlockDelta.delta.text }];
  if (event.messageStop) return [{ type: 'stop', reason: event.messageStop.stopReason ?? 'unknown' }];
  if (event.metadata?.usage) {
    const { inputTokens = 0, outputTokens = 0 } = event.metadata.usage;
    return [{ type: 'usage', inputTokens, outputTokens }];
  }
  const streamError =
    event.internalServerException ??
    event.modelStreamErrorException ??
    event.throttlingException ??
    event.validationException ??
    event.serviceUnavailableException;
  if (streamError) throw streamError;
  return [];
};

/**
 * ModelClient over Bedrock ConverseStream. `maxTokens` is always sent: Bedrock reserves quota by it. With a guardrail,
 * every call carries its id and version; an intervention arrives as the stop reason `guardrail_intervened`, passed
 * on as it is (the answer step turns it into `content_blocked`).
 */
export class BedrockModelClient implements ModelClient {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly options: BedrockModelClientOptions,
  ) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    const watchdog = new AbortController();
    const signal = AbortSignal.any([request.signal, watchdog.signal]);
    let timer: NodeJS.Timeout | undefined;
    // One timer per call, pushed back on each event (refresh) rather than a new one per token.
    const arm = (): void => {
      if (timer !== undefined) timer.refresh();
      else timer = setTimeout(() => watchdog.abort(new ModelTimeoutError(`no model event for ${this.options.streamIdleTimeoutMs} ms`)), this.options.streamIdleTimeoutMs);
    };
    let sawEvent = false;
    try {
      arm();
      const response = await this.client.send(
        new ConverseStreamCommand({
          modelId: request.modelId,
          system: [{ text: request.system }],
          messages: request.messages.map((m) => ({ role: m.role, content: [{ text: m.text }] })),
          inferenceConfig: { maxTokens: request.maxTokens },
          ...(this.options.guardrail && {
            guardrailConfig: {
              guardrailIdentifier: this.options.guardrail.identifier,
              guardrailVersion: this.options.guardrail.version,
              streamProcessingMode: GUARDRAIL_STREAM_PROCESSING_MODE,
            },
          }),
        }),
        { abortSignal: signal },
      );
      if (!response.stream) throw new ModelUnavailableError('Bedrock returned no stream');
      for await (const event of response.stream) {
        arm();
        const events = toEvents(event);
        for (const mapped of events) {
          if (mapped.type === 'text') sawEvent = true;
          yield mapped;
        }
      }
    } catch (error) {
      if (watchdog.signal.aborted) throw watchdog.signal.reason as ModelTimeoutError;
      // The caller's own abort (client gone, deadline) is the caller's to interpret.
      if (request.signal.aborted) throw error;
      // No connection means no call: the model never saw it, and the cheaper tier would wait for the same pool.
      if (!sawEvent && isConnectionAcquireTimeout(error)) {
        throw new GatewayBusyError('connection_wait', this.options.busyRetryAfterMs ?? DEFAULT_BUSY_RETRY_AFTER_MS, { cause: error });
      }
      throw toModelError(error, sawEvent);
    } finally {
      clearTimeout(timer);
    }
  }
}
