import { fork, type ChildProcess } from 'node:child_process';

/**
 * The offline emulators (the local Bedrock endpoint, dynalite) in child processes, so `npm start` and the benches
 * use the machine's second core: in one process they shared one event loop with the gateway handlers, and the loop
 * saturated at about a third of what the model behind it could serve (notes: profile-11).
 *
 * Protocol (IPC, structured-clone serialisation so Infinity and nested records survive):
 * parent -> child `{ type: 'start', options }` once, then `{ type: 'call', id, method, args }` and `{ type: 'cpu', id }`;
 * child -> parent `{ type: 'ready', info }` (the bound port, endpoints), `{ type: 'reply', id, result | error }`,
 * or `{ type: 'failed', error }` when it could not start.
 *
 * Lifetime: the child exits when its IPC channel closes (the parent exited, even on SIGKILL) and ignores SIGINT,
 * which a terminal's Ctrl-C sends to the whole process group: the parent's own shutdown closes it in order. The
 * parent kills its children on `exit`, and a child that exits while the parent still uses it is reported
 * (`onCrash`) with its name, pid and exit code, and every pending call fails with that error.
 */

type ParentMessage =
  | { readonly type: 'start'; readonly options: unknown }
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly type: 'cpu'; readonly id: number };

type ChildMessage =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: { readonly name: string; readonly message: string } };

/** How long a child may take to load TypeScript and bind its port (a loaded 2-core machine takes seconds). */
const READY_TIMEOUT_MS = 60_000;

/** The child's side: start the service from the parent's options, answer its calls, go when the parent goes. */
export const serveEmulatorProcess = <Service extends { close(): Promise<void> }>(
  start: (options: unknown) => Promise<{ readonly service: Service; readonly info: unknown }>,
): void => {
  const send = (message: ChildMessage) => process.send?.(message);
  if (process.send === undefined) {
    process.stderr.write('this is an emulator process entry: the offline stack forks it (local/emulator-process.ts)\n');
    process.exit(2);
  }
  // Ctrl-C reaches the whole process group; the parent decides when this process stops.
  process.on('SIGINT', () => undefined);
  let service: Service | undefined;
  process.on('disconnect', () => {
    void (service?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  process.on('message', (raw: ParentMessage) => {
    if (raw.type === 'start') {
      start(raw.options).then(
        (started) => {
          service = started.service;
          send({ type: 'ready', info: started.info });
        },
        (error: unknown) => {
          send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
          process.exit(1);
        },
      );
      return;
    }
    if (raw.type === 'cpu') {
      send({ type: 'reply', id: raw.id, result: process.cpuUsage() });
      return;
    }
    const target = service as unknown as Record<string, unknown> | undefined;
    const method = target?.[raw.method];
    if (typeof method !== 'function') {
      send({ type: 'reply', id: raw.id, error: { name: 'Error', message: `no method ${raw.method}` } });
      return;
    }
    Promise.resolve()
      .then(() => (method as (...args: unknown[]) => unknown).apply(target, [...raw.args]))
      .then(
        (result) => send({ type: 'reply', id: raw.id, result }),
        (error: unknown) =>
          send({ type: 'reply', id: raw.id, error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } }),
      );
  });
};

/** The parent's handle on one emulator process. */
export interface EmulatorProcess<Info> {
  /** What the child reported once ready (its port, endpoints). */
  readonly info: Info;
  readonly pid: number;
  /** Calls a method of the child's service; rejects with the child's error (same name and message). */
  call(method: string, args?: readonly unknown[]): Promise<unknown>;
  /** The child's `process.cpuUsage()` (µs since it started). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  /** Closes the service (the child exits once its channel is gone); resolves when the child has exited. */
  close(): Promise<void>;
}

export interface ForkEmulatorOptions {
  /** Names the process in errors: "the local Bedrock endpoint". */
  readonly name: string;
  /** The entry script (a .ts file; the child loads TypeScript through tsx). */
  readonly entry: string;
  /** Sent to the child's start function; structured-clone serialisable (no functions). */
  readonly options: unknown;
  /** The child exited while in use (not through `close`). */
  readonly onCrash: (error: Error) => void;
}

/** Children alive in this process, killed if the process exits without closing them. */
const children = new Set<ChildProcess>();
let exitHookInstalled = false;
const killChildrenOnExit = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of children) child.kill();
  });
};

/**
 * The child runs TypeScript through tsx's loader whatever runs the parent: `npm start` (tsx), jest (ts-jest, which
 * only transforms what jest itself requires) or plain node. The parent's own flags (--cpu-prof, --inspect, jest's)
 * are not passed on.
 */
const TSX_LOADER = require.resolve('tsx');

export const forkEmulator = async <Info>(options: ForkEmulatorOptions): Promise<EmulatorProcess<Info>> => {
  killChildrenOnExit();
  const child = fork(options.entry, [], {
    execArgv: ['--import', TSX_LOADER],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const pid = child.pid ?? -1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let closing = false;
  let exited: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${options.name} process (pid ${pid}) was not ready within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} process (pid ${pid}) exited before it was ready (${signal ?? `code ${code}`})`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} process could not start: ${error.message}`));
    });
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(message.info as Info);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
        reject(new Error(`${options.name} process (pid ${pid}) could not start: ${message.error}`));
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'start', options: options.options } satisfies ParentMessage);
  }).catch((error: unknown) => {
    children.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill();
    throw error;
  });

  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.error === undefined) waiter.resolve(message.result);
    else waiter.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
  });
  child.once('exit', (code, signal) => {
    children.delete(child);
    exited = new Error(`${options.name} process (pid ${pid}) exited unexpectedly (${signal ?? `code ${code}`})`);
    for (const waiter of pending.values()) waiter.reject(exited);
    pending.clear();
    if (!closing) options.onCrash(exited);
  });

  const request = (message: { type: 'call'; method: string; args: readonly unknown[] } | { type: 'cpu' }): Promise<unknown> => {
    if (exited) return Promise.reject(exited);
    const id = nextId;
    nextId += 1;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ ...message, id } as ParentMessage);
    });
  };

  return {
    info,
    pid,
    call: (method, args = []) => request({ type: 'call', method, args }),
    cpuUsage: async () => (await request({ type: 'cpu' })) as NodeJS.CpuUsage,
    close: async () => {
      if (closing) return exitedPromise;
      closing = true;
      if (exited) return;
      // The child closes its service and exits when the channel goes; a child that hangs is killed.
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.disconnect();
      await exitedPromise;
      clearTimeout(killer);
    },
  };
};
