import { BedrockError, injected, validationError } from './errors';
import type { ControlFaultInjector, ControlFaultKind, ControlOperation } from './control-faults';
import type { HttpExchange } from './http-exchange';
import {
  COMMITMENT_DURATIONS,
  PROVISIONED_STATUSES,
  SORT_ORDERS,
  type CommitmentDuration,
  type CreateInput,
  type ListFilter,
  type ProvisionedStore,
  type Tag,
  type UpdateInput,
} from './provisioned-state';
import type { StatsRecorder } from './stats';

/**
 * The Bedrock control plane's Provisioned Throughput operations on the restJson1 wire protocol that
 * `@aws-sdk/client-bedrock` speaks (`BedrockClient` with `endpoint: url` works unchanged):
 *
 *   POST   /provisioned-model-throughput         CreateProvisionedModelThroughput  -> 201 { provisionedModelArn }
 *   GET    /provisioned-model-throughputs        ListProvisionedModelThroughputs   -> 200 { provisionedModelSummaries, nextToken? }
 *   GET    /provisioned-model-throughput/{id}    GetProvisionedModelThroughput     -> 200 (the throughput)
 *   PATCH  /provisioned-model-throughput/{id}    UpdateProvisionedModelThroughput  -> 200 {}
 *   DELETE /provisioned-model-throughput/{id}    DeleteProvisionedModelThroughput  -> 200 {}
 *
 * `{id}` is the throughput's ARN or name. Faults are drawn (AccessDenied, Throttling, InternalServer) before the
 * request is validated, as Bedrock authorizes and throttles before it looks at input. Invalid input is a
 * ValidationException with Bedrock's "1 validation error detected" wording.
 */
export interface ControlPlaneContext {
  readonly store: ProvisionedStore;
  readonly faults: ControlFaultInjector;
  readonly stats: StatsRecorder;
  readonly maxBodyBytes: number;
}

const COLLECTION = '/provisioned-model-throughputs';
const CREATE = '/provisioned-model-throughput';
const ITEM = /^\/provisioned-model-throughput\/([^/]+)$/;
const ID_PATTERN = /^((([0-9a-zA-Z][_-]?)+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:provisioned-model\/[a-z0-9]{12}))$/;
const NAME_PATTERN = /^([0-9a-zA-Z][_-]?)+$/;
const TOKEN_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const SIGNING_REGION = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//;
const UNIT_FIELDS = ['modelUnits', 'desiredModelUnits'];

export const isControlPlanePath = (path: string): boolean => path === COLLECTION || path === CREATE || ITEM.test(path);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const constraint = (value: unknown, field: string, rule: string): BedrockError =>
  validationError(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);

const optionalString = (body: Record<string, unknown>, field: string, min: number, max: number, pattern?: RegExp): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw constraint(JSON.stringify(value), field, 'Member must be a string');
  if (value.length < min || value.length > max) {
    throw constraint(value, field, `Member must have length between ${min} and ${max}, inclusive`);
  }
  if (pattern !== undefined && !pattern.test(value)) {
    throw constraint(value, field, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
};

const requiredString = (body: Record<string, unknown>, field: string, min: number, max: number, pattern?: RegExp): string => {
  const value = optionalString(body, field, min, max, pattern);
  if (value === undefined) throw constraint('null', field, 'Member must not be null');
  return value;
};

const oneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T => {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw constraint(value, field, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
};

const parseTags = (value: unknown): Tag[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw constraint(JSON.stringify(value), 'tags', 'Member must be a list of {key, value}');
  if (value.length > 200) throw constraint(`[${value.length} tags]`, 'tags', 'Member must have length less than or equal to 200');
  return value.map((tag: unknown, index) => {
    if (!isRecord(tag)) throw constraint(JSON.stringify(tag), `tags.${index + 1}.member`, 'Member must be an object {key, value}');
    return {
      key: requiredString(tag, 'key', 1, 128),
      value: requiredString(tag, 'value', 0, 256),
    };
  });
};

const parseCreate = (body: Record<string, unknown>): CreateInput => {
  const units = body.modelUnits;
  if (units === undefined || units === null) throw constraint('null', 'modelUnits', 'Member must not be null');
  if (typeof units !== 'number' || !Number.isSafeInteger(units)) throw constraint(JSON.stringify(units), 'modelUnits', 'Member must be an integer');
  if (units < 1) throw constraint(units, 'modelUnits', 'Member must have value greater than or equal to 1');
  const commitment = body.commitmentDuration;
  const clientRequestToken = optionalString(body, 'clientRequestToken', 1, 256, TOKEN_PATTERN);
  return {
    ...(clientRequestToken === undefined ? {} : { clientRequestToken }),
    modelUnits: units,
    provisionedModelName: requiredString(body, 'provisionedModelName', 1, 63, NAME_PATTERN),
    modelId: requiredString(body, 'modelId', 1, 2048),
    ...(commitment === undefined || commitment === null
      ? {}
      : { commitmentDuration: oneOf<CommitmentDuration>(commitment, 'commitmentDuration', COMMITMENT_DURATIONS) }),
    tags: parseTags(body.tags),
  };
};

const parseUpdate = (body: Record<string, unknown>): UpdateInput => {
  const unitField = UNIT_FIELDS.find((field) => body[field] !== undefined);
  if (unitField !== undefined) {
    // Bedrock has no such member: a throughput is resized by creating a new one, never in place.
    throw validationError(
      `UpdateProvisionedModelThroughput cannot change model units ('${unitField}' is not a member of the request): it only renames ` +
        '(desiredProvisionedModelName) or re-associates a model (desiredModelId). To resize, create a new Provisioned Throughput, ' +
        'wait for InService, switch traffic, then delete the old one',
    );
  }
  const name = optionalString(body, 'desiredProvisionedModelName', 1, 63, NAME_PATTERN);
  const modelId = optionalString(body, 'desiredModelId', 1, 2048);
  return { ...(name === undefined ? {} : { desiredProvisionedModelName: name }), ...(modelId === undefined ? {} : { desiredModelId: modelId }) };
};

const queryTime = (query: URLSearchParams, field: string): number | undefined => {
  const value = query.get(field);
  if (value === null) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw constraint(value, field, 'Member must be a timestamp (ISO 8601 date-time)');
  return time;
};

const parseListQuery = (query: URLSearchParams): ListFilter => {
  const filter: { -readonly [K in keyof ListFilter]: ListFilter[K] } = {};
  filter.creationTimeAfter = queryTime(query, 'creationTimeAfter');
  filter.creationTimeBefore = queryTime(query, 'creationTimeBefore');
  const status = query.get('statusEquals');
  if (status !== null) filter.statusEquals = oneOf(status, 'statusEquals', PROVISIONED_STATUSES);
  const modelArn = query.get('modelArnEquals');
  if (modelArn !== null) filter.modelArnEquals = modelArn;
  const name = query.get('nameContains');
  if (name !== null) {
    if (name.length < 1 || name.length > 63 || !NAME_PATTERN.test(name)) {
      throw constraint(name, 'nameContains', `Member must satisfy regular expression pattern: ${NAME_PATTERN.source}`);
    }
    filter.nameContains = name;
  }
  const maxResults = query.get('maxResults');
  if (maxResults !== null) {
    const value = Number(maxResults);
    if (!Number.isSafeInteger(value) || value < 1 || value > 1000) {
      throw constraint(maxResults, 'maxResults', 'Member must have value between 1 and 1000, inclusive');
    }
    filter.maxResults = value;
  }
  const nextToken = query.get('nextToken');
  if (nextToken !== null) filter.nextToken = nextToken;
  const sortBy = query.get('sortBy');
  if (sortBy !== null) oneOf(sortBy, 'sortBy', ['CreationTime']);
  const sortOrder = query.get('sortOrder');
  if (sortOrder !== null) filter.sortOrder = oneOf(sortOrder, 'sortOrder', SORT_ORDERS);
  return filter;
};

const decodeId = (encoded: string): string => {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    throw validationError(`The provisionedModelId in the path is not valid percent-encoding: ${encoded}`);
  }
  if (id.length > 2048 || !ID_PATTERN.test(id)) {
    throw constraint(id, 'provisionedModelId', `Member must satisfy regular expression pattern: ${ID_PATTERN.source}`);
  }
  return id;
};

interface Route {
  readonly operation: ControlOperation;
  /** The decoded `{provisionedModelId}` of the item routes. */
  readonly id?: string;
}

const routeOf = (method: string, path: string): Route => {
  if (path === CREATE && method === 'POST') return { operation: 'CreateProvisionedModelThroughput' };
  if (path === COLLECTION && method === 'GET') return { operation: 'ListProvisionedModelThroughputs' };
  const encoded = ITEM.exec(path)?.[1];
  if (encoded !== undefined) {
    const operation =
      method === 'GET'
        ? 'GetProvisionedModelThroughput'
        : method === 'PATCH'
          ? 'UpdateProvisionedModelThroughput'
          : method === 'DELETE'
            ? 'DeleteProvisionedModelThroughput'
            : undefined;
    if (operation !== undefined) return { operation, id: encoded };
  }
  throw validationError(`Unknown operation: ${method} ${path}`);
};

const faultError = (kind: ControlFaultKind, operation: ControlOperation): BedrockError => {
  switch (kind) {
    case 'accessDenied':
      return new BedrockError(
        'AccessDeniedException',
        injected(`User: arn:aws:sts::000000000000:assumed-role/local/local is not authorized to perform: bedrock:${operation}`),
      );
    case 'throttle':
      return new BedrockError('ThrottlingException', injected('Rate exceeded'));
    case 'serverError':
      return new BedrockError('InternalServerException', injected('The server encountered an internal error'));
  }
};

const readBody = async (ex: HttpExchange, maxBodyBytes: number): Promise<Record<string, unknown>> => {
  const text = await ex.readBody(maxBodyBytes);
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw validationError('The request body is not valid JSON');
  }
  if (!isRecord(json)) throw validationError('The request body must be a JSON object');
  return json;
};

export const signingRegionOf = (ex: HttpExchange): string | undefined => SIGNING_REGION.exec(ex.header('authorization') ?? '')?.[1];

/** Serves one control-plane request; throws a BedrockError the caller sends as the HTTP error. */
export const serveControlPlane = async (ex: HttpExchange, context: ControlPlaneContext): Promise<void> => {
  const { store, faults, stats, maxBodyBytes } = context;
  const { operation, id: encodedId } = routeOf(ex.method, ex.path);
  stats.controlRequest(operation);
  const fault = faults.next(operation);
  if (fault !== undefined) {
    stats.controlFault(fault);
    throw faultError(fault, operation);
  }
  const id = encodedId === undefined ? '' : decodeId(encodedId);
  const region = signingRegionOf(ex);
  switch (operation) {
    case 'CreateProvisionedModelThroughput': {
      const input = parseCreate(await readBody(ex, maxBodyBytes));
      const { arn } = store.create(input, region, () => faults.takeCreationFailure());
      return ex.sendJson(201, { provisionedModelArn: arn });
    }
    case 'ListProvisionedModelThroughputs': {
      const { items, nextToken } = store.list(parseListQuery(ex.query));
      // The summary shape has no failureMessage.
      const provisionedModelSummaries = items.map(({ failureMessage: _failure, ...summary }) => summary);
      return ex.sendJson(200, { provisionedModelSummaries, ...(nextToken === undefined ? {} : { nextToken }) });
    }
    case 'GetProvisionedModelThroughput':
      return ex.sendJson(200, store.get(id));
    case 'UpdateProvisionedModelThroughput':
      store.update(id, parseUpdate(await readBody(ex, maxBodyBytes)), region);
      return ex.sendJson(200, {});
    case 'DeleteProvisionedModelThroughput':
      store.delete(id);
      return ex.sendJson(200, {});
  }
};
