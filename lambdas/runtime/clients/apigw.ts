import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { messengerCache } from '../../adapters/apigw-messenger';
import type { WebSocketEvent } from '../../handlers/websocket-event';
import { managementEndpoint } from '../../handlers/websocket-event';
import type { Messenger } from '../../ports';
import { withoutSdkLogging, type ClientOptions } from './options';

/**
 * A messenger per stage endpoint, the endpoint from config (a value, or a function for the offline stack whose
 * port is known only once it listens) or from the event.
 */
export const createMessengerFor = (options: Omit<ClientOptions, 'endpoint'>, configuredEndpoint?: string | (() => string)) => {
  const forEndpoint = messengerCache((endpoint) => withoutSdkLogging(new ApiGatewayManagementApiClient({ ...options, endpoint, maxAttempts: 2, cacheMiddleware: true })));
  return (event: WebSocketEvent): Messenger =>
    forEndpoint(managementEndpoint(event, typeof configuredEndpoint === 'function' ? configuredEndpoint() : configuredEndpoint));
};
