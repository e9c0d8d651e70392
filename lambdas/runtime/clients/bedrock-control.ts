import { BedrockClient } from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientOptions } from './options';

/**
 * The Bedrock control plane (provisioned throughput), for the capacity scheduler. Its calls are small JSON requests
 * answered in well under a second, so a hung connection is cut after a few seconds instead of the SDK's unbounded
 * default; a couple of retries cover throttling and 5xx, and the reconciler's next run covers the rest (every
 * action it takes is safe to repeat).
 */
export const createBedrockControlClient = (options: ClientOptions): BedrockClient =>
  new BedrockClient({
    ...options,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, socketTimeout: 10_000 }),
  });
