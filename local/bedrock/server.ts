import { parseConverseRequest, type ConverseRequest } from './converse-request';
import { asBedrockError, BedrockError, injected, validationError } from './errors';
import { FaultConfigError, FaultInjector, type FaultConfig } from './faults';
import { forwardingSource, type ForwardOptions } from './forward';
import { HttpExchange } from './http-exchange';
import { listenDualProtocol } from './listener';
import { resolveProfiles, type ModelProfileOverrides } from './profiles';
import type { ReplySource } from './reply';
import { serveConverse, serveStream } from './model-responses';
import { planReply, playReply } from './simulator';
import { StatsRecorder, type LocalBedrockStats, type ModelRoute } from './stats';

/**
 * A local Bedrock Runtime endpoint: Converse and ConverseStream on the real wire protocol, so the real
 * `BedrockRuntimeClient` works against it unchanged (`endpoint: url`, any region, static fake credentials).
 * Request signatures are NOT verified: this is a local emulator, any credentials are accepted.
 *
 * Routes: `POST /model/{modelId}/converse`, `POST /model/{modelId}/converse-stream`, and for tests and
 * operators `GET|POST /_local/faults`, `GET|DELETE /_local/stats`.
 */
export interface LocalBedrockOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Seeds every simulated reply, latency and fault draw. */
  readonly seed?: number;
  /** Multiplies every simulated delay: 1 is real time, 0 answers at once (tests). */
  readonly latencyScale?: number;
  /** Per-model profile overrides, keyed by a modelId substring (`haiku`, `sonnet`, `default`, or new ones). */
  readonly models?: ModelProfileOverrides;
  /** Answer through an OpenAI-compatible server instead of the simulator. */
  readonly forward?: ForwardOptions;
  readonly faults?: Partial<FaultConfig>;
  /** Largest accepted request body; larger ones are a ValidationException. */
  readonly maxBodyBytes?: number;
}

export interface LocalBedrock {
  /** `http://host:port`, to pass as the SDK client's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Changes part of the fault configuration; throws FaultConfigError (and changes nothing) if invalid. */
  setFaults(patch: Partial<FaultConfig>): FaultConfig;
  faults(): FaultConfig;
  stats(): LocalBedrockStats;
  resetStats(): void;
  /** Resolves once `atLeast` (default 1) streams were aborted by their client since the last reset. */
  waitForStreamAborted(timeoutMs?: number, atLeast?: number): Promise<LocalBedrockStats>;
  /** Stops listening, cuts every open connection and stops every running generation. */
  close(): Promise<void>;
}

export { FaultConfigError, type FaultConfig, type FaultKind } from './faults';
export type { LocalBedrockStats, SimulationRecord } from './stats';
export type { ForwardOptions } from './forward';
export { DEFAULT_MODEL_PROFILES, type ModelProfile, type ModelProfileOverrides } from './profiles';

const DEFAULT_SEED = 1;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const MODEL_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

const requireNonNegative = (value: number, what: string): number => {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${what} must be a finite number >= 0, got ${value}`);
  return value;
};

const decodeModelId = (encoded: string): string => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw validationError(`The modelId in the path is not valid percent-encoding: ${encoded}`);
  }
};

const urlHost = (host: string): string => {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};


export async function startLocalBedrock(options: LocalBedrockOptions = {}): Promise<LocalBedrock> {
  const host = options.host ?? '127.0.0.1';
  const seed = (options.seed ?? DEFAULT_SEED) >>> 0;
  const latencyScale = requireNonNegative(options.latencyScale ?? 1, 'latencyScale');
  const maxBodyBytes = requireNonNegative(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const profiles = resolveProfiles(options.models);
  const injector = new FaultInjector(seed, options.faults ?? {});
  const stats = new StatsRecorder();
  const running = new Set<AbortController>();

  const simulate: ReplySource = async (request, { signal }) => {
    const plan = planReply(request, profiles, seed);
    const { profile, timeToFirstTokenMs, outputTokens, latencyMs } = plan;
    stats.simulation({ modelId: request.modelId, profile, timeToFirstTokenMs, outputTokens, latencyMs });
    return playReply(plan, latencyScale, signal);
  };
  const forward = options.forward === undefined ? undefined : forwardingSource(options.forward);
  const openReply: ReplySource = async (request, openOptions) => {
    if (forward === undefined) return simulate(request, openOptions);
    stats.forwardedRequest();
    return forward(request, openOptions);
  };

  /** Parses and validates the model call; any failure here is the caller's fault (ValidationException). */
  const parseModelCall = async (ex: HttpExchange): Promise<{ route: ModelRoute; request: ConverseRequest }> => {
    const match = MODEL_ROUTE.exec(ex.path);
    const [, encodedModelId, operation] = match ?? [];
    if (ex.method !== 'POST' || encodedModelId === undefined || (operation !== 'converse' && operation !== 'converse-stream')) {
      throw validationError(`Unknown operation: ${ex.method} ${ex.path}`);
    }
    const modelId = decodeModelId(encodedModelId);
    stats.modelRequest(operation, modelId);
    return { route: operation, request: parseConverseRequest(modelId, await ex.readBody(maxBodyBytes)) };
  };

  const serveModelCall = async (ex: HttpExchange) => {
    let call: { route: ModelRoute; request: ConverseRequest };
    try {
      call = await parseModelCall(ex);
    } catch (error) {
      stats.rejectedRequest();
      throw error;
    }
    const fault = injector.next();
    if (fault !== undefined) stats.fault(fault);
    if (fault === 'throttle') throw new BedrockError('ThrottlingException', injected('Too many requests, please wait before trying again'));
    if (fault === 'serverError') {
      const serviceUnavailable = injector.config.serverErrorStatus === 503;
      throw serviceUnavailable
        ? new BedrockError('ServiceUnavailableException', injected('The service is temporarily unavailable'))
        : new BedrockError('InternalServerException', injected('The server encountered an internal error'));
    }
    const controller = new AbortController();
    running.add(controller);
    stats.generation(1);
    ex.onClientGone(() => controller.abort());
    try {
      const context = { openReply, stats, faults: injector.config, controller };
      if (call.route === 'converse') await serveConverse(ex, call.request, fault, context);
      else await serveStream(ex, call.request, fault, context);
    } finally {
      running.delete(controller);
      stats.generation(-1);
    }
  };

  const readJsonBody = async (ex: HttpExchange): Promise<unknown> => {
    try {
      return JSON.parse(await ex.readBody(maxBodyBytes));
    } catch (error) {
      throw error instanceof BedrockError ? error : validationError('The body is not valid JSON');
    }
  };

  const serveControl = async (ex: HttpExchange) => {
    const route = `${ex.method} ${ex.path}`;
    switch (route) {
      case 'GET /_local/stats':
        return ex.sendJson(200, stats.snapshot());
      case 'DELETE /_local/stats':
        stats.reset();
        return ex.sendJson(200, stats.snapshot());
      case 'GET /_local/faults':
        return ex.sendJson(200, injector.config);
      case 'POST /_local/faults': {
        const patch = await readJsonBody(ex);
        try {
          return ex.sendJson(200, injector.update(patch));
        } catch (error) {
          throw error instanceof FaultConfigError ? validationError(error.message) : error;
        }
      }
      default:
        throw validationError(`Unknown operation: ${route}`);
    }
  };

  const handle = async (ex: HttpExchange) => {
    stats.request();
    try {
      if (ex.path.startsWith('/_local/')) await serveControl(ex);
      else await serveModelCall(ex);
    } catch (error) {
      if (ex.clientGone) return;
      if (ex.responseStarted) ex.end();
      else ex.sendError(asBedrockError(error));
    }
  };

  const listener = await listenDualProtocol(host, options.port ?? 0, (req, res) => {
    void handle(new HttpExchange(req, res));
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${listener.port}`,
    port: listener.port,
    setFaults: (patch) => injector.update(patch),
    faults: () => injector.config,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    waitForStreamAborted: (timeoutMs = 5000, atLeast = 1) => stats.waitForStreamAborted(timeoutMs, atLeast),
    close: () => {
      closing ??= (async () => {
        for (const controller of running) controller.abort();
        stats.rejectWaiters('the local Bedrock endpoint was closed');
        await listener.close();
      })();
      return closing;
    },
  };
}
