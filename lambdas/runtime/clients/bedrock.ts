import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientOptions } from './options';

export interface BedrockClientOptions extends ClientOptions {
  /** Socket idle limit: the runtime client has no timeout by default, so a hung call would wait forever. */
  readonly requestTimeoutMs: number;
}

export const createBedrockRuntimeClient = (options: BedrockClientOptions): BedrockRuntimeClient => {
  const { requestTimeoutMs, ...clientOptions } = options;
  return new BedrockRuntimeClient({
    ...clientOptions,
    // Standard retries cover throttling before the stream starts; errors inside a 200 stream are the caller's.
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, socketTimeout: requestTimeoutMs }),
  });
};
