import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { withoutSdkLogging, type ClientOptions } from './options';

/** The SDK's own connect timeout; it also runs while a call waits for a free socket in the pool. */
export const DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS = 2000;

export interface BedrockClientOptions extends ClientOptions {
  /** Socket idle limit: the runtime client has no timeout by default, so a hung call would wait forever. */
  readonly requestTimeoutMs: number;
  /**
   * Sockets the client opens at most (the SDK's default is 50). A Lambda serves one answer at a time, so the default
   * does; the offline stack serves every connection from one process and needs room for all its calls in flight.
   */
  readonly maxSockets?: number;
  /** Connect timeout (ms), counted from the call, so time queued for a socket counts too. Default 2000. */
  readonly connectionTimeoutMs?: number;
}

export const createBedrockRuntimeClient = (options: BedrockClientOptions): BedrockRuntimeClient => {
  const { requestTimeoutMs, maxSockets, connectionTimeoutMs, ...clientOptions } = options;
  const client = new BedrockRuntimeClient({
    ...clientOptions,
    // Standard retries cover throttling before the stream starts; errors inside a 200 stream are the caller's.
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: connectionTimeoutMs ?? DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS,
      socketTimeout: requestTimeoutMs,
      ...(maxSockets !== undefined && { httpAgent: { keepAlive: true, maxSockets }, httpsAgent: { keepAlive: true, maxSockets } }),
    }),
  });
  return withoutSdkLogging(client);
};
