import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where a running `npm start` says how to get a token from its local issuer, so `npm run chat` and
 * `npm run --silent cli -- token` sign tokens that this very stack accepts (its key pair is new at every start).
 * `MANGAASSIST_ISSUER_FILE` overrides the path.
 */
export const DEFAULT_ISSUER_STATE_FILE = path.join(__dirname, '..', '.mangaassist', 'local-issuer.json');

export const issuerStateFile = (env: Readonly<Record<string, string | undefined>> = process.env): string => env['MANGAASSIST_ISSUER_FILE'] ?? DEFAULT_ISSUER_STATE_FILE;

export interface IssuerState {
  /** The gateway's WebSocket URL. */
  readonly url: string;
  readonly issuer: string;
  readonly audience: string;
  /** `POST {"customerId": "..."}` -> `{"token": "..."}`. */
  readonly tokenEndpoint: string;
  readonly pid: number;
  /** The local Bedrock endpoint, and the OpenAI-compatible server it forwards to (if any): `cli eval route` calls it. */
  readonly bedrockEndpoint?: string;
  readonly bedrockForwardUrl?: string;
  /** dynalite's endpoint and the routing table in it: `cli eval route` reads the active routing map there. */
  readonly dynamoEndpoint?: string;
  readonly routingTable?: string;
  /** The RoutingVersions table in dynalite: `cli routing` reads and commits versions there. */
  readonly routingVersionsTable?: string;
}

/** Written by `npm start` once it listens (owner-only: it names an endpoint that hands out tokens). */
export const writeIssuerState = (file: string, state: IssuerState): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
};

/** Removed at shutdown, only if it is still this process's (another `npm start` may have replaced it). */
export const removeIssuerState = (file: string, pid: number): void => {
  const state = readIssuerState(file);
  if (state?.pid === pid) rmSync(file, { force: true });
};

export const readIssuerState = (file: string): IssuerState | undefined => {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<IssuerState>;
    if (typeof parsed.tokenEndpoint !== 'string' || typeof parsed.url !== 'string' || typeof parsed.pid !== 'number') return undefined;
    return parsed as IssuerState;
  } catch {
    return undefined;
  }
};

/**
 * The state of an `npm start` that is still running, or undefined: a file left behind by a stack that crashed names
 * a pid that is gone, and the CLIs must then fall back to their AWS settings rather than call a dead endpoint.
 */
export const runningStackState = (env: Readonly<Record<string, string | undefined>> = process.env): IssuerState | undefined => {
  const state = readIssuerState(issuerStateFile(env));
  if (state === undefined) return undefined;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
};

export class NoLocalIssuerError extends Error {
  override readonly name = 'NoLocalIssuerError';
}

/** A token for `customerId` from the running stack's issuer; a clear error when no stack is running. */
export const requestLocalToken = async (file: string, customerId: string, scope?: string): Promise<{ readonly token: string; readonly state: IssuerState }> => {
  const state = readIssuerState(file);
  if (state === undefined) throw new NoLocalIssuerError(`no running npm start found (${file} is missing or unreadable): start the gateway with npm start`);
  let response: Response;
  try {
    response = await fetch(state.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId, ...(scope !== undefined && { scope }) }),
      signal: AbortSignal.timeout(3000),
    });
  } catch {
    throw new NoLocalIssuerError(`the local issuer at ${state.tokenEndpoint} (from ${file}) does not answer: is npm start still running?`);
  }
  const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: unknown };
  if (response.status !== 200 || typeof body.token !== 'string') throw new NoLocalIssuerError(`the local issuer refused: ${typeof body.error === 'string' ? body.error : `HTTP ${response.status}`}`);
  return { token: body.token, state };
};
