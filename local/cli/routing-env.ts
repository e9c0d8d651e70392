import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import type { RoutingChangeDeps } from '../../lambdas/app/routing-changes';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { systemClock } from '../../lambdas/runtime/system';
import { LOCAL_CREDENTIALS } from '../dynamo';
import { runningStackState } from '../issuer-state';
import { CliUsageError } from './capacity';
import type { RoutingCliDeps } from './routing';


/**
 * Where `cli routing` reads and commits versions. ROUTING_VERSIONS_TABLE (and ROUTING_TABLE, the legacy rows of
 * version 0) with AWS_REGION and the default credential chain, DYNAMODB_ENDPOINT for another endpoint; without
 * ROUTING_VERSIONS_TABLE, the running npm start's dynalite (local/issuer-state.ts). `close()` releases the client.
 */
export const routingStoresFromEnv = (env: Readonly<Record<string, string | undefined>>): { readonly stores: () => Promise<RoutingChangeDeps>; close(): void } => {
  let documents: ReturnType<typeof createDocumentClient> | undefined;
  return {
    stores: async () => {
      const stack = env['ROUTING_VERSIONS_TABLE'] === undefined ? runningStackState(env) : undefined;
      const versionsTable = env['ROUTING_VERSIONS_TABLE'] ?? stack?.routingVersionsTable;
      if (versionsTable === undefined) {
        throw new CliUsageError('set ROUTING_VERSIONS_TABLE (and ROUTING_TABLE) with AWS credentials and AWS_REGION, or start the offline gateway with npm start');
      }
      const legacyTable = stack ? stack.routingTable : env['ROUTING_TABLE'];
      const endpoint = stack ? stack.dynamoEndpoint : env['DYNAMODB_ENDPOINT'];
      const local = endpoint !== undefined && env['AWS_ACCESS_KEY_ID'] === undefined ? { credentials: LOCAL_CREDENTIALS } : {};
      documents ??= createDocumentClient({ region: env['AWS_REGION'] ?? 'ap-northeast-1', ...local, ...(endpoint !== undefined && { endpoint }) });
      return {
        versions: new DynamoRoutingVersionStore(documents, versionsTable),
        ...(legacyTable !== undefined && { legacy: new DynamoRoutingConfigStore(documents, legacyTable) }),
        clock: systemClock,
      };
    },
    close: () => documents?.destroy(),
  };
};

export const routingCliDeps = (
  env: Readonly<Record<string, string | undefined>>,
  io: { readonly write: (line: string) => void; readonly err: (line: string) => void },
): RoutingCliDeps & { close(): void } => {
  const { stores, close } = routingStoresFromEnv(env);
  return { stores, write: io.write, err: io.err, operator: env['USER'] ?? 'unknown', close };
};
