import fs from 'node:fs';
import net from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DoneReply } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type ChildProcessLocalStack } from '../../local/stack';
import { silentLog } from '../support/fakes';
import { TestClient, textOf } from '../support/ws-client';

/**
 * The offline stack with the local Bedrock endpoint and dynalite in their own processes (what `npm start` runs):
 * forked from jest's process too (the children load TypeScript through tsx), answers flow through them, what the
 * stack reads from the endpoint is an IPC call, and a child that dies or cannot start is a clear error.
 */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** This process's live child emulator processes (their pids), from /proc. */
const childEmulators = (): string[] =>
  fs.readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const parent = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1];
      return parent === String(process.pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('local/processes/');
    } catch {
      return false;
    }
  });

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
};

describe('offline stack with child emulator processes', () => {
  let stack: ChildProcessLocalStack;
  const crashes: Error[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      log: silentLog,
      emulators: 'child_processes',
      onEmulatorCrash: (error) => crashes.push(error),
      bedrock: { seed: 7, latencyScale: 0.05 },
      llmClassifier: false,
      routingCacheTtlMs: 0,
    });
  }, 90_000);

  afterAll(async () => {
    await stack.close();
  });

  it('answers through the endpoint and dynalite in their own processes and reads their stats over IPC', async () => {
    expect(stack.bedrock.pid).not.toBe(process.pid);
    expect(stack.dynamo.pid).not.toBe(process.pid);
    expect(alive(stack.bedrock.pid) && alive(stack.dynamo.pid)).toBe(true);
    const before = (await stack.bedrock.stats()).requests.total;
    const client = await TestClient.connect(stack.url);
    try {
      client.send({ action: 'invoke', message: 'Can you recommend manga like Berserk but less dark and more hopeful?', requestId: 'child-1' });
      const frames = await client.finish('child-1');
      expect(frames.at(-1) as DoneReply).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'sonnet', cacheHit: false });
      expect(textOf(frames).length).toBeGreaterThan(20);
    } finally {
      await client.close();
    }
    // The connection, the exchange and the answer record went to dynalite's process.
    const documents = createDocumentClient({ region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, endpoint: stack.dynamo.endpoint });
    try {
      const items = (await documents.send(new ScanCommand({ TableName: stack.tables.sessions }))).Items ?? [];
      expect(items.length).toBeGreaterThanOrEqual(2);
    } finally {
      documents.destroy();
    }
    expect((await stack.bedrock.stats()).requests.total).toBe(before + 1);
    const [bedrockCpu, dynamoCpu] = await Promise.all([stack.bedrock.cpuUsage(), stack.dynamo.cpuUsage()]);
    expect(bedrockCpu.user).toBeGreaterThan(0);
    expect(dynamoCpu.user).toBeGreaterThan(0);
  });

  it("changes the endpoint's faults over IPC and passes its validation error back by name", async () => {
    await expect(stack.bedrock.setFaults({ throttleRate: 7 })).rejects.toMatchObject({ name: 'FaultConfigError', message: expect.stringContaining('throttleRate') });
    expect((await stack.bedrock.faults()).throttleRate).toBe(0);
    // Three throttles exhaust the SDK's three attempts on Sonnet; Haiku then answers.
    await stack.bedrock.setFaults({ throttleNext: 3 });
    const client = await TestClient.connect(stack.url);
    try {
      client.send({ action: 'invoke', message: 'Please recommend a manga similar to Monster with a mystery plot', requestId: 'throttled' });
      expect((await client.finish('throttled')).at(-1)).toMatchObject({ type: 'done', tier: 'haiku' });
    } finally {
      await client.close();
    }
    expect((await stack.bedrock.stats()).faults.throttle).toBeGreaterThanOrEqual(3);
  });

  it('reports a child that dies with its name and pid, fails calls to it, and still closes', async () => {
    const own = await startLocalStack({ port: 0, log: silentLog, emulators: 'child_processes', onEmulatorCrash: (error) => crashes.push(error), llmClassifier: false });
    const { pid } = own.bedrock;
    const dynamoPid = own.dynamo.pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => crashes.length > 0, 'the crash report');
    expect(crashes[0]?.message).toBe(`the local Bedrock endpoint process (pid ${pid}) exited unexpectedly (SIGKILL)`);
    await expect(own.bedrock.stats()).rejects.toThrow(`(pid ${pid}) exited unexpectedly`);
    await own.close();
    expect(alive(dynamoPid)).toBe(false);
    expect(crashes).toHaveLength(1);
  }, 90_000);

  it('refuses to start when a child cannot, naming it, and leaves no child behind', async () => {
    const before = childEmulators();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      await expect(startLocalStack({ port: 0, log: silentLog, emulators: 'child_processes', bedrock: { port } })).rejects.toThrow(
        /the local Bedrock endpoint process \(pid \d+\) could not start: .*EADDRINUSE/,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    expect(childEmulators()).toEqual(before);
  }, 90_000);

  it('closes its children with the stack', async () => {
    const own = await startLocalStack({ port: 0, log: silentLog, emulators: 'child_processes', llmClassifier: false });
    const pids = [own.bedrock.pid, own.dynamo.pid];
    await own.close();
    expect(pids.filter(alive)).toEqual([]);
  }, 90_000);
});
