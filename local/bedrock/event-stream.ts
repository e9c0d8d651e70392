import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { StreamExceptionType } from './errors';

/**
 * The binary `application/vnd.amazon.eventstream` framing of ConverseStream. Each payload is the JSON of the
 * union member's own shape (not wrapped in `{ member: ... }`): the SDK picks the member from `:event-type`.
 * Shapes follow `ConverseStreamOutput` in @aws-sdk/client-bedrock-runtime.
 */
export type StopReason = 'end_turn' | 'max_tokens' | 'guardrail_intervened';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

export interface StreamEventPayloads {
  messageStart: { role: 'assistant' };
  contentBlockDelta: { contentBlockIndex: number; delta: { text: string } };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason: StopReason };
  /** `trace.guardrail` only when the request asked for a guardrail trace and the guardrail intervened. */
  metadata: { usage: Usage; metrics: { latencyMs: number }; trace?: { guardrail: unknown } };
}
export type StreamEventType = keyof StreamEventPayloads;

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const text = (value: string) => ({ type: 'string' as const, value });

const encode = (headers: MessageHeaders, payload: unknown): Uint8Array =>
  codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });

export const encodeEvent = <T extends StreamEventType>(type: T, payload: StreamEventPayloads[T]): Uint8Array =>
  encode(
    { ':event-type': text(type), ':content-type': text('application/json'), ':message-type': text('event') },
    payload,
  );

/** An error inside a stream that already answered HTTP 200: the SDK throws it from the async iterator. */
export const encodeException = (type: StreamExceptionType, message: string): Uint8Array =>
  encode(
    { ':exception-type': text(type), ':content-type': text('application/json'), ':message-type': text('exception') },
    { message },
  );
