/**
 * Entry of the local Bedrock endpoint's own process (forked by local/emulator-children.ts, never run by hand): it
 * starts the endpoint from the parent's options and answers the stack's calls (stats, faults, quotas, provisioned).
 */
import { startLocalBedrock } from '../bedrock/server';
import { serveEmulatorProcess } from '../emulator-process';
import type { BedrockProcessOptions } from '../emulator-children';

serveEmulatorProcess(async (raw) => {
  const { bedrock, clock } = raw as BedrockProcessOptions;
  // The capacity scheduler's fast clock, rebuilt from its origin: the control plane shares the parent's time.
  const now = clock === undefined ? undefined : () => clock.start + (Date.now() - clock.realStart) * clock.speed;
  const service = await startLocalBedrock({ ...bedrock, ...(now && { now }) });
  return { service, info: { url: service.url, port: service.port } };
});
