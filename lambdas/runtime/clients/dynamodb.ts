import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClientOptions } from './options';

export const createDocumentClient = (options: ClientOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...options, maxAttempts: 3 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
