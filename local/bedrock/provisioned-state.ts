import { BedrockError, notFound, validationError } from './errors';
import { resolveModel, isProvisionedModelArn } from './model-arns';
import { hashSeed, mulberry32, type Prng } from './prng';

/**
 * The in-memory Provisioned Throughput state and its rules, as Bedrock applies them:
 * - a new throughput is `Creating` for `creationDelayMs` of the emulator clock, then `InService` (or `Failed`
 *   when a creation failure was injected); a model change through Update is `Updating` for the same delay;
 * - `clientRequestToken` makes Create idempotent: the same token with the same parameters returns the first
 *   ARN and creates nothing (even after that throughput was deleted: Bedrock "ignores the request"); the same
 *   token with other parameters is a ValidationException;
 * - names are unique among existing throughputs (a ValidationException: Create and Update model no
 *   ConflictException);
 * - model units are bought at creation and never change (Update renames or re-associates only); per foundation
 *   model, no-commitment units are capped by an account quota (ServiceQuotaExceededException), committed units
 *   by another (unlimited unless configured);
 * - Delete refuses a committed throughput before `commitmentExpirationTime` (ValidationException; a `Failed`
 *   one can always go) and one that is `Creating` or `Updating` (ConflictException, the only conflict Delete
 *   models).
 * States change lazily, when an operation looks at the clock: no timers, nothing keeps a process alive.
 */
export const PROVISIONED_STATUSES = ['Creating', 'InService', 'Updating', 'Failed'] as const;
export type ProvisionedStatus = (typeof PROVISIONED_STATUSES)[number];
export const COMMITMENT_DURATIONS = ['OneMonth', 'SixMonths'] as const;
export type CommitmentDuration = (typeof COMMITMENT_DURATIONS)[number];
export const SORT_ORDERS = ['Ascending', 'Descending'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** GetProvisionedModelThroughput's response shape (timestamps as ISO 8601, as they travel on the wire). */
export interface ProvisionedModelView {
  readonly provisionedModelName: string;
  readonly provisionedModelArn: string;
  readonly modelArn: string;
  readonly desiredModelArn: string;
  readonly foundationModelArn: string;
  readonly modelUnits: number;
  readonly desiredModelUnits: number;
  readonly status: ProvisionedStatus;
  readonly creationTime: string;
  readonly lastModifiedTime: string;
  readonly failureMessage?: string;
  readonly commitmentDuration?: CommitmentDuration;
  readonly commitmentExpirationTime?: string;
}

export interface CreateInput {
  readonly clientRequestToken?: string;
  readonly modelUnits: number;
  readonly provisionedModelName: string;
  readonly modelId: string;
  readonly commitmentDuration?: CommitmentDuration;
  readonly tags: readonly Tag[];
}

export interface UpdateInput {
  readonly desiredProvisionedModelName?: string;
  readonly desiredModelId?: string;
}

export interface ListFilter {
  readonly creationTimeAfter?: number;
  readonly creationTimeBefore?: number;
  readonly statusEquals?: ProvisionedStatus;
  readonly modelArnEquals?: string;
  readonly nameContains?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly sortOrder?: SortOrder;
}

export interface ProvisionedStoreOptions {
  readonly now: () => number;
  readonly seed: number;
  readonly accountId: string;
  /** Fixed region of every ARN; undefined: the region the request was signed for. */
  readonly region: string | undefined;
  readonly creationDelayMs: number;
  readonly maxNoCommitmentUnitsPerModel: number;
  readonly maxCommittedUnitsPerModel: number;
}

interface ProvisionedRecord {
  readonly arn: string;
  name: string;
  modelArn: string;
  desiredModelArn: string;
  readonly foundationModelArn: string;
  readonly modelUnits: number;
  status: ProvisionedStatus;
  failureMessage?: string;
  readonly creationTime: number;
  lastModifiedTime: number;
  /** When the current Creating / Updating ends. */
  readyAt?: number;
  /** Set when the creation was made to fail: the failureMessage it ends with. */
  pendingFailure?: string;
  readonly commitmentDuration?: CommitmentDuration;
  readonly commitmentExpirationTime?: number;
  readonly tags: readonly Tag[];
}

interface TokenRecord {
  readonly fingerprint: string;
  readonly arn: string;
}

export const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MAX_RESULTS = 1000;
const MONTHS: Readonly<Record<CommitmentDuration, number>> = { OneMonth: 1, SixMonths: 6 };
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const iso = (time: number): string => new Date(time).toISOString();

/** Calendar months later, in UTC (a commitment bought on 31 January ends on 3 March, as Date arithmetic does). */
const addMonths = (time: number, months: number): number => {
  const date = new Date(time);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
};

const fingerprintOf = (input: CreateInput, modelArn: string): string =>
  JSON.stringify([
    input.modelUnits,
    input.provisionedModelName,
    modelArn,
    input.commitmentDuration ?? null,
    [...input.tags].map((tag) => [tag.key, tag.value]).sort(),
  ]);

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');

const decodeToken = (token: string): number => {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset > 0) return parsed.offset;
  } catch {
    // answered below
  }
  throw validationError(`The nextToken '${token}' is not valid: pass the nextToken of a previous response unchanged`);
};

export class ProvisionedStore {
  private readonly records = new Map<string, ProvisionedRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly prng: Prng;

  constructor(private readonly options: ProvisionedStoreOptions) {
    this.prng = mulberry32(hashSeed(options.seed, 'provisioned-ids'));
  }

  /** The region of new ARNs: the configured one, else the request's signing region, else us-east-1. */
  regionFor(signingRegion: string | undefined): string {
    return this.options.region ?? signingRegion ?? DEFAULT_REGION;
  }

  create(input: CreateInput, signingRegion: string | undefined, failCreation: () => boolean): { arn: string; created: boolean } {
    const now = this.advance();
    const region = this.regionFor(signingRegion);
    const model = resolveModel(input.modelId, region);
    const fingerprint = fingerprintOf(input, model.modelArn);
    const token = input.clientRequestToken;
    const previous = token === undefined ? undefined : this.tokens.get(token);
    if (previous !== undefined) {
      if (previous.fingerprint === fingerprint) return { arn: previous.arn, created: false };
      throw validationError(
        `The clientRequestToken '${token}' was already used for a CreateProvisionedModelThroughput request with different parameters ` +
          `(it created ${previous.arn}); use a new token for a different request`,
      );
    }
    if (this.byName(input.provisionedModelName) !== undefined) {
      throw validationError(`A Provisioned Throughput named '${input.provisionedModelName}' already exists; names must be unique`);
    }
    this.checkUnitQuota(model.foundationModelArn, input.modelUnits, input.commitmentDuration);

    const arn = `arn:aws:bedrock:${region}:${this.options.accountId}:provisioned-model/${this.newId()}`;
    const fails = failCreation();
    const record: ProvisionedRecord = {
      arn,
      name: input.provisionedModelName,
      modelArn: model.modelArn,
      desiredModelArn: model.modelArn,
      foundationModelArn: model.foundationModelArn,
      modelUnits: input.modelUnits,
      status: 'Creating',
      creationTime: now,
      lastModifiedTime: now,
      readyAt: now + this.options.creationDelayMs,
      ...(fails ? { pendingFailure: 'Provisioned Throughput creation failed (injected by the local Bedrock endpoint)' } : {}),
      ...(input.commitmentDuration === undefined
        ? {}
        : {
            commitmentDuration: input.commitmentDuration,
            commitmentExpirationTime: addMonths(now, MONTHS[input.commitmentDuration]),
          }),
      tags: input.tags,
    };
    this.records.set(arn, record);
    if (token !== undefined) this.tokens.set(token, { fingerprint, arn });
    // A zero delay is InService at once, as the next read would see anyway.
    this.advance();
    return { arn, created: true };
  }

  get(id: string): ProvisionedModelView {
    this.advance();
    return this.view(this.find(id));
  }

  list(filter: ListFilter): { items: ProvisionedModelView[]; nextToken?: string } {
    this.advance();
    const descending = (filter.sortOrder ?? 'Descending') === 'Descending';
    const matching = [...this.records.values()]
      .filter((record) => filter.statusEquals === undefined || record.status === filter.statusEquals)
      .filter((record) => filter.nameContains === undefined || record.name.includes(filter.nameContains))
      .filter((record) => filter.modelArnEquals === undefined || record.modelArn === filter.modelArnEquals)
      .filter((record) => filter.creationTimeAfter === undefined || record.creationTime > filter.creationTimeAfter)
      .filter((record) => filter.creationTimeBefore === undefined || record.creationTime < filter.creationTimeBefore)
      .sort((a, b) => (a.creationTime - b.creationTime || a.arn.localeCompare(b.arn)) * (descending ? -1 : 1));
    const offset = filter.nextToken === undefined ? 0 : decodeToken(filter.nextToken);
    const size = filter.maxResults ?? DEFAULT_MAX_RESULTS;
    const page = matching.slice(offset, offset + size);
    const next = offset + size;
    return { items: page.map((record) => this.view(record)), ...(next < matching.length ? { nextToken: encodeToken(next) } : {}) };
  }

  update(id: string, input: UpdateInput, signingRegion: string | undefined): void {
    const now = this.advance();
    const record = this.find(id);
    const name = input.desiredProvisionedModelName;
    if (name !== undefined && name !== record.name) {
      const holder = this.byName(name);
      if (holder !== undefined) throw validationError(`A Provisioned Throughput named '${name}' already exists; names must be unique`);
    }
    let desiredModelArn: string | undefined;
    if (input.desiredModelId !== undefined) {
      const model = resolveModel(input.desiredModelId, this.regionFor(signingRegion), 'desiredModelId');
      if (model.foundationModelArn !== record.foundationModelArn) {
        throw validationError(
          `desiredModelId '${input.desiredModelId}' is not derived from ${record.foundationModelArn}: a Provisioned Throughput can only ` +
            'switch between its base model and custom models of that base model',
        );
      }
      if (model.modelArn !== record.modelArn) {
        if (record.status !== 'InService') {
          throw validationError(`Provisioned Throughput ${record.arn} is ${record.status}; its model can only be changed when it is InService`);
        }
        desiredModelArn = model.modelArn;
      }
    }
    if (name !== undefined) record.name = name;
    if (desiredModelArn !== undefined) {
      record.desiredModelArn = desiredModelArn;
      record.status = 'Updating';
      record.readyAt = now + this.options.creationDelayMs;
    }
    record.lastModifiedTime = now;
    this.advance();
  }

  delete(id: string): void {
    const now = this.advance();
    const record = this.find(id);
    if (record.status === 'Creating' || record.status === 'Updating') {
      throw new BedrockError(
        'ConflictException',
        `Provisioned Throughput ${record.arn} is ${record.status}; it can be deleted once it is InService or Failed`,
      );
    }
    // A creation that failed never started its term, so it can always be deleted.
    if (record.status !== 'Failed' && record.commitmentExpirationTime !== undefined && now < record.commitmentExpirationTime) {
      throw validationError(
        `Provisioned Throughput ${record.arn} has a ${record.commitmentDuration ?? ''} commitment until ` +
          `${iso(record.commitmentExpirationTime)}; a committed Provisioned Throughput cannot be deleted before its commitment term ends`,
      );
    }
    this.records.delete(record.arn);
  }

  /** Every throughput, oldest first. */
  all(): ProvisionedModelView[] {
    this.advance();
    return [...this.records.values()].sort((a, b) => a.creationTime - b.creationTime || a.arn.localeCompare(b.arn)).map((r) => this.view(r));
  }

  /**
   * The throughput a runtime call names by ARN: ResourceNotFoundException when there is none, a
   * ValidationException unless it serves (InService, or Updating, which keeps serving its current model).
   */
  servingTarget(arn: string): ProvisionedModelView {
    this.advance();
    const record = this.records.get(arn);
    if (record === undefined) throw notFound(`The provisioned model ${arn} was not found`);
    if (record.status !== 'InService' && record.status !== 'Updating') {
      throw validationError(`The provisioned model ${arn} is ${record.status}, not InService: it cannot serve inference requests yet`);
    }
    return this.view(record);
  }

  private find(id: string): ProvisionedRecord {
    const record = isProvisionedModelArn(id) ? this.records.get(id) : this.byName(id);
    if (record === undefined) throw notFound(`Provisioned Throughput '${id}' was not found`);
    return record;
  }

  private byName(name: string): ProvisionedRecord | undefined {
    return [...this.records.values()].find((record) => record.name === name);
  }

  private checkUnitQuota(foundationModelArn: string, units: number, commitment: CommitmentDuration | undefined): void {
    const committed = commitment !== undefined;
    const limit = committed ? this.options.maxCommittedUnitsPerModel : this.options.maxNoCommitmentUnitsPerModel;
    const inUse = [...this.records.values()]
      .filter((record) => record.foundationModelArn === foundationModelArn && record.status !== 'Failed')
      .filter((record) => (record.commitmentDuration !== undefined) === committed)
      .reduce((sum, record) => sum + record.modelUnits, 0);
    if (inUse + units > limit) {
      const kind = committed ? 'committed' : 'no-commitment';
      throw new BedrockError(
        'ServiceQuotaExceededException',
        `Requesting ${units} ${kind} model units for ${foundationModelArn} exceeds the account quota of ${limit} ` +
          `${kind} model units per model (${inUse} already in use)`,
      );
    }
  }

  /** Applies the state changes that are due on the clock; returns the time it looked at. */
  private advance(): number {
    const now = this.options.now();
    for (const record of this.records.values()) {
      if (record.readyAt === undefined || record.readyAt > now) continue;
      if (record.status === 'Creating' && record.pendingFailure !== undefined) {
        record.status = 'Failed';
        record.failureMessage = record.pendingFailure;
        delete record.pendingFailure;
      } else {
        record.status = 'InService';
        record.modelArn = record.desiredModelArn;
      }
      record.lastModifiedTime = Math.max(record.lastModifiedTime, record.readyAt);
      delete record.readyAt;
    }
    return now;
  }

  private newId(): string {
    for (;;) {
      const id = Array.from({ length: 12 }, () => this.prng.pick([...ID_ALPHABET])).join('');
      if (![...this.records.keys()].some((arn) => arn.endsWith(`/${id}`))) return id;
    }
  }

  private view(record: ProvisionedRecord): ProvisionedModelView {
    return {
      provisionedModelName: record.name,
      provisionedModelArn: record.arn,
      modelArn: record.modelArn,
      desiredModelArn: record.desiredModelArn,
      foundationModelArn: record.foundationModelArn,
      modelUnits: record.modelUnits,
      desiredModelUnits: record.modelUnits,
      status: record.status,
      creationTime: iso(record.creationTime),
      lastModifiedTime: iso(record.lastModifiedTime),
      ...(record.failureMessage === undefined ? {} : { failureMessage: record.failureMessage }),
      ...(record.commitmentDuration === undefined ? {} : { commitmentDuration: record.commitmentDuration }),
      ...(record.commitmentExpirationTime === undefined ? {} : { commitmentExpirationTime: iso(record.commitmentExpirationTime) }),
    };
  }
}
