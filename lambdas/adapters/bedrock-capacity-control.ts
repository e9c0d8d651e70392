import {
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  ListProvisionedModelThroughputsCommand,
  type BedrockClient,
  type GetProvisionedModelThroughputResponse,
  type ProvisionedModelSummary,
} from '@aws-sdk/client-bedrock';
import { PROVISIONED_STATUSES, type ProvisionedStatus, type ProvisionedThroughput } from '../core/capacity/reconcile';
import { CapacityControlError, type CapacityControl, type CapacityControlFailure, type Clock, type CreateThroughputRequest } from '../ports';

/** The control-plane operations, by their API names: `CapacityControlError.operation` (and the metric dimension). */
export const CONTROL_OPERATIONS = {
  list: 'ListProvisionedModelThroughputs',
  get: 'GetProvisionedModelThroughput',
  create: 'CreateProvisionedModelThroughput',
  delete: 'DeleteProvisionedModelThroughput',
} as const;

const FAILURE_BY_ERROR_NAME: Readonly<Record<string, CapacityControlFailure>> = {
  AccessDeniedException: 'access_denied',
  ThrottlingException: 'throttled',
  ServiceQuotaExceededException: 'quota_exceeded',
  ConflictException: 'conflict',
  // Deleting a throughput that is still serving a model call, for instance: another run or operator holds it.
  ResourceInUseException: 'conflict',
  ResourceNotFoundException: 'not_found',
  ValidationException: 'invalid',
  TooManyTagsException: 'invalid',
};

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'UnknownError');

/**
 * Any SDK or network failure as a CapacityControlError, the cause kept. Only the control plane's modeled client
 * errors get a kind of their own; everything else (5xx, InternalServer, ServiceUnavailable, connection refused,
 * timeouts, an unmodeled error) is `unavailable`: worth retrying on the next run.
 */
export const toCapacityControlError = (error: unknown, operation: string): CapacityControlError => {
  if (error instanceof CapacityControlError) return error;
  const name = errorName(error);
  const failure = FAILURE_BY_ERROR_NAME[name] ?? 'unavailable';
  const message = error instanceof Error ? error.message : String(error);
  return new CapacityControlError(failure, operation, `${operation} failed (${failure}): ${name}: ${message}`, { cause: error });
};

const isNotFound = (error: unknown): boolean => errorName(error) === 'ResourceNotFoundException';

type ThroughputFields = Pick<
  ProvisionedModelSummary & GetProvisionedModelThroughputResponse,
  'provisionedModelArn' | 'provisionedModelName' | 'modelArn' | 'foundationModelArn' | 'modelUnits' | 'status' | 'commitmentDuration' | 'commitmentExpirationTime'
>;

/**
 * A status this code does not know is read as `Updating`: the reconciler neither switches to nor deletes a
 * throughput in that state, which is the safe reading of anything new.
 */
const statusOf = (status: string | undefined): ProvisionedStatus =>
  (PROVISIONED_STATUSES as readonly (string | undefined)[]).includes(status) ? (status as ProvisionedStatus) : 'Updating';

/**
 * Provisioned Throughput over the Bedrock control plane (`@aws-sdk/client-bedrock`). Creates never carry a
 * commitment: committed throughput is bought by people, and this code only ever reads it (as a floor).
 */
export class BedrockCapacityControl implements CapacityControl {
  constructor(
    private readonly client: BedrockClient,
    /** Decides whether a commitment term has expired. */
    private readonly clock: Clock = { now: () => Date.now() },
    private readonly pageSize = 100,
  ) {}

  async list(): Promise<ProvisionedThroughput[]> {
    const operation = CONTROL_OPERATIONS.list;
    const found: ProvisionedThroughput[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(operation, () => this.client.send(new ListProvisionedModelThroughputsCommand({ maxResults: this.pageSize, nextToken })));
      for (const summary of page.provisionedModelSummaries ?? []) found.push(this.toThroughput(summary, operation));
      nextToken = page.nextToken;
    } while (nextToken);
    return found;
  }

  async get(arn: string): Promise<ProvisionedThroughput | undefined> {
    const operation = CONTROL_OPERATIONS.get;
    try {
      const response = await this.client.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: arn }));
      return this.toThroughput(response, operation);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toCapacityControlError(error, operation);
    }
  }

  async create(request: CreateThroughputRequest): Promise<string> {
    const operation = CONTROL_OPERATIONS.create;
    const response = await this.call(operation, () =>
      this.client.send(
        new CreateProvisionedModelThroughputCommand({
          clientRequestToken: request.clientRequestToken,
          modelUnits: request.units,
          provisionedModelName: request.name,
          modelId: request.modelId,
          // No commitmentDuration, ever: only no-commitment throughput can be deleted again.
        }),
      ),
    );
    if (!response.provisionedModelArn) throw new CapacityControlError('unavailable', operation, `${operation} returned no provisionedModelArn`);
    return response.provisionedModelArn;
  }

  async delete(arn: string): Promise<void> {
    const operation = CONTROL_OPERATIONS.delete;
    try {
      await this.client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw toCapacityControlError(error, operation);
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toCapacityControlError(error, operation);
    }
  }

  /**
   * `modelArn` is what the throughput serves (a custom model's own ARN for a custom model), falling back to the
   * foundation model: a committed custom-model throughput must not pass for the catalog's foundation model.
   * Committed = bought with a term that has not expired (an unknown expiry counts as not expired).
   */
  private toThroughput(fields: ThroughputFields, operation: string): ProvisionedThroughput {
    const arn = fields.provisionedModelArn;
    if (!arn) throw new CapacityControlError('unavailable', operation, `${operation} returned a throughput without provisionedModelArn`);
    const expires = fields.commitmentExpirationTime?.getTime();
    const committed = fields.commitmentDuration !== undefined && (expires === undefined || Number.isNaN(expires) || expires > this.clock.now());
    return {
      arn,
      name: fields.provisionedModelName ?? '',
      modelArn: fields.modelArn ?? fields.foundationModelArn ?? '',
      units: fields.modelUnits ?? 0,
      status: statusOf(fields.status),
      committed,
    };
  }
}
