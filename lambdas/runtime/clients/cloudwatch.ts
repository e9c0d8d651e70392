import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientOptions } from './options';

/**
 * CloudWatch metric reads for the unmapped-intent audit: a few small calls, so a hung connection is cut after
 * seconds rather than the SDK's unbounded default; the weekly run is retried by the scheduler if it fails.
 */
export const createCloudWatchClient = (options: ClientOptions): CloudWatchClient =>
  new CloudWatchClient({
    ...options,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, socketTimeout: 10_000 }),
  });
