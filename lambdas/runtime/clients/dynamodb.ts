import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withoutSdkLogging, type ClientOptions } from './options';

// No cacheMiddleware here: lib-dynamodb refuses it (its commands resolve the inner client's stack themselves).
export const createDocumentClient = (options: ClientOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(withoutSdkLogging(new DynamoDBClient({ ...options, maxAttempts: 3 })), {
    marshallOptions: { removeUndefinedValues: true },
  });
