import http from 'node:http';
import { BedrockClient, CreateProvisionedModelThroughputCommand } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  type BedrockRuntimeClientConfig,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { QuotaConfigError, startLocalBedrock, type LocalBedrock, type LocalBedrockOptions } from '../../local/bedrock/server';

const REGION = 'ap-northeast-1';
const HAIKU = 'jp.anthropic.claude-haiku-4-5-20251001-v1:0';
const SONNET = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
const QUESTION = 'Where can I find the Berserk deluxe edition volume 3?';
/** What the emulator estimates for QUESTION: about four characters per token. */
const INPUT_TOKENS = Math.ceil(QUESTION.length / 4);
const START = Date.parse('2025-01-15T00:00:00.000Z');

const servers: LocalBedrock[] = [];
const clients: { destroy(): void }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const manualClock = () => {
  let time = START;
  return { now: () => time, advance: (ms: number) => (time += ms) };
};

const start = async (options: LocalBedrockOptions = {}): Promise<LocalBedrock> => {
  const server = await startLocalBedrock({ latencyScale: 0, ...options });
  servers.push(server);
  return server;
};

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const runtimeClient = (server: LocalBedrock, config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient => {
  const client = new BedrockRuntimeClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, ...config });
  clients.push(client);
  return client;
};

/** `maxTokens: null` sends no inferenceConfig at all. */
const converse = (client: BedrockRuntimeClient, modelId = HAIKU, maxTokens: number | null = 500) =>
  client.send(
    new ConverseCommand({
      modelId,
      messages: [{ role: 'user', content: [{ text: QUESTION }] }],
      ...(maxTokens === null ? {} : { inferenceConfig: { maxTokens } }),
    }),
  );

const failureOf = async (promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected a failure, but the call succeeded');
};

const rawRequest = (url: string, method: string, body?: string) =>
  new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const request = http.request(url, { method, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(body);
  });

const usageOf = (response: Awaited<ReturnType<typeof converse>>): number => response.usage?.totalTokens ?? 0;

describe('local Bedrock tokens-per-minute quotas', () => {
  it('throttles with ThrottlingException (429) when input + maxTokens does not fit, and admits again after the window', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now, quotas: { haiku: 1000 } });
    const client = runtimeClient(server);

    const first = await converse(client, HAIKU, 800);
    const throttled = await failureOf(converse(client, HAIKU, 900));
    const smaller = await converse(client, HAIKU, 100);
    clock.advance(60_001);
    const afterWindow = await converse(client, HAIKU, 900);

    expect(first.stopReason).toBe('end_turn');
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata?.httpStatusCode).toBe(429);
    expect(throttled.message).toMatch(/^Too many tokens.*1000 tokens per minute/);
    expect(smaller.stopReason).toBeDefined();
    expect(afterWindow.stopReason).toBe('end_turn');
    const stats = server.stats();
    expect(stats.throttles).toEqual({ injected: 0, quota: 1 });
    expect(stats.throughput.byModel[HAIKU]).toMatchObject({ limitTokensPerMinute: 1000, admitted: 3, throttles: { quota: 1, injected: 0 } });
  });

  it('throttles before the stream starts, so no event reaches a ConverseStream caller', async () => {
    const server = await start({ quotas: { haiku: 100 } });
    const events: ConverseStreamOutput[] = [];

    const error = await failureOf(
      (async () => {
        const response = await runtimeClient(server).send(
          new ConverseStreamCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: QUESTION }] }], inferenceConfig: { maxTokens: 200 } }),
        );
        for await (const event of response.stream ?? []) events.push(event);
      })(),
    );

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(events).toEqual([]);
    expect(server.stats().streams.started).toBe(0);
  });

  it('releases the unused part of a reservation when the call completes', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now, quotas: { haiku: 1500 } });
    const client = runtimeClient(server);

    const first = await converse(client, HAIKU, 900);
    const afterFirst = server.stats().throughput.byModel[HAIKU];
    // 900 + input reserved twice would be over 1500: only the release lets the second call in.
    const second = await converse(client, HAIKU, 900);

    expect(afterFirst).toMatchObject({ reservedTokens: 0, windowTokens: usageOf(first), servedLastMinute: usageOf(first) });
    expect(usageOf(first)).toBeLessThan(900 + INPUT_TOKENS);
    expect(second.stopReason).toBe('end_turn');
    expect(server.stats().throughput.byModel[HAIKU]?.windowTokens).toBe(usageOf(first) + usageOf(second));
  });

  it('holds the reservation while a call runs and releases it when the client leaves', async () => {
    const server = await start({ quotas: { haiku: 1500 }, faults: { hangNext: 1 } });
    const client = runtimeClient(server, { requestHandler: new NodeHttpHandler({ socketTimeout: 300 }) });

    const hung = await client.send(
      new ConverseStreamCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: QUESTION }] }], inferenceConfig: { maxTokens: 900 } }),
    );
    if (hung.stream === undefined) throw new Error('ConverseStream answered without a stream');
    const iterator = hung.stream[Symbol.asyncIterator]();
    await iterator.next();
    const during = server.stats().throughput.byModel[HAIKU];
    const throttled = await failureOf(converse(runtimeClient(server), HAIKU, 900));
    // The client gives up on the silent stream (its socket timeout), which closes the connection.
    const drain = async () => {
      while (!(await iterator.next()).done) {
        // keep reading until the timeout ends the stream
      }
    };
    await failureOf(drain());
    await server.waitForStreamAborted(2000);
    const admitted = await converse(runtimeClient(server), HAIKU, 900);

    expect(during?.reservedTokens).toBe(900 + INPUT_TOKENS);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(admitted.stopReason).toBe('end_turn');
  });

  it('reserves defaultMaxTokens for a call without maxTokens', async () => {
    const server = await start({ quotas: { haiku: 3000 } });
    const generous = await start({ quotas: { haiku: 3000 }, defaultMaxTokens: 1000 });

    const throttled = await failureOf(converse(runtimeClient(server), HAIKU, null));
    const admitted = await converse(runtimeClient(generous), HAIKU, null);

    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.message).toMatch(/reserves 4110/);
    expect(admitted.stopReason).toBe('end_turn');
  });

  it('keeps quotas per modelId: the longest matching key applies, and models without a key are unlimited', async () => {
    const server = await start({ quotas: { anthropic: 100, 'claude-haiku': 5000 } });
    const client = runtimeClient(server);

    await converse(client, HAIKU, 900);
    const sonnet = await failureOf(converse(client, SONNET, 200));
    await converse(client, 'my-model-v1', 100_000);

    expect(sonnet).toBeInstanceOf(ThrottlingException);
    expect(server.stats().throughput.byModel['my-model-v1']?.limitTokensPerMinute).toBeNull();
  });

  it('counts injected throttles apart from quota throttles', async () => {
    const server = await start({ quotas: { haiku: 100 }, faults: { throttleNext: 1 } });
    const client = runtimeClient(server);

    await failureOf(converse(client, HAIKU, 50));
    await failureOf(converse(client, HAIKU, 500));

    expect(server.stats().throttles).toEqual({ injected: 1, quota: 1 });
    expect(server.stats().faults.throttle).toBe(1);
  });

  it('reports tokens served in the last minute, per second and in total on GET /_local/stats', async () => {
    const clock = manualClock();
    const server = await start({ now: clock.now });
    const client = runtimeClient(server);

    const answers = [await converse(client), await converse(client)];
    const served = answers.reduce((sum, answer) => sum + usageOf(answer), 0);
    const now = await rawRequest(`${server.url}/_local/stats`, 'GET');
    clock.advance(60_001);
    const later = server.stats().throughput.byModel[HAIKU];

    expect(now.json).toMatchObject({
      throughput: { windowMs: 60_000, byModel: { [HAIKU]: { servedLastMinute: served, servedTotal: served, tokensPerSecond: Math.round((served / 60) * 100) / 100 } } },
    });
    expect(later).toMatchObject({ servedLastMinute: 0, servedTotal: served, tokensPerSecond: 0 });
  });

  it('changes quotas at run time, through the handle and over HTTP, refusing invalid ones', async () => {
    const server = await start();
    const client = runtimeClient(server);

    server.setQuotas({ haiku: 10 });
    const throttled = await failureOf(converse(client));
    const cleared = await rawRequest(`${server.url}/_local/quotas`, 'POST', '{}');
    const admitted = await converse(client);
    const invalid = await rawRequest(`${server.url}/_local/quotas`, 'POST', JSON.stringify({ haiku: -1 }));

    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(cleared).toEqual({ status: 200, json: {} });
    expect(admitted.stopReason).toBe('end_turn');
    expect(invalid).toMatchObject({ status: 400, json: { message: expect.stringMatching(/quotas\.haiku/) } });
    expect(() => server.setQuotas({ sonnet: 1.5 })).toThrow(QuotaConfigError);
    expect(server.quotas()).toEqual({});
  });
});

describe('local Bedrock provisioned throughput quota', () => {
  it('gives a provisioned ARN modelUnits x unitTokensPerMinute of its own, apart from the on-demand quota of its model', async () => {
    const server = await start({ quotas: { haiku: 500 }, unitTokensPerMinute: 1000, creationDelayMs: 0 });
    const control = new BedrockClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
    clients.push(control);
    const { provisionedModelArn = '' } = await control.send(
      new CreateProvisionedModelThroughputCommand({ provisionedModelName: 'haiku-pt', modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', modelUnits: 2 }),
    );
    const client = runtimeClient(server);

    const onDemand = await failureOf(converse(client, HAIKU, 900));
    const provisioned = await converse(client, provisionedModelArn, 900);
    // 1900 + input on top of what the first call used is over 2 x 1000.
    const overUnits = await failureOf(converse(client, provisionedModelArn, 1900));

    expect(onDemand).toBeInstanceOf(ThrottlingException);
    expect(provisioned.stopReason).toBe('end_turn');
    expect(overUnits).toBeInstanceOf(ThrottlingException);
    expect(overUnits.message).toMatch(/2000 tokens per minute for arn:aws:bedrock:ap-northeast-1:123456789012:provisioned-model\//);
    const byModel = server.stats().throughput.byModel;
    expect(byModel[provisionedModelArn]).toMatchObject({ limitTokensPerMinute: 2000, servedTotal: usageOf(provisioned), throttles: { quota: 1 } });
    expect(byModel[HAIKU]).toMatchObject({ limitTokensPerMinute: 500, servedTotal: 0, throttles: { quota: 1 } });
  });
});
