import path from 'node:path';
import type { LocalBedrock, LocalBedrockOptions } from './bedrock/server';
import type { LocalDynamo } from './dynamo';
import { forkEmulator, type EmulatorProcess } from './emulator-process';

/**
 * The parent's side of the emulators' own processes (see local/emulator-process.ts): the same handles as in
 * process, except that what the stack reads from the local Bedrock endpoint (stats, faults, quotas, provisioned
 * throughputs) is an IPC call, so it returns a promise.
 */

/** A synchronous interface's methods as calls to another process. */
export type Remote<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K];
};

export interface EmulatorProcessInfo {
  readonly pid: number;
  /** The process's `process.cpuUsage()` (µs since it started). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
}

/** The local Bedrock endpoint in its own process. */
export type ChildLocalBedrock = Remote<LocalBedrock> & EmulatorProcessInfo;
/** dynalite in its own process. */
export type ChildLocalDynamo = LocalDynamo & EmulatorProcessInfo;

/**
 * What crosses to the Bedrock process: its options without `now` (a function stays in its process); a fast
 * capacity clock goes as its origin instead (`start + (Date.now() - realStart) * speed`).
 */
export interface BedrockProcessOptions {
  readonly bedrock: Omit<LocalBedrockOptions, 'now'>;
  readonly clock?: { readonly start: number; readonly realStart: number; readonly speed: number };
}

const BEDROCK_METHODS = [
  'setFaults',
  'faults',
  'stats',
  'resetStats',
  'setControlFaults',
  'controlFaults',
  'provisioned',
  'setQuotas',
  'quotas',
  'waitForStreamAborted',
] as const satisfies readonly Exclude<keyof LocalBedrock, 'url' | 'port' | 'close'>[];

const info = <Info>(child: EmulatorProcess<Info>): EmulatorProcessInfo => ({ pid: child.pid, cpuUsage: () => child.cpuUsage() });

export const startBedrockProcess = async (options: BedrockProcessOptions, onCrash: (error: Error) => void): Promise<ChildLocalBedrock> => {
  const child = await forkEmulator<{ url: string; port: number }>({
    name: 'the local Bedrock endpoint',
    entry: path.join(__dirname, 'processes', 'bedrock.ts'),
    options,
    onCrash,
  });
  const methods = Object.fromEntries(BEDROCK_METHODS.map((method) => [method, (...args: unknown[]) => child.call(method, args)]));
  return { ...(methods as Omit<ChildLocalBedrock, 'url' | 'port' | 'close' | 'pid' | 'cpuUsage'>), ...child.info, ...info(child), close: () => child.close() };
};

export const startDynamoProcess = async (options: { readonly tablePrefix?: string }, onCrash: (error: Error) => void): Promise<ChildLocalDynamo> => {
  const child = await forkEmulator<{ endpoint: string; tableNames: Readonly<Record<string, string>> }>({
    name: 'dynalite',
    entry: path.join(__dirname, 'processes', 'dynamo.ts'),
    options,
    onCrash,
  });
  return { ...child.info, ...info(child), close: () => child.close() };
};
