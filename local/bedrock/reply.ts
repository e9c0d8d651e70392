import type { ConverseRequest } from './converse-request';
import type { StopReason } from './event-stream';

/**
 * What both reply sources (the simulator and the OpenAI-compatible forwarder) hand to the server: text deltas
 * as they are produced, then the outcome as the generator's return value.
 */
export interface ReplyOutcome {
  readonly stopReason: StopReason;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
}

export type ReplyGenerator = AsyncGenerator<string, ReplyOutcome, void>;

export interface OpenReplyOptions {
  /** Whether the client asked for ConverseStream (the forwarder then streams from upstream too). */
  readonly stream: boolean;
  /** Aborted when the client goes away or the server closes: stop generating and release timers / sockets. */
  readonly signal: AbortSignal;
}

/** Opens a reply; rejects with a BedrockError when it cannot start (sent as an HTTP error, before any 200). */
export type ReplySource = (request: ConverseRequest, options: OpenReplyOptions) => Promise<ReplyGenerator>;
