import { DescribeReplicationGroupsCommand, ModifyReplicationGroupCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { TokenCache, TokenSecret } from '../ports/cache-auth';

/** ElastiCache AUTH tokens: 16-128 characters, punctuation limited to `! & # $ ^ < > -`; letters and digits are always safe. */
export const CACHE_TOKEN_LENGTH = 64;

/** The token secret over Secrets Manager. */
export class SecretsManagerTokenSecret implements TokenSecret {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  async get(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn, VersionStage: stage, ...(versionId && { VersionId: versionId }) }));
      return SecretString;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async randomToken(): Promise<string> {
    const { RandomPassword } = await this.client.send(
      new GetRandomPasswordCommand({ PasswordLength: CACHE_TOKEN_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }),
    );
    if (RandomPassword === undefined) throw new Error('Secrets Manager returned no random password');
    return RandomPassword;
  }

  async putPending(versionId: string, token: string): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: this.secretArn, ClientRequestToken: versionId, SecretString: token, VersionStages: ['AWSPENDING'] }));
  }

  async currentVersionId(): Promise<string | undefined> {
    const { VersionIdsToStages = {} } = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretArn }));
    return Object.entries(VersionIdsToStages).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  }

  async promote(versionId: string, fromVersionId: string | undefined): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({ SecretId: this.secretArn, VersionStage: 'AWSCURRENT', MoveToVersionId: versionId, ...(fromVersionId && { RemoveFromVersionId: fromVersionId }) }),
    );
  }
}

/** The replication group whose AUTH token rotates. */
export class ElastiCacheTokenCache implements TokenCache {
  constructor(
    private readonly client: ElastiCacheClient,
    private readonly replicationGroupId: string,
  ) {}

  async status(): Promise<string> {
    const { ReplicationGroups = [] } = await this.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: this.replicationGroupId }));
    return ReplicationGroups[0]?.Status ?? 'unknown';
  }

  async rotateTo(token: string): Promise<void> {
    await this.client.send(
      new ModifyReplicationGroupCommand({ ReplicationGroupId: this.replicationGroupId, AuthToken: token, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }),
    );
  }
}
