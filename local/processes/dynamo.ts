/**
 * Entry of dynalite's own process (forked by local/emulator-children.ts, never run by hand): dynalite with the
 * stack's tables (and the compact-storage patch, applied when local/dynamo.ts loads).
 */
import { startLocalDynamo } from '../dynamo';
import { serveEmulatorProcess } from '../emulator-process';

serveEmulatorProcess(async (raw) => {
  const service = await startLocalDynamo(raw as { tablePrefix?: string });
  return { service, info: { endpoint: service.endpoint, tableNames: service.tableNames } };
});
