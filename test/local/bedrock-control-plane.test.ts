import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessDeniedException,
  BedrockClient,
  ConflictException,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  ListProvisionedModelThroughputsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  UpdateProvisionedModelThroughputCommand,
  ValidationException,
  paginateListProvisionedModelThroughputs,
  type BedrockClientConfig,
  type CreateProvisionedModelThroughputCommandInput,
  type ListProvisionedModelThroughputsCommandInput,
  type UpdateProvisionedModelThroughputCommandInput,
} from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  ResourceNotFoundException as RuntimeResourceNotFoundException,
  ValidationException as RuntimeValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { FaultConfigError, startLocalBedrock, type LocalBedrock, type LocalBedrockOptions } from '../../local/bedrock/server';

const REGION = 'ap-northeast-1';
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const HAIKU_ARN = `arn:aws:bedrock:${REGION}::foundation-model/${HAIKU}`;
const SONNET_ARN = `arn:aws:bedrock:${REGION}::foundation-model/${SONNET}`;
const PROVISIONED_ARN = /^arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model\/[a-z0-9]{12}$/;
const START = Date.parse('2025-01-15T00:00:00.000Z');
const DELAY_MS = 10 * 60_000;

const servers: LocalBedrock[] = [];
const clients: { destroy(): void }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A manual emulator clock: nothing changes state until a test moves it. */
const manualClock = () => {
  let time = START;
  return { now: () => time, advance: (ms: number) => (time += ms) };
};

const start = async (options: LocalBedrockOptions = {}): Promise<LocalBedrock> => {
  const server = await startLocalBedrock({ latencyScale: 0, creationDelayMs: DELAY_MS, ...options });
  servers.push(server);
  return server;
};

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The real control-plane client pointed at the local endpoint; no retries unless asked. */
const controlClient = (server: LocalBedrock, config: Partial<BedrockClientConfig> = {}): BedrockClient => {
  const client = new BedrockClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, ...config });
  clients.push(client);
  return client;
};

const runtimeClient = (server: LocalBedrock): BedrockRuntimeClient => {
  const client = new BedrockRuntimeClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
};

const createInput = (overrides: Partial<CreateProvisionedModelThroughputCommandInput> = {}): CreateProvisionedModelThroughputCommandInput => ({
  provisionedModelName: 'haiku-pt-1',
  modelId: HAIKU,
  modelUnits: 1,
  ...overrides,
});

const create = (client: BedrockClient, overrides: Partial<CreateProvisionedModelThroughputCommandInput> = {}) =>
  client.send(new CreateProvisionedModelThroughputCommand(createInput(overrides)));

const get = (client: BedrockClient, provisionedModelId: string) =>
  client.send(new GetProvisionedModelThroughputCommand({ provisionedModelId }));

const failureOf = async (promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected a failure, but the call succeeded');
};

/** A raw HTTP/1.1 call, for what the SDK cannot send (a units field on Update) and the `/_local` routes. */
const rawRequest = (url: string, method: string, body?: string) =>
  new Promise<{ status: number; errorType: string | undefined; json: unknown }>((resolve, reject) => {
    const request = http.request(url, { method, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const errorType = response.headers['x-amzn-errortype'];
        resolve({ status: response.statusCode ?? 0, errorType: typeof errorType === 'string' ? errorType : undefined, json: JSON.parse(text) });
      });
    });
    request.on('error', reject);
    request.end(body);
  });

describe('local Bedrock control plane: create and get', () => {
  it('creates a throughput that is Creating for the creation delay, then InService, readable by ARN and by name', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);

    const created = await create(client, { modelUnits: 2, tags: [{ key: 'team', value: 'gateway' }] });
    const creating = await get(client, created.provisionedModelArn ?? '');
    clock.advance(DELAY_MS - 1);
    const stillCreating = await get(client, 'haiku-pt-1');
    clock.advance(1);
    const inService = await get(client, 'haiku-pt-1');

    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.provisionedModelArn).toMatch(PROVISIONED_ARN);
    expect(creating).toMatchObject({
      provisionedModelArn: created.provisionedModelArn,
      provisionedModelName: 'haiku-pt-1',
      modelArn: HAIKU_ARN,
      desiredModelArn: HAIKU_ARN,
      foundationModelArn: HAIKU_ARN,
      modelUnits: 2,
      desiredModelUnits: 2,
      status: 'Creating',
      creationTime: new Date(START),
      lastModifiedTime: new Date(START),
    });
    expect(creating.commitmentDuration).toBeUndefined();
    expect(creating.commitmentExpirationTime).toBeUndefined();
    expect(stillCreating.status).toBe('Creating');
    expect(inService).toMatchObject({ status: 'InService', lastModifiedTime: new Date(START + DELAY_MS), creationTime: new Date(START) });
  });

  it('records a commitment and its expiration time', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);

    const { provisionedModelArn } = await create(client, { commitmentDuration: 'SixMonths', modelId: SONNET_ARN, provisionedModelName: 'sonnet-floor' });
    const throughput = await get(client, provisionedModelArn ?? '');

    expect(throughput).toMatchObject({
      commitmentDuration: 'SixMonths',
      commitmentExpirationTime: new Date('2025-07-15T00:00:00.000Z'),
      modelArn: SONNET_ARN,
    });
  });

  it('becomes InService on the wall clock after a short creation delay', async () => {
    const server = await start({ creationDelayMs: 100 });
    const client = controlClient(server);

    const { provisionedModelArn = '' } = await create(client);
    const first = await get(client, provisionedModelArn);
    let status = first.status;
    for (let polls = 0; status !== 'InService' && polls < 50; polls += 1) {
      await sleep(20);
      status = (await get(client, provisionedModelArn)).status;
    }

    expect(first.status).toBe('Creating');
    expect(status).toBe('InService');
  });

  it('is idempotent by clientRequestToken: the same request returns the same ARN and creates nothing new', async () => {
    const server = await start({ now: manualClock().now });
    const client = controlClient(server);
    const input = createInput({ clientRequestToken: 'schedule-2025-01-15T09-haiku', modelUnits: 1 });

    const first = await client.send(new CreateProvisionedModelThroughputCommand(input));
    const retry = await client.send(new CreateProvisionedModelThroughputCommand(input));
    const changed = await failureOf(create(client, { clientRequestToken: 'schedule-2025-01-15T09-haiku', modelUnits: 2 }));

    expect(retry.provisionedModelArn).toBe(first.provisionedModelArn);
    expect(server.provisioned()).toHaveLength(1);
    expect(changed).toBeInstanceOf(ValidationException);
    expect(changed.message).toMatch(/clientRequestToken .* different parameters/);
    expect(server.stats().controlPlane.byOperation.CreateProvisionedModelThroughput).toBe(3);
  });

  it('refuses a name already in use with a ValidationException (Create models no ConflictException)', async () => {
    const server = await start();
    const client = controlClient(server);
    await create(client);

    const error = await failureOf(create(client, { modelId: SONNET }));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/haiku-pt-1.*already exists/);
    expect(server.provisioned()).toHaveLength(1);
  });

  it('validates the input the way Bedrock words it, and refuses inference profiles', async () => {
    const server = await start();
    const client = controlClient(server);

    const zeroUnits = await failureOf(create(client, { modelUnits: 0 }));
    const badName = await failureOf(create(client, { provisionedModelName: 'no spaces' }));
    const profile = await failureOf(create(client, { modelId: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' }));
    const badCommitment = await failureOf(create(client, { commitmentDuration: 'TwoYears' as never }));

    expect(zeroUnits).toBeInstanceOf(ValidationException);
    expect(zeroUnits.message).toMatch(/Value '0' at 'modelUnits' failed to satisfy constraint/);
    expect(badName.message).toMatch(/provisionedModelName/);
    expect(profile).toBeInstanceOf(ValidationException);
    expect(profile.message).toMatch(/inference profile .*anthropic\.claude-haiku-4-5-20251001-v1:0/);
    expect(badCommitment.message).toMatch(/OneMonth, SixMonths/);
    expect(server.provisioned()).toHaveLength(0);
  });

  it('answers an unknown id with ResourceNotFoundException (HTTP 404)', async () => {
    const server = await start();
    const client = controlClient(server);

    const byName = await failureOf(get(client, 'nobody'));
    const byArn = await failureOf(get(client, 'arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model/abcdefghijkl'));
    const deleted = await failureOf(client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: 'nobody' })));

    for (const error of [byName, byArn, deleted]) {
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.$metadata?.httpStatusCode).toBe(404);
    }
  });
});

describe('local Bedrock control plane: list', () => {
  const seed = async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now, maxNoCommitmentUnitsPerModel: 10 });
    const client = controlClient(server);
    const haikuA = await create(client, { provisionedModelName: 'haiku-a' });
    clock.advance(1000);
    const sonnet = await create(client, { provisionedModelName: 'sonnet-a', modelId: SONNET });
    clock.advance(DELAY_MS);
    const haikuB = await create(client, { provisionedModelName: 'haiku-b' });
    return { server, client, clock, arns: { haikuA: haikuA.provisionedModelArn, sonnet: sonnet.provisionedModelArn, haikuB: haikuB.provisionedModelArn } };
  };

  const names = (summaries: { provisionedModelName?: string }[] | undefined) => (summaries ?? []).map((summary) => summary.provisionedModelName);

  it('filters by status, name and model ARN, newest first by default', async () => {
    const { client } = await seed();
    const list = (input: ListProvisionedModelThroughputsCommandInput) =>
      client.send(new ListProvisionedModelThroughputsCommand(input));

    const all = await list({});
    const inService = await list({ statusEquals: 'InService' });
    const creating = await list({ statusEquals: 'Creating' });
    const haiku = await list({ nameContains: 'haiku' });
    const sonnet = await list({ modelArnEquals: SONNET_ARN });
    const ascending = await list({ sortBy: 'CreationTime', sortOrder: 'Ascending' });
    const after = await list({ creationTimeAfter: new Date(START + 500) });

    expect(names(all.provisionedModelSummaries)).toEqual(['haiku-b', 'sonnet-a', 'haiku-a']);
    expect(names(inService.provisionedModelSummaries)).toEqual(['sonnet-a', 'haiku-a']);
    expect(names(creating.provisionedModelSummaries)).toEqual(['haiku-b']);
    expect(names(haiku.provisionedModelSummaries)).toEqual(['haiku-b', 'haiku-a']);
    expect(names(sonnet.provisionedModelSummaries)).toEqual(['sonnet-a']);
    expect(names(ascending.provisionedModelSummaries)).toEqual(['haiku-a', 'sonnet-a', 'haiku-b']);
    expect(names(after.provisionedModelSummaries)).toEqual(['haiku-b', 'sonnet-a']);
    expect(all.provisionedModelSummaries?.[0]).toMatchObject({ status: 'Creating', modelUnits: 1, foundationModelArn: HAIKU_ARN });
    expect(all.nextToken).toBeUndefined();
  });

  it('pages with maxResults and nextToken, as the SDK paginator reads them', async () => {
    const { client } = await seed();

    const first = await client.send(new ListProvisionedModelThroughputsCommand({ maxResults: 2 }));
    const pages: (string | undefined)[][] = [];
    for await (const page of paginateListProvisionedModelThroughputs({ client, pageSize: 1 }, {})) {
      pages.push(names(page.provisionedModelSummaries));
    }
    const badToken = await failureOf(client.send(new ListProvisionedModelThroughputsCommand({ nextToken: 'garbage' })));
    const tooMany = await failureOf(client.send(new ListProvisionedModelThroughputsCommand({ maxResults: 1001 })));

    expect(names(first.provisionedModelSummaries)).toEqual(['haiku-b', 'sonnet-a']);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(pages).toEqual([['haiku-b'], ['sonnet-a'], ['haiku-a']]);
    expect(badToken).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toMatch(/maxResults/);
  });
});

describe('local Bedrock control plane: update', () => {
  it('renames a throughput, which keeps its ARN and units; the input has no units field at all', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client);
    clock.advance(DELAY_MS);

    const input: UpdateProvisionedModelThroughputCommandInput = { provisionedModelId: provisionedModelArn, desiredProvisionedModelName: 'haiku-renamed' };
    const updated = await client.send(new UpdateProvisionedModelThroughputCommand(input));
    const renamed = await get(client, 'haiku-renamed');
    const oldName = await failureOf(get(client, 'haiku-pt-1'));

    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(renamed).toMatchObject({ provisionedModelArn, modelUnits: 1, status: 'InService' });
    expect(oldName).toBeInstanceOf(ResourceNotFoundException);
    // Compile-time: the SDK models no way to change units in place.
    // @ts-expect-error desiredModelUnits is not a member of UpdateProvisionedModelThroughputRequest
    const withUnits: UpdateProvisionedModelThroughputCommandInput = { provisionedModelId: 'x', desiredModelUnits: 2 };
    expect(withUnits).toBeDefined();
  });

  it('refuses a units field sent over raw HTTP with a message that says how to resize', async () => {
    const server = await start();
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client);

    const response = await rawRequest(
      `${server.url}/provisioned-model-throughput/${encodeURIComponent(provisionedModelArn)}`,
      'PATCH',
      JSON.stringify({ desiredModelUnits: 4 }),
    );

    expect(response).toMatchObject({ status: 400, errorType: 'ValidationException', json: { message: expect.stringMatching(/cannot change model units.*create a new/) } });
    expect(server.provisioned()[0]?.modelUnits).toBe(1);
  });

  it('refuses a name in use and a model of another base; a custom model of the same base is Updating, then associated', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now, maxNoCommitmentUnitsPerModel: 5 });
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client);
    await create(client, { provisionedModelName: 'other' });
    clock.advance(DELAY_MS);
    const custom = `arn:aws:bedrock:${REGION}:123456789012:custom-model/${HAIKU}/abcdefghijkl`;

    const taken = await failureOf(client.send(new UpdateProvisionedModelThroughputCommand({ provisionedModelId: 'haiku-pt-1', desiredProvisionedModelName: 'other' })));
    const otherBase = await failureOf(client.send(new UpdateProvisionedModelThroughputCommand({ provisionedModelId: 'haiku-pt-1', desiredModelId: SONNET })));
    await client.send(new UpdateProvisionedModelThroughputCommand({ provisionedModelId: 'haiku-pt-1', desiredModelId: custom }));
    const updating = await get(client, provisionedModelArn);
    clock.advance(DELAY_MS);
    const associated = await get(client, provisionedModelArn);

    expect(taken).toBeInstanceOf(ValidationException);
    expect(otherBase.message).toMatch(/not derived from/);
    expect(updating).toMatchObject({ status: 'Updating', modelArn: HAIKU_ARN, desiredModelArn: custom });
    expect(associated).toMatchObject({ status: 'InService', modelArn: custom, foundationModelArn: HAIKU_ARN });
  });
});

describe('local Bedrock control plane: delete', () => {
  it('deletes a no-commitment throughput', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client);
    clock.advance(DELAY_MS);

    const deleted = await client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn }));

    expect(deleted.$metadata.httpStatusCode).toBe(200);
    expect(await failureOf(get(client, provisionedModelArn))).toBeInstanceOf(ResourceNotFoundException);
    expect(server.provisioned()).toEqual([]);
  });

  it('refuses to delete committed throughput before its commitment ends, and deletes it after', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client, { commitmentDuration: 'OneMonth', provisionedModelName: 'floor' });
    clock.advance(DELAY_MS);
    const remove = () => client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: 'floor' }));

    const refused = await failureOf(remove());
    clock.advance(31 * 24 * 3600_000);
    await remove();

    expect(refused).toBeInstanceOf(ValidationException);
    expect(refused.message).toMatch(/OneMonth commitment until 2025-02-15T00:00:00.000Z.*cannot be deleted/);
    expect(await failureOf(get(client, provisionedModelArn))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses to delete a throughput that is still Creating with a ConflictException', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);
    await create(client);

    const refused = await failureOf(client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: 'haiku-pt-1' })));
    clock.advance(DELAY_MS);
    await client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: 'haiku-pt-1' }));

    expect(refused).toBeInstanceOf(ConflictException);
    expect(refused.message).toMatch(/Creating/);
    expect(server.provisioned()).toEqual([]);
  });
});

describe('local Bedrock control plane: unit quota', () => {
  it('caps no-commitment units per foundation model with ServiceQuotaExceededException; committed units do not count', async () => {
    const server = await start({ maxNoCommitmentUnitsPerModel: 2, creationDelayMs: 0 });
    const client = controlClient(server);
    await create(client, { provisionedModelName: 'a', modelUnits: 2 });

    const exceeded = await failureOf(create(client, { provisionedModelName: 'b', modelUnits: 1 }));
    await create(client, { provisionedModelName: 'sonnet', modelId: SONNET, modelUnits: 2 });
    await create(client, { provisionedModelName: 'committed', modelUnits: 3, commitmentDuration: 'OneMonth' });
    await client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: 'a' }));
    await create(client, { provisionedModelName: 'b', modelUnits: 2 });

    expect(exceeded).toBeInstanceOf(ServiceQuotaExceededException);
    expect(exceeded.message).toMatch(/2 no-commitment model units per model \(2 already in use\)/);
    expect(server.provisioned().map((throughput) => throughput.provisionedModelName)).toEqual(['sonnet', 'committed', 'b']);
  });

  it('caps committed units when a committed quota is configured', async () => {
    const server = await start({ maxCommittedUnitsPerModel: 1 });

    const error = await failureOf(create(controlClient(server), { modelUnits: 2, commitmentDuration: 'OneMonth' }));

    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
  });
});

describe('local Bedrock control plane: faults', () => {
  it('denies access with AccessDeniedException (HTTP 403) when configured at start', async () => {
    const server = await start({ controlFaults: { accessDeniedNext: 1 } });
    const client = controlClient(server);

    const denied = await failureOf(create(client));
    await create(client);

    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    expect(denied.message).toMatch(/not authorized to perform: bedrock:CreateProvisionedModelThroughput/);
    expect(server.provisioned()).toHaveLength(1);
    expect(server.stats().controlPlane.faults.accessDenied).toBe(1);
  });

  it('throttles management calls set over HTTP (429 ThrottlingException), which the SDK retry can absorb', async () => {
    const server = await start();
    const client = controlClient(server);
    const retrying = controlClient(server, { maxAttempts: 3 });

    const configured = await rawRequest(`${server.url}/_local/control-faults`, 'POST', JSON.stringify({ throttleNext: 2 }));
    const throttled = await failureOf(client.send(new ListProvisionedModelThroughputsCommand({})));
    const recovered = await retrying.send(new ListProvisionedModelThroughputsCommand({}));

    expect(configured).toMatchObject({ status: 200, json: { throttleNext: 2, accessDeniedNext: 0 } });
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata?.httpStatusCode).toBe(429);
    expect(recovered.$metadata.attempts).toBe(2);
    expect(server.controlFaults().throttleNext).toBe(0);
    expect(server.stats().controlPlane.faults.throttle).toBe(2);
  });

  it('limits faults to the chosen operations, and can make a creation end Failed', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = controlClient(server);
    server.setControlFaults({ accessDeniedNext: 1, operations: ['DeleteProvisionedModelThroughput'], failCreationNext: 1 });

    const { provisionedModelArn = '' } = await create(client);
    clock.advance(DELAY_MS);
    const failed = await get(client, provisionedModelArn);
    const denied = await failureOf(client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn })));
    await client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn }));

    expect(failed).toMatchObject({ status: 'Failed', failureMessage: expect.stringMatching(/injected/) });
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(server.provisioned()).toEqual([]);
  });

  it('rejects an invalid control fault configuration and keeps the previous one', async () => {
    const server = await start({ controlFaults: { throttleRate: 0.5 } });

    const overHttp = await rawRequest(`${server.url}/_local/control-faults`, 'POST', JSON.stringify({ throttleRate: 3 }));

    expect(overHttp).toMatchObject({ status: 400, json: { message: expect.stringMatching(/throttleRate/) } });
    expect(() => server.setControlFaults({ operations: ['InvokeModel' as never] })).toThrow(FaultConfigError);
    expect(server.controlFaults()).toMatchObject({ throttleRate: 0.5, accessDeniedNext: 0 });
  });
});

describe('local Bedrock runtime with provisioned model ARNs', () => {
  const streamText = async (client: BedrockRuntimeClient, modelId: string) => {
    const response = await client.send(
      new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Which manga should I read next?' }] }], inferenceConfig: { maxTokens: 200 } }),
    );
    let text = '';
    for await (const event of response.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    return text;
  };

  it('refuses a provisioned ARN while Creating and answers ConverseStream once InService, as its foundation model', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const { provisionedModelArn = '' } = await create(controlClient(server));
    const runtime = runtimeClient(server);

    const creating = await failureOf(streamText(runtime, provisionedModelArn));
    clock.advance(DELAY_MS);
    const text = await streamText(runtime, provisionedModelArn);

    expect(creating).toBeInstanceOf(RuntimeValidationException);
    expect(creating.message).toMatch(/Creating, not InService/);
    expect(text.length).toBeGreaterThan(20);
    expect(server.stats().simulations.at(-1)).toMatchObject({ profile: 'haiku', modelId: HAIKU });
    expect(server.stats().requests.byModel[provisionedModelArn]).toBe(2);
  });

  it('answers an unknown or deleted provisioned ARN with ResourceNotFoundException', async () => {
    const server = await start({ creationDelayMs: 0 });
    const client = controlClient(server);
    const { provisionedModelArn = '' } = await create(client);
    await client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn }));

    const error = await failureOf(streamText(runtimeClient(server), provisionedModelArn));

    expect(error).toBeInstanceOf(RuntimeResourceNotFoundException);
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('shows every throughput with its status on GET /_local/provisioned', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    await create(controlClient(server));

    const before = await rawRequest(`${server.url}/_local/provisioned`, 'GET');
    clock.advance(DELAY_MS);
    const after = await rawRequest(`${server.url}/_local/provisioned`, 'GET');

    expect(before.json).toMatchObject({ provisionedModels: [{ provisionedModelName: 'haiku-pt-1', status: 'Creating', creationTime: '2025-01-15T00:00:00.000Z' }] });
    expect(after.json).toMatchObject({ provisionedModels: [{ status: 'InService' }] });
  });
});
