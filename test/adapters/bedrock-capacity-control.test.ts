import {
  AccessDeniedException,
  BedrockClient,
  ConflictException,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  InternalServerException,
  ListProvisionedModelThroughputsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
  type ProvisionedModelSummary,
} from '@aws-sdk/client-bedrock';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { BedrockCapacityControl, CONTROL_OPERATIONS } from '../../lambdas/adapters/bedrock-capacity-control';
import { CapacityControlError } from '../../lambdas/ports';
import { createBedrockControlClient } from '../../lambdas/runtime/clients/bedrock-control';
import { startLocalBedrock, type LocalBedrock } from '../../local/bedrock/server';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const FOUNDATION = 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0';
const arnOf = (id: string) => `arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/${id.padEnd(12, '0')}`;
const meta = { $metadata: {} };

const summary = (id: string, overrides: Partial<ProvisionedModelSummary> = {}): ProvisionedModelSummary => ({
  provisionedModelName: `mangaassist-sonnet-${id}`,
  provisionedModelArn: arnOf(id),
  modelArn: FOUNDATION,
  desiredModelArn: FOUNDATION,
  foundationModelArn: FOUNDATION,
  modelUnits: 2,
  desiredModelUnits: 2,
  status: 'InService',
  creationTime: new Date(NOW - DAY),
  lastModifiedTime: new Date(NOW - DAY),
  ...overrides,
});

/** The CapacityControlError a call failed with. */
const failureOf = async (call: Promise<unknown>): Promise<CapacityControlError> => {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CapacityControlError)) throw new Error(`expected a CapacityControlError, got ${String(error)}`);
  return error;
};

describe('BedrockCapacityControl over a mocked BedrockClient', () => {
  // Mocked for this block only: the block below talks to the local endpoint with the real client.
  let bedrock: AwsClientStub<BedrockClient>;
  const control = () => new BedrockCapacityControl(new BedrockClient({ region: 'ap-northeast-1' }), { now: () => NOW }, 2);

  beforeAll(() => {
    bedrock = mockClient(BedrockClient);
  });
  afterAll(() => {
    bedrock.restore();
  });
  beforeEach(() => {
    bedrock.reset();
  });

  describe('list', () => {
    it('reads every page and maps each summary', async () => {
      bedrock
        .on(ListProvisionedModelThroughputsCommand, { nextToken: undefined })
        .resolves({ provisionedModelSummaries: [summary('a'), summary('b', { status: 'Creating', modelUnits: 3 })], nextToken: 'page-2' })
        .on(ListProvisionedModelThroughputsCommand, { nextToken: 'page-2' })
        .resolves({ provisionedModelSummaries: [summary('c', { status: 'Failed' })] });

      const throughputs = await control().list();

      expect(throughputs).toEqual([
        { arn: arnOf('a'), name: 'mangaassist-sonnet-a', modelArn: FOUNDATION, units: 2, status: 'InService', committed: false },
        { arn: arnOf('b'), name: 'mangaassist-sonnet-b', modelArn: FOUNDATION, units: 3, status: 'Creating', committed: false },
        { arn: arnOf('c'), name: 'mangaassist-sonnet-c', modelArn: FOUNDATION, units: 2, status: 'Failed', committed: false },
      ]);
      const calls = bedrock.commandCalls(ListProvisionedModelThroughputsCommand).map((call) => call.args[0].input);
      expect(calls).toEqual([
        { maxResults: 2, nextToken: undefined },
        { maxResults: 2, nextToken: 'page-2' },
      ]);
    });

    it('counts a throughput as committed while its term runs or when its expiry is unknown', async () => {
      bedrock.on(ListProvisionedModelThroughputsCommand).resolves({
        provisionedModelSummaries: [
          summary('running', { commitmentDuration: 'OneMonth', commitmentExpirationTime: new Date(NOW + DAY) }),
          summary('unknown', { commitmentDuration: 'SixMonths' }),
          summary('expired', { commitmentDuration: 'OneMonth', commitmentExpirationTime: new Date(NOW - 1) }),
          summary('hourly', { commitmentExpirationTime: new Date(NOW + DAY) }),
        ],
      });

      const committed = Object.fromEntries((await control().list()).map((t) => [t.name, t.committed]));

      expect(committed).toEqual({ 'mangaassist-sonnet-running': true, 'mangaassist-sonnet-unknown': true, 'mangaassist-sonnet-expired': false, 'mangaassist-sonnet-hourly': false });
    });

    it('reports the model served (a custom model), falling back to the foundation model, and reads an unknown status as Updating', async () => {
      const custom = 'arn:aws:bedrock:ap-northeast-1:111122223333:custom-model/anthropic.claude-sonnet/abc';
      bedrock.on(ListProvisionedModelThroughputsCommand).resolves({
        provisionedModelSummaries: [summary('custom', { modelArn: custom }), summary('nomodel', { modelArn: undefined, status: 'Deleting' as never })],
      });

      const [customModel, fallback] = await control().list();

      expect(customModel?.modelArn).toBe(custom);
      expect(fallback).toMatchObject({ modelArn: FOUNDATION, status: 'Updating' });
    });

    it('fails as a whole when a later page fails', async () => {
      bedrock
        .on(ListProvisionedModelThroughputsCommand, { nextToken: undefined })
        .resolves({ provisionedModelSummaries: [summary('a')], nextToken: 'page-2' })
        .on(ListProvisionedModelThroughputsCommand, { nextToken: 'page-2' })
        .rejects(new ThrottlingException({ message: 'Too many requests', ...meta }));

      const error = await failureOf(control().list());

      expect(error).toMatchObject({ failure: 'throttled', operation: CONTROL_OPERATIONS.list });
    });
  });

  describe('error mapping', () => {
    it.each([
      ['AccessDeniedException', 'access_denied', new AccessDeniedException({ message: 'not authorized to perform bedrock:ListProvisionedModelThroughputs', ...meta })],
      ['ThrottlingException', 'throttled', new ThrottlingException({ message: 'slow down', ...meta })],
      ['ServiceQuotaExceededException', 'quota_exceeded', new ServiceQuotaExceededException({ message: 'model units', ...meta })],
      ['ConflictException', 'conflict', new ConflictException({ message: 'name taken', ...meta })],
      ['ValidationException', 'invalid', new ValidationException({ message: '1 validation error detected', ...meta })],
      ['InternalServerException', 'unavailable', new InternalServerException({ message: 'oops', ...meta })],
      ['a timeout', 'unavailable', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
      ['a refused connection', 'unavailable', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    ] as const)('maps %s on create to %s, keeping the operation and the cause', async (_label, failure, cause) => {
      bedrock.on(CreateProvisionedModelThroughputCommand).rejects(cause);

      const error = await failureOf(control().create({ name: 'mangaassist-sonnet-5u', clientRequestToken: 'mangaassist-sonnet-5u', modelId: 'anthropic.claude', units: 5 }));

      expect(error.failure).toBe(failure);
      expect(error.operation).toBe('CreateProvisionedModelThroughput');
      expect(error.cause).toBe(cause);
      expect(error.message).toContain(cause.message);
    });

    it('maps failures of list, get and delete with their own operation names', async () => {
      const denied = new AccessDeniedException({ message: 'denied', ...meta });
      bedrock.on(ListProvisionedModelThroughputsCommand).rejects(denied).on(GetProvisionedModelThroughputCommand).rejects(denied).on(DeleteProvisionedModelThroughputCommand).rejects(denied);

      const errors = await Promise.all([failureOf(control().list()), failureOf(control().get(arnOf('a'))), failureOf(control().delete(arnOf('a')))]);

      expect(errors.map((e) => [e.failure, e.operation])).toEqual([
        ['access_denied', 'ListProvisionedModelThroughputs'],
        ['access_denied', 'GetProvisionedModelThroughput'],
        ['access_denied', 'DeleteProvisionedModelThroughput'],
      ]);
    });
  });

  describe('get', () => {
    it('maps the throughput', async () => {
      bedrock.on(GetProvisionedModelThroughputCommand, { provisionedModelId: arnOf('a') }).resolves({
        ...summary('a', { commitmentDuration: 'OneMonth', commitmentExpirationTime: new Date(NOW + DAY) }),
        ...meta,
      });

      expect(await control().get(arnOf('a'))).toEqual({ arn: arnOf('a'), name: 'mangaassist-sonnet-a', modelArn: FOUNDATION, units: 2, status: 'InService', committed: true });
    });

    it('returns undefined for a throughput that does not exist', async () => {
      bedrock.on(GetProvisionedModelThroughputCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));

      expect(await control().get(arnOf('gone'))).toBeUndefined();
    });
  });

  describe('create', () => {
    it('sends the token, name, model and units, never a commitment, and returns the ARN', async () => {
      bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ provisionedModelArn: arnOf('new'), ...meta });

      const arn = await control().create({ name: 'mangaassist-sonnet-5u-20261207T0000', clientRequestToken: 'mangaassist-sonnet-5u-20261207T0000', modelId: 'anthropic.claude', units: 5 });

      expect(arn).toBe(arnOf('new'));
      expect(bedrock.commandCalls(CreateProvisionedModelThroughputCommand)[0]?.args[0].input).toEqual({
        clientRequestToken: 'mangaassist-sonnet-5u-20261207T0000',
        modelUnits: 5,
        provisionedModelName: 'mangaassist-sonnet-5u-20261207T0000',
        modelId: 'anthropic.claude',
      });
    });

    it('treats a response without an ARN as unavailable', async () => {
      bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ ...meta });

      const error = await failureOf(control().create({ name: 'n', clientRequestToken: 't', modelId: 'm', units: 1 }));

      expect(error.failure).toBe('unavailable');
    });
  });

  describe('delete', () => {
    it('deletes by ARN', async () => {
      bedrock.on(DeleteProvisionedModelThroughputCommand).resolves({ ...meta });

      await control().delete(arnOf('old'));

      expect(bedrock.commandCalls(DeleteProvisionedModelThroughputCommand)[0]?.args[0].input).toEqual({ provisionedModelId: arnOf('old') });
    });

    it('succeeds when the throughput is already gone', async () => {
      bedrock.on(DeleteProvisionedModelThroughputCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));

      await expect(control().delete(arnOf('gone'))).resolves.toBeUndefined();
    });
  });
});

describe('BedrockCapacityControl against the local Bedrock control plane', () => {
  const REGION = 'ap-northeast-1';
  const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
  const HAIKU_ARN = `arn:aws:bedrock:${REGION}::foundation-model/${HAIKU}`;
  const CREATION_MS = 10 * 60_000;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const request = { name: 'mangaassist-haiku-1u-20261207T0000', clientRequestToken: 'mangaassist-haiku-1u-20261207T0000', modelId: HAIKU, units: 1 };

  let server: LocalBedrock;
  let client: BedrockClient;
  let time: number;
  const clock = { now: () => time };

  beforeEach(async () => {
    time = NOW;
    server = await startLocalBedrock({ latencyScale: 0, creationDelayMs: CREATION_MS, now: clock.now });
    client = createBedrockControlClient({ region: REGION, endpoint: server.url, credentials });
  });
  afterEach(async () => {
    client.destroy();
    await server.close();
  });

  it('creates (idempotently by token), sees Creating then InService, and deletes', async () => {
    const control = new BedrockCapacityControl(client, clock);

    const arn = await control.create(request);
    const retried = await control.create(request);
    const creating = await control.list();
    time += CREATION_MS;
    const inService = await control.list();
    const got = await control.get(arn);
    await control.delete(arn);
    await control.delete(arn);

    expect(retried).toBe(arn);
    expect(creating).toEqual([{ arn, name: request.name, modelArn: HAIKU_ARN, units: 1, status: 'Creating', committed: false }]);
    expect(inService).toEqual([{ arn, name: request.name, modelArn: HAIKU_ARN, units: 1, status: 'InService', committed: false }]);
    expect(got).toEqual(inService[0]);
    expect(await control.list()).toEqual([]);
    expect(await control.get(arn)).toBeUndefined();
  });

  it('reads every page of a long list', async () => {
    const control = new BedrockCapacityControl(client, clock, 1);
    await control.create(request);
    await control.create({ ...request, name: 'mangaassist-haiku-1u-20261207T0100', clientRequestToken: 'mangaassist-haiku-1u-20261207T0100' });

    const names = (await control.list()).map((t) => t.name);

    expect(names.sort()).toEqual(['mangaassist-haiku-1u-20261207T0000', 'mangaassist-haiku-1u-20261207T0100']);
    expect(server.stats().controlPlane.byOperation.ListProvisionedModelThroughputs).toBeGreaterThanOrEqual(2);
  });

  it('reads a throughput bought with a commitment as committed', async () => {
    const control = new BedrockCapacityControl(client, clock);
    await client.send(new CreateProvisionedModelThroughputCommand({ provisionedModelName: 'haiku-floor', modelId: HAIKU, modelUnits: 1, commitmentDuration: 'OneMonth' }));

    const [floor] = await control.list();

    expect(floor).toMatchObject({ name: 'haiku-floor', committed: true });
  });

  it('maps the errors of the wire protocol to failure kinds', async () => {
    const control = new BedrockCapacityControl(client, clock);
    const arn = await control.create(request);

    const deleteWhileCreating = await failureOf(control.delete(arn));
    const overQuota = await failureOf(control.create({ ...request, name: 'too-many', clientRequestToken: 'too-many', units: 2 }));
    server.setControlFaults({ accessDeniedNext: 1 });
    const denied = await failureOf(control.list());
    server.setControlFaults({ serverErrorNext: 3 });
    const serverError = await failureOf(control.get(arn));

    expect([deleteWhileCreating.failure, deleteWhileCreating.operation]).toEqual(['conflict', 'DeleteProvisionedModelThroughput']);
    expect([overQuota.failure, overQuota.operation]).toEqual(['quota_exceeded', 'CreateProvisionedModelThroughput']);
    expect([denied.failure, denied.operation]).toEqual(['access_denied', 'ListProvisionedModelThroughputs']);
    expect([serverError.failure, serverError.operation]).toEqual(['unavailable', 'GetProvisionedModelThroughput']);
  });

  it('reports an unreachable endpoint as unavailable', async () => {
    const url = server.url;
    await server.close();
    server = await startLocalBedrock({ latencyScale: 0 });
    const unreachable = createBedrockControlClient({ region: REGION, endpoint: url, credentials });

    const error = await failureOf(new BedrockCapacityControl(unreachable, clock).list());
    unreachable.destroy();

    expect(error.failure).toBe('unavailable');
  });
});
