import {
  type ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConnectionGoneError } from '../core/errors';
import type { ServerFrame } from '../core/protocol';
import type { Messenger } from '../ports';

/** Messenger over the API Gateway management API (`postToConnection`). */
export class ApiGatewayMessenger implements Messenger {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(frame) }));
    } catch (error) {
      if (error instanceof GoneException || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410) {
        throw new ConnectionGoneError(connectionId, { cause: error });
      }
      throw error;
    }
  }
}

export type ManagementClientFactory = (endpoint: string) => ApiGatewayManagementApiClient;

/**
 * One management client per endpoint, built on first use and kept for the container's life: the endpoint is only
 * known from the first event (domain + stage), unless configured.
 */
export const messengerCache = (createClient: ManagementClientFactory): ((endpoint: string) => Messenger) => {
  const messengers = new Map<string, Messenger>();
  return (endpoint) => {
    let messenger = messengers.get(endpoint);
    if (!messenger) {
      messenger = new ApiGatewayMessenger(createClient(endpoint));
      messengers.set(endpoint, messenger);
    }
    return messenger;
  };
};
