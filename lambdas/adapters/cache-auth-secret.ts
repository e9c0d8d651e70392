import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads the cache's AUTH token (AWSCURRENT) once: the invoke function does so at cold start. Its own module, so the
 * invoke bundle carries the Secrets Manager client only, not the rotation function's ElastiCache client.
 */
export const readCacheAuthToken = async (client: SecretsManagerClient, secretArn: string): Promise<string> => {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (SecretString === undefined || SecretString.length === 0) throw new Error('the cache AUTH secret has no string value');
  return SecretString;
};
