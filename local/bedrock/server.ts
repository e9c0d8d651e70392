import { ModelAdmission } from './admission';
import { ControlFaultInjector, type ControlFaultConfig } from './control-faults';
import { isControlPlanePath, serveControlPlane } from './control-plane';
import { parseConverseRequest, type ConverseRequest } from './converse-request';
import { asBedrockError, BedrockError, injected, validationError } from './errors';
import { FaultInjector, type FaultConfig } from './faults';
import { classificationToolReply, type ToolReplySource } from './classification-tool';
import { judgeToolReply } from './judge-tool';
import { forwardingSource, forwardingToolSource, type ForwardOptions } from './forward';
import { guardrailSimulation, type GuardrailSimulationOptions } from './guardrail';
import { HttpExchange } from './http-exchange';
import { listenDualProtocol } from './listener';
import { serveLocalRoute } from './local-routes';
import { resolveProfiles, type ModelProfileOverrides } from './profiles';
import { ProvisionedStore, type ProvisionedModelView } from './provisioned-state';
import { ThroughputMeter, type TokenQuotas } from './quotas';
import type { ReplySource } from './reply';
import { serveConverse, serveStream } from './model-responses';
import { planReply, playReply } from './simulator';
import { StatsRecorder, type LocalBedrockStats, type ModelRoute } from './stats';

/**
 * A local Bedrock endpoint on one port: the Runtime (Converse and ConverseStream) and the control plane's
 * Provisioned Throughput operations, on the real wire protocols, so the real `BedrockRuntimeClient` and
 * `BedrockClient` work against it unchanged (`endpoint: url`, any region, static fake credentials). Request
 * signatures are NOT verified: this is a local emulator, any credentials are accepted.
 *
 * Routes:
 * - runtime: `POST /model/{modelId}/converse`, `POST /model/{modelId}/converse-stream`; `modelId` may be a
 *   provisioned model ARN (ResourceNotFoundException if unknown, ValidationException unless InService/Updating),
 *   simulated with the profile of its foundation model;
 * - control plane (see control-plane.ts): `POST /provisioned-model-throughput`, `GET /provisioned-model-throughputs`,
 *   `GET|PATCH|DELETE /provisioned-model-throughput/{arn or name}`;
 * - for tests and operators (see local-routes.ts): `GET|DELETE /_local/stats`, `GET|POST /_local/faults`,
 *   `GET|POST /_local/control-faults`, `GET /_local/provisioned`, `GET|POST /_local/quotas`.
 *
 * Throughput: a model call reserves its input tokens + `maxTokens` (`defaultMaxTokens` when absent) against its
 * tokens-per-minute limit (on-demand: `quotas`, off by default; provisioned: `modelUnits * unitTokensPerMinute`),
 * is throttled (HTTP 429 ThrottlingException, before any stream) when that does not fit the last minute, and
 * releases the unused part when it ends. All states and windows run on the `now` clock (default `Date.now`), so
 * tests can pass a manual clock instead of waiting `creationDelayMs`.
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
  /** The emulator clock in ms since the epoch: throughput states, commitments, quota windows. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a new throughput stays `Creating` (and a model change `Updating`), on the `now` clock. Default 3000. */
  readonly creationDelayMs?: number;
  /** Region of every provisioned ARN; default: the region the create request was signed for (else us-east-1). */
  readonly region?: string;
  /** Account of every provisioned ARN; default `123456789012`. */
  readonly accountId?: string;
  /** Account quota: no-commitment model units per foundation model, over all its throughputs. Default 2. */
  readonly maxNoCommitmentUnitsPerModel?: number;
  /** Account quota: committed model units per foundation model. Default unlimited (AWS Support grants these). */
  readonly maxCommittedUnitsPerModel?: number;
  /** Control-plane faults (AccessDenied, throttling, server errors, failed creations); none by default. */
  readonly controlFaults?: Partial<ControlFaultConfig>;
  /** On-demand tokens-per-minute limits keyed by a modelId substring (longest match wins). Default `{}`: unlimited. */
  readonly quotas?: TokenQuotas;
  /** Tokens per minute one provisioned model unit delivers (not published by AWS: configuration). Default 60000. */
  readonly unitTokensPerMinute?: number;
  /** What a call without `maxTokens` reserves for its output. Default 4096. */
  readonly defaultMaxTokens?: number;
  /**
   * The simulated guardrail of calls that carry a `guardrailConfig` (local/bedrock/guardrail.ts): the denied words
   * that block a message, the phrase that blocks the answer mid-stream, the blocked message.
   */
  readonly guardrail?: GuardrailSimulationOptions;
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
  /** Changes part of the control-plane fault configuration; throws FaultConfigError (and changes nothing) if invalid. */
  setControlFaults(patch: Partial<ControlFaultConfig>): ControlFaultConfig;
  controlFaults(): ControlFaultConfig;
  /** Every Provisioned Throughput with its status on the emulator clock, oldest first. */
  provisioned(): ProvisionedModelView[];
  /** Replaces every on-demand quota (`{}`: unlimited); throws QuotaConfigError (and changes nothing) if invalid. */
  setQuotas(quotas: TokenQuotas): TokenQuotas;
  quotas(): TokenQuotas;
  /** Resolves once `atLeast` (default 1) streams were aborted by their client since the last reset. */
  waitForStreamAborted(timeoutMs?: number, atLeast?: number): Promise<LocalBedrockStats>;
  /** Stops listening, cuts every open connection and stops every running generation. */
  close(): Promise<void>;
}

export { FaultConfigError, type FaultConfig, type FaultKind } from './faults';
export { CONTROL_OPERATIONS, type ControlFaultConfig, type ControlFaultKind, type ControlOperation } from './control-faults';
export type { CommitmentDuration, ProvisionedModelView, ProvisionedStatus } from './provisioned-state';
export { QuotaConfigError, QUOTA_WINDOW_MS, type ModelThroughput, type ThroughputStats, type TokenQuotas } from './quotas';
export type { LocalBedrockStats, SimulationRecord } from './stats';
export type { ForwardOptions } from './forward';
export { DEFAULT_DENIED_WORDS, DEFAULT_OUTPUT_TRIGGER, type GuardrailSimulationOptions } from './guardrail';
export { DEFAULT_MODEL_PROFILES, type ModelProfile, type ModelProfileOverrides } from './profiles';

const DEFAULT_SEED = 1;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_CREATION_DELAY_MS = 3000;
const DEFAULT_ACCOUNT_ID = '123456789012';
const DEFAULT_NO_COMMITMENT_UNITS = 2;
const DEFAULT_UNIT_TOKENS_PER_MINUTE = 60_000;
const DEFAULT_MAX_TOKENS = 4096;
const MODEL_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

const requireNonNegative = (value: number, what: string): number => {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${what} must be a finite number >= 0, got ${value}`);
  return value;
};

/** A whole number >= `min`, or Infinity when `unlimited` allows it. */
const requireCount = (value: number, what: string, min: number, unlimited = false): number => {
  if (unlimited && value === Number.POSITIVE_INFINITY) return value;
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${what} must be an integer >= ${min}, got ${value}`);
  return value;
};

const requireMatch = (value: string | undefined, pattern: RegExp, what: string): string | undefined => {
  if (value !== undefined && !pattern.test(value)) throw new Error(`${what} must match ${pattern.source}, got '${value}'`);
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
  const now = options.now ?? Date.now;
  const unitTokensPerMinute = requireCount(options.unitTokensPerMinute ?? DEFAULT_UNIT_TOKENS_PER_MINUTE, 'unitTokensPerMinute', 1);
  const defaultMaxTokens = requireCount(options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS, 'defaultMaxTokens', 1);
  const injector = new FaultInjector(seed, options.faults ?? {});
  const controlFaults = new ControlFaultInjector(seed, options.controlFaults ?? {});
  const meter = new ThroughputMeter(now, options.quotas ?? {});
  const store = new ProvisionedStore({
    now,
    seed,
    accountId: requireMatch(options.accountId, /^[0-9]{12}$/, 'accountId') ?? DEFAULT_ACCOUNT_ID,
    region: requireMatch(options.region, /^[a-z0-9-]{1,20}$/, 'region'),
    creationDelayMs: requireNonNegative(options.creationDelayMs ?? DEFAULT_CREATION_DELAY_MS, 'creationDelayMs'),
    maxNoCommitmentUnitsPerModel: requireCount(options.maxNoCommitmentUnitsPerModel ?? DEFAULT_NO_COMMITMENT_UNITS, 'maxNoCommitmentUnitsPerModel', 0),
    maxCommittedUnitsPerModel: requireCount(options.maxCommittedUnitsPerModel ?? Number.POSITIVE_INFINITY, 'maxCommittedUnitsPerModel', 0, true),
  });
  const stats = new StatsRecorder(meter);
  const admission = new ModelAdmission({ meter, store, unitTokensPerMinute, defaultMaxTokens });
  const running = new Set<AbortController>();
  const guardrail = guardrailSimulation(options.guardrail);

  const simulate: ReplySource = async (request, { signal }) => {
    const plan = planReply(request, profiles, seed);
    const { profile, timeToFirstTokenMs, outputTokens, latencyMs } = plan;
    stats.simulation({ modelId: request.modelId, profile, timeToFirstTokenMs, outputTokens, latencyMs });
    return playReply(plan, latencyScale, signal);
  };
  const forward = options.forward === undefined ? undefined : forwardingSource(options.forward);
  const forwardTool = options.forward === undefined ? undefined : forwardingToolSource(options.forward);
  const toolReply: ToolReplySource = async (request, signal) => {
    // Offline, the classifier's and the judge's forced tool calls get their deterministic stand-ins.
    if (forwardTool === undefined) return classificationToolReply(request) ?? judgeToolReply(request);
    if (request.requiredTool === undefined) return undefined;
    stats.forwardedRequest();
    return forwardTool(request, signal);
  };
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
    return { route: operation, request: parseConverseRequest(modelId, await ex.readBody(maxBodyBytes), operation) };
  };

  const serveModelCall = async (ex: HttpExchange) => {
    let call: { route: ModelRoute; request: ConverseRequest };
    try {
      call = await parseModelCall(ex);
    } catch (error) {
      stats.rejectedRequest();
      throw error;
    }
    const target = admission.target(call.request);
    const fault = injector.next();
    if (fault !== undefined) stats.fault(fault);
    if (fault === 'throttle' || (fault === 'midStreamError' && injector.config.midStreamErrorType === 'throttlingException')) {
      meter.throttled(target.key, 'injected');
    }
    if (fault === 'throttle') throw new BedrockError('ThrottlingException', injected('Too many requests, please wait before trying again'));
    if (fault === 'serverError') {
      const serviceUnavailable = injector.config.serverErrorStatus === 503;
      throw serviceUnavailable
        ? new BedrockError('ServiceUnavailableException', injected('The service is temporarily unavailable'))
        : new BedrockError('InternalServerException', injected('The server encountered an internal error'));
    }
    const admitted = admission.admit(target, openReply);
    const controller = new AbortController();
    running.add(controller);
    stats.generation(1);
    ex.onClientGone(() => controller.abort());
    let failed = false;
    try {
      const context = { openReply: admitted.openReply, toolReply, stats, faults: injector.config, controller, guardrail };
      if (call.route === 'converse') await serveConverse(ex, target.request, fault, context);
      else await serveStream(ex, target.request, fault, context);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      running.delete(controller);
      stats.generation(-1);
      // A hung call keeps its reservation until its connection closes, as a call still running would.
      if (failed || ex.ended || ex.clientGone) admitted.settle();
      else ex.onClosed(() => admitted.settle());
    }
  };

  const localContext = { stats, faults: injector, controlFaults, store, meter, maxBodyBytes };
  const controlContext = { store, faults: controlFaults, stats, maxBodyBytes };

  const handle = async (ex: HttpExchange) => {
    stats.request();
    try {
      if (ex.path.startsWith('/_local/')) await serveLocalRoute(ex, localContext);
      else if (isControlPlanePath(ex.path)) await serveControlPlane(ex, controlContext);
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
    setControlFaults: (patch) => controlFaults.update(patch),
    controlFaults: () => controlFaults.config,
    provisioned: () => store.all(),
    setQuotas: (quotas) => meter.setQuotas(quotas),
    quotas: () => meter.quotas,
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
