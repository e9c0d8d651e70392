import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ModelStreamErrorException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type BedrockRuntimeClientConfig,
  type ConverseStreamOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { FaultConfigError, startLocalBedrock, type LocalBedrock, type LocalBedrockOptions } from '../../local/bedrock/server';

const HAIKU = 'jp.anthropic.claude-haiku-4-5-20251001-v1:0';
const SONNET = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
const QUESTION = 'Where can I find the Berserk deluxe edition volume 3?';
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

const servers: LocalBedrock[] = [];
const clients: BedrockRuntimeClient[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

const start = async (options: LocalBedrockOptions = {}): Promise<LocalBedrock> => {
  const server = await startLocalBedrock({ latencyScale: 0, ...options });
  servers.push(server);
  return server;
};

/** The real SDK client, as the gateway builds it, pointed at the local endpoint; no retries unless asked. */
const clientFor = (server: LocalBedrock, config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient => {
  const client = new BedrockRuntimeClient({
    endpoint: server.url,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...config,
  });
  clients.push(client);
  return client;
};

const ask = (text: string): Message[] => [{ role: 'user', content: [{ text }] }];

const converse = (client: BedrockRuntimeClient, text = QUESTION, modelId = HAIKU, maxTokens = 500) =>
  client.send(new ConverseCommand({ modelId, messages: ask(text), inferenceConfig: { maxTokens } }));

interface StreamResult {
  readonly events: ConverseStreamOutput[];
  readonly text: string;
}

/** Reads a whole ConverseStream; the events read before a failure are kept on the thrown error's `events`. */
const converseStream = async (
  client: BedrockRuntimeClient,
  { text = QUESTION, modelId = HAIKU, maxTokens = 500 }: { text?: string; modelId?: string; maxTokens?: number } = {},
  onEvent: (event: ConverseStreamOutput) => void = () => undefined,
  abortSignal?: AbortSignal,
): Promise<StreamResult> => {
  const events: ConverseStreamOutput[] = [];
  try {
    const response = await client.send(
      new ConverseStreamCommand({ modelId, messages: ask(text), inferenceConfig: { maxTokens } }),
      abortSignal ? { abortSignal } : {},
    );
    for await (const event of response.stream ?? []) {
      events.push(event);
      onEvent(event);
    }
  } catch (error) {
    throw Object.assign(error as Error, { events });
  }
  return { events, text: events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('') };
};

const failureOf = async (promise: Promise<unknown>): Promise<Error & { events?: ConverseStreamOutput[] }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { events?: ConverseStreamOutput[] };
  }
  throw new Error('expected a failure, but the call succeeded');
};

const eventTypes = (events: readonly ConverseStreamOutput[]): string[] => events.map((event) => Object.keys(event)[0] ?? '');

/** A raw HTTP/1.1 call, for what the SDK never sends (malformed JSON, unknown paths) and the control routes. */
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

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

describe.each([
  ['HTTP/2 (the SDK default handler)', undefined],
  ['HTTP/1.1 (NodeHttpHandler)', () => new NodeHttpHandler()],
])('local Bedrock over %s', (_protocol, handler) => {
  const protocolClient = (server: LocalBedrock) => clientFor(server, handler ? { requestHandler: handler() } : {});

  it('answers Converse with assistant text, end_turn and consistent usage', async () => {
    const server = await start();
    const client = protocolClient(server);

    const response = await converse(client);

    const text = response.output?.message?.content?.[0]?.text ?? '';
    expect(response.output?.message?.role).toBe('assistant');
    expect(text).toMatch(/berserk/i);
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage?.inputTokens).toBe(Math.ceil(QUESTION.length / 4));
    expect(response.usage?.outputTokens).toBeGreaterThan(10);
    expect(response.usage?.totalTokens).toBe((response.usage?.inputTokens ?? 0) + (response.usage?.outputTokens ?? 0));
    expect(response.metrics?.latencyMs).toBeGreaterThan(0);
  });

  it('streams messageStart, several deltas that add up to the Converse text, messageStop and metadata', async () => {
    const server = await start();
    const client = protocolClient(server);
    const whole = await converse(client);

    const { events, text } = await converseStream(client);

    const types = eventTypes(events);
    expect(types[0]).toBe('messageStart');
    expect(types.filter((type) => type === 'contentBlockDelta').length).toBeGreaterThan(3);
    expect(types.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(text).toBe(whole.output?.message?.content?.[0]?.text);
    expect(events.at(-2)?.messageStop?.stopReason).toBe('end_turn');
    expect(events.at(-1)?.metadata?.usage).toEqual(whole.usage);
    expect(server.stats().streams).toMatchObject({ started: 1, completed: 1, aborted: 0, active: 0 });
  });
});

describe('local Bedrock simulated models', () => {
  it('gives the same text for the same seed and a different text for another seed', async () => {
    const [first, second, other] = await Promise.all([start({ seed: 42 }), start({ seed: 42 }), start({ seed: 43 })]);

    const texts = await Promise.all(
      [first, second, other].map(async (server) => (await converse(clientFor(server))).output?.message?.content?.[0]?.text),
    );

    expect(texts[0]).toBe(texts[1]);
    expect(texts[2]).not.toBe(texts[0]);
  });

  it('caps the output at maxTokens and reports max_tokens', async () => {
    const server = await start();
    const client = clientFor(server);

    const response = await converse(client, QUESTION, SONNET, 5);
    const { events } = await converseStream(client, { modelId: SONNET, maxTokens: 5 });

    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage?.outputTokens).toBe(5);
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('max_tokens');
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBe(5);
  });

  it('answers a Japanese question in Japanese and an English one in English', async () => {
    const server = await start();
    const client = clientFor(server);
    const question = '注文した『ベルセルク』はいつ届きますか？';

    const japanese = await converse(client, question);
    const english = await converse(client, 'When will my Berserk order arrive?');

    expect(japanese.output?.message?.content?.[0]?.text).toMatch(JAPANESE);
    expect(english.output?.message?.content?.[0]?.text).not.toMatch(JAPANESE);
    // One token per CJK character, not four characters per token.
    expect(japanese.usage?.inputTokens).toBe([...question].length);
  });

  it('simulates Haiku with an earlier first token and shorter answers than Sonnet', async () => {
    const server = await start({ seed: 7 });
    const client = clientFor(server);
    const questions = Array.from({ length: 12 }, (_, index) => `Question ${index}: which manga should I read next?`);

    for (const question of questions) {
      await converse(client, question, HAIKU, 2000);
      await converse(client, question, SONNET, 2000);
    }

    const simulations = server.stats().simulations;
    const of = (profile: string) => simulations.filter((record) => record.profile === profile);
    expect(of('haiku')).toHaveLength(12);
    expect(of('sonnet')).toHaveLength(12);
    expect(mean(of('haiku').map((record) => record.timeToFirstTokenMs))).toBeLessThan(
      mean(of('sonnet').map((record) => record.timeToFirstTokenMs)),
    );
    expect(mean(of('haiku').map((record) => record.outputTokens))).toBeLessThan(mean(of('sonnet').map((record) => record.outputTokens)));
    // Every simulated first token stays within the profile's mean +- jitter (haiku 350 +- 120, sonnet 900 +- 300).
    expect(Math.max(...of('haiku').map((record) => record.timeToFirstTokenMs))).toBeLessThanOrEqual(470);
    expect(Math.min(...of('sonnet').map((record) => record.timeToFirstTokenMs))).toBeGreaterThanOrEqual(600);
  });

  it('uses profile overrides from the options, matched by modelId substring', async () => {
    const server = await start({
      models: { haiku: { timeToFirstTokenMs: { mean: 5000, jitter: 0 } }, 'my-model': { outputTokens: { mean: 3, spread: 0 } } },
    });
    const client = clientFor(server);

    await converse(client, QUESTION, HAIKU);
    await converse(client, QUESTION, 'my-model-v1');

    const [haiku, custom] = server.stats().simulations;
    expect(haiku).toMatchObject({ profile: 'haiku', timeToFirstTokenMs: 5000 });
    expect(custom?.profile).toBe('my-model');
    // A 3-token target still ends on a sentence boundary: opener and closer only.
    expect(custom?.outputTokens).toBeLessThan(40);
  });

  it('streams deltas as they are generated, not all at the end', async () => {
    const server = await start({
      latencyScale: 1,
      models: { haiku: { timeToFirstTokenMs: { mean: 0, jitter: 0 }, tokensPerSecond: 40, outputTokens: { mean: 1, spread: 0 } } },
    });
    const client = clientFor(server);
    const arrivals: number[] = [];

    await converseStream(client, { maxTokens: 12 }, (event) => {
      if (event.contentBlockDelta) arrivals.push(performance.now());
    });

    // 12 tokens at 40 tokens/s take about 300 ms; timers never fire early, so the spread is at least ~250 ms.
    expect(arrivals.length).toBeGreaterThan(3);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(200);
  });
});

describe('local Bedrock faults before the stream', () => {
  it('throttles with HTTP 429, surfaced by the SDK as ThrottlingException', async () => {
    const server = await start({ faults: { throttleNext: 1 } });

    const error = await failureOf(converse(clientFor(server)));

    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    expect(server.stats().faults.throttle).toBe(1);
  });

  it("lets the SDK's own retry recover from a single throttle", async () => {
    const server = await start({ faults: { throttleNext: 1 } });
    const client = clientFor(server, { maxAttempts: 3 });

    const response = await converse(client);

    expect(response.stopReason).toBe('end_turn');
    expect(response.$metadata.attempts).toBe(2);
    expect(server.stats().requests.byRoute.converse).toBe(2);
    expect(server.stats().faults.throttle).toBe(1);
  });

  it('fails with HTTP 500 as InternalServerException, or 503 as ServiceUnavailableException when configured', async () => {
    const server = await start({ faults: { serverErrorNext: 1 } });
    const client = clientFor(server);

    const internal = await failureOf(converseStream(client));
    server.setFaults({ serverErrorNext: 1, serverErrorStatus: 503 });
    const unavailable = await failureOf(converse(client));

    expect(internal).toBeInstanceOf(InternalServerException);
    expect(unavailable).toBeInstanceOf(ServiceUnavailableException);
    expect(server.stats().faults.serverError).toBe(2);
    expect(server.stats().streams.started).toBe(0);
  });

  it('draws fault rates from the seed: the same seed throttles the same requests', async () => {
    const [first, second] = await Promise.all([start({ seed: 5 }), start({ seed: 5 })]);
    first.setFaults({ throttleRate: 0.5 });
    second.setFaults({ throttleRate: 0.5 });
    const outcomes = async (server: LocalBedrock) => {
      const client = clientFor(server);
      const results: string[] = [];
      for (let index = 0; index < 16; index += 1) {
        results.push(await converse(client).then(() => 'ok', (error: Error) => error.name));
      }
      return results.join(',');
    };

    const [a, b] = [await outcomes(first), await outcomes(second)];

    expect(a).toBe(b);
    expect(first.stats().faults.throttle).toBeGreaterThan(0);
    expect(first.stats().faults.throttle).toBeLessThan(16);
  });
});

describe('local Bedrock faults inside the stream', () => {
  it('sends a few deltas, then an in-stream ModelStreamErrorException thrown from the async iterator', async () => {
    const server = await start({ faults: { midStreamErrorNext: 1 } });

    const error = await failureOf(converseStream(clientFor(server)));

    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect(eventTypes(error.events ?? [])).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    expect(server.stats().streams).toMatchObject({ started: 1, failed: 1, completed: 0 });
  });

  it('can throttle after HTTP 200, where SDK retries do not help', async () => {
    const server = await start({ faults: { midStreamErrorNext: 1, midStreamErrorType: 'throttlingException' } });
    const client = clientFor(server, { maxAttempts: 3 });

    const error = await failureOf(converseStream(client));

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(server.stats().requests.byRoute['converse-stream']).toBe(1);
  });

  it('hangs after a few deltas, so a client with a socket timeout fails instead of waiting forever', async () => {
    const server = await start({ faults: { hangNext: 1 } });
    // NodeHttpHandler's `requestTimeout` only warns (unless throwOnRequestTimeout) and stops at the response
    // headers; an idle limit on the socket is what ends a stream that goes quiet.
    const client = clientFor(server, { requestHandler: new NodeHttpHandler({ socketTimeout: 300 }) });

    const error = await failureOf(converseStream(client));

    expect(error.name).toBe('TimeoutError');
    expect(eventTypes(error.events ?? [])).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    const stats = await server.waitForStreamAborted(2000);
    expect(stats.faults.hang).toBe(1);
    expect(stats.streams).toMatchObject({ aborted: 1, active: 0 });
  });

  it('hangs a stream that the default HTTP/2 handler ends silently, without messageStop, at its requestTimeout', async () => {
    const server = await start({ faults: { hangNext: 1 } });
    const client = clientFor(server, { requestHandler: new NodeHttp2Handler({ requestTimeout: 300 }) });

    const { events } = await converseStream(client);

    // No error is thrown: only the missing messageStop tells the caller that the answer is incomplete.
    expect(eventTypes(events)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    await expect(server.waitForStreamAborted(2000)).resolves.toMatchObject({ streams: { aborted: 1 } });
  });

  it('never answers a hung Converse call, so the client times out', async () => {
    const server = await start({ faults: { hangNext: 1 } });
    const client = clientFor(server, { requestHandler: new NodeHttpHandler({ socketTimeout: 300 }) });

    const error = await failureOf(converse(client));

    expect(error.name).toBe('TimeoutError');
    expect(server.stats().faults.hang).toBe(1);
  });

  const slowHaiku: LocalBedrockOptions = {
    latencyScale: 1,
    models: { haiku: { timeToFirstTokenMs: { mean: 10, jitter: 0 }, tokensPerSecond: 20, outputTokens: { mean: 400, spread: 0 } } },
  };

  it('counts a stream the client aborts, and stops generating it at once', async () => {
    const server = await start(slowHaiku);
    const client = clientFor(server, { requestHandler: new NodeHttpHandler() });
    const controller = new AbortController();

    const error = await failureOf(
      converseStream(client, { maxTokens: 1000 }, (event) => {
        if (event.contentBlockDelta) controller.abort();
      }, controller.signal),
    );

    // Aborted after the response started, NodeHttpHandler's body stream fails as Node's "aborted" reset.
    expect(error).toMatchObject({ message: 'aborted', code: 'ECONNRESET' });
    const stats = await server.waitForStreamAborted(2000);
    expect(stats.streams).toMatchObject({ started: 1, aborted: 1, completed: 0, active: 0 });
    await nextTurn();
    // The 20-second generation stopped at once: its pending token timer was cancelled, not waited out.
    expect(server.stats().generating).toBe(0);
  });

  it('sees an abort through the default HTTP/2 handler too, where the SDK just ends the stream early', async () => {
    const server = await start(slowHaiku);
    const client = clientFor(server);
    const controller = new AbortController();

    const { events } = await converseStream(client, { maxTokens: 1000 }, (event) => {
      if (event.contentBlockDelta) controller.abort();
    }, controller.signal);

    // No AbortError and no messageStop: a caller must treat a stream without messageStop as cut short.
    expect(eventTypes(events)).not.toContain('messageStop');
    await expect(server.waitForStreamAborted(2000)).resolves.toMatchObject({ streams: { aborted: 1 } });
    await nextTurn();
    expect(server.stats().generating).toBe(0);
  });

  it('closes hung connections on close(), so neither clients nor the test runner are left waiting', async () => {
    const server = await start({ faults: { hangNext: 1 } });
    const client = clientFor(server, { requestHandler: new NodeHttpHandler() });
    let deltas = 0;
    let hung = (): void => undefined;
    const quiet = new Promise<void>((resolve) => (hung = resolve));
    const stream = converseStream(client, {}, (event) => {
      if (event.contentBlockDelta && ++deltas === 2) hung();
    });
    await quiet;

    await server.close();

    const error = await failureOf(stream);
    expect(error).toMatchObject({ message: 'aborted', code: 'ECONNRESET' });
    expect(server.stats().faults.hang).toBe(1);
  });
});

describe('local Bedrock validation', () => {
  it('rejects an empty messages list with ValidationException', async () => {
    const server = await start();

    const error = await failureOf(clientFor(server).send(new ConverseCommand({ modelId: HAIKU, messages: [] })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/messages/);
    expect(server.stats().requests.rejected).toBe(1);
  });

  it('answers malformed JSON and unknown paths with HTTP 400 ValidationException and a message', async () => {
    const server = await start();

    const malformed = await rawRequest(`${server.url}/model/${encodeURIComponent(HAIKU)}/converse`, 'POST', '{"messages": [');
    const unknown = await rawRequest(`${server.url}/model/${encodeURIComponent(HAIKU)}/invoke-agent`, 'POST', '{}');

    expect(malformed).toMatchObject({ status: 400, errorType: 'ValidationException', json: { message: expect.stringMatching(/JSON/) } });
    expect(unknown).toMatchObject({ status: 400, errorType: 'ValidationException', json: { message: expect.stringMatching(/Unknown/) } });
    expect(server.stats().requests.rejected).toBe(2);
  });
});

describe('local Bedrock fault configuration', () => {
  it('takes faults over HTTP and reports them in the stats route', async () => {
    const server = await start();

    const configured = await rawRequest(`${server.url}/_local/faults`, 'POST', JSON.stringify({ throttleNext: 1 }));
    const error = await failureOf(converse(clientFor(server)));
    const stats = await rawRequest(`${server.url}/_local/stats`, 'GET');

    expect(configured).toMatchObject({ status: 200, json: { throttleNext: 1, throttleRate: 0 } });
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(stats.json).toMatchObject({ faults: { throttle: 1 }, requests: { byRoute: { converse: 1 }, byModel: { [HAIKU]: 1 } } });
    expect(server.faults().throttleNext).toBe(0);
  });

  it('rejects an invalid fault configuration and keeps the previous one', async () => {
    const server = await start({ faults: { throttleRate: 0.25 } });

    const overHttp = await rawRequest(`${server.url}/_local/faults`, 'POST', JSON.stringify({ throttleRate: 2 }));

    expect(overHttp).toMatchObject({ status: 400, json: { message: expect.stringMatching(/throttleRate/) } });
    expect(() => server.setFaults({ hangNext: -1 })).toThrow(FaultConfigError);
    expect(() => server.setFaults({ midStreamErrorType: 'nope' as never })).toThrow(/midStreamErrorType/);
    expect(server.faults()).toMatchObject({ throttleRate: 0.25, hangNext: 0 });
  });
});

interface FakeUpstream {
  readonly baseUrl: string;
  readonly requests: Record<string, unknown>[];
  /** Resolves when a streamed response is closed by its client before the upstream ended it. */
  readonly clientLeft: Promise<void>;
}

/**
 * A tiny OpenAI-compatible chat server. `ok` answers "Hello from upstream" as JSON or SSE chunks; `stall` and
 * `break` send one SSE chunk, then go quiet or drop the connection; a number answers with that HTTP status.
 */
const startFakeUpstream = async (behaviour: 'ok' | 'stall' | 'break' | number = 'ok'): Promise<FakeUpstream> => {
  const requests: Record<string, unknown>[] = [];
  let leave = (): void => undefined;
  const clientLeft = new Promise<void>((resolve) => (leave = resolve));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const request = JSON.parse(body) as Record<string, unknown>;
      requests.push({ ...request, path: req.url, authorization: req.headers.authorization });
      if (typeof behaviour === 'number') {
        res.writeHead(behaviour, { 'content-type': 'application/json' }).end('{"error":"model not loaded"}');
        return;
      }
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from upstream' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 21, completion_tokens: 4 },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.on('close', () => {
        if (!res.writableEnded) leave();
      });
      const chunk = (payload: unknown, written?: () => void) => res.write(`data: ${JSON.stringify(payload)}\n\n`, written);
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] });
      if (behaviour !== 'ok') {
        // Drop the connection only once the first delta is on the wire, so the break is mid-stream.
        chunk({ choices: [{ index: 0, delta: { content: 'Hello' } }] }, () => (behaviour === 'break' ? res.socket?.destroy() : undefined));
        return;
      }
      for (const piece of ['Hello', ' from', ' upstream']) chunk({ choices: [{ index: 0, delta: { content: piece } }] });
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] });
      chunk({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 3 } });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, clientLeft };
};

describe('local Bedrock forwarding to an OpenAI-compatible server', () => {
  it('streams the upstream SSE deltas back as contentBlockDelta events, with its usage and stop reason', async () => {
    const upstream = await startFakeUpstream();
    const server = await start({ forward: { baseUrl: upstream.baseUrl, model: 'llama3.2:1b', apiKey: 'sk-local' } });

    const { events, text } = await converseStream(clientFor(server), { maxTokens: 3 });

    expect(text).toBe('Hello from upstream');
    expect(eventTypes(events).filter((type) => type === 'contentBlockDelta')).toHaveLength(3);
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('max_tokens');
    expect(events.at(-1)?.metadata?.usage).toEqual({ inputTokens: 21, outputTokens: 3, totalTokens: 24 });
    expect(upstream.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      authorization: 'Bearer sk-local',
      model: 'llama3.2:1b',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 3,
      messages: [{ role: 'user', content: QUESTION }],
    });
    expect(server.stats().forwarded).toBe(1);
  });

  it('forwards Converse without streaming, passing the system prompt first', async () => {
    const upstream = await startFakeUpstream();
    const server = await start({ forward: { baseUrl: upstream.baseUrl } });

    const response = await clientFor(server).send(
      new ConverseCommand({ modelId: HAIKU, system: [{ text: 'You are a manga shop assistant.' }], messages: ask(QUESTION) }),
    );

    expect(response.output?.message?.content?.[0]?.text).toBe('Hello from upstream');
    expect(response.usage).toEqual({ inputTokens: 21, outputTokens: 4, totalTokens: 25 });
    expect(upstream.requests[0]).toMatchObject({
      model: HAIKU,
      stream: false,
      messages: [
        { role: 'system', content: 'You are a manga shop assistant.' },
        { role: 'user', content: QUESTION },
      ],
    });
  });

  it('turns an unreachable upstream into ServiceUnavailableException and an upstream 500 into InternalServerException', async () => {
    const closed = await startFakeUpstream();
    await closers.pop()?.();
    const failing = await startFakeUpstream(500);
    const unreachable = await start({ forward: { baseUrl: closed.baseUrl } });
    const broken = await start({ forward: { baseUrl: failing.baseUrl } });

    const unavailable = await failureOf(converseStream(clientFor(unreachable)));
    const internal = await failureOf(converse(clientFor(broken)));

    expect(unavailable).toBeInstanceOf(ServiceUnavailableException);
    expect(internal).toBeInstanceOf(InternalServerException);
    expect(internal.message).toMatch(/HTTP 500/);
  });

  it('turns an upstream that drops the connection mid-stream into an in-stream InternalServerException', async () => {
    const upstream = await startFakeUpstream('break');
    const server = await start({ forward: { baseUrl: upstream.baseUrl } });

    const error = await failureOf(converseStream(clientFor(server)));

    expect(error).toBeInstanceOf(InternalServerException);
    expect(eventTypes(error.events ?? [])).toEqual(['messageStart', 'contentBlockDelta']);
    expect(server.stats().streams).toMatchObject({ started: 1, failed: 1 });
  });

  it('cancels the upstream request when the client aborts, so the upstream stops generating', async () => {
    const upstream = await startFakeUpstream('stall');
    const server = await start({ forward: { baseUrl: upstream.baseUrl } });
    const client = clientFor(server, { requestHandler: new NodeHttpHandler() });
    const controller = new AbortController();

    await failureOf(
      converseStream(client, {}, (event) => {
        if (event.contentBlockDelta) controller.abort();
      }, controller.signal),
    );

    await expect(upstream.clientLeft).resolves.toBeUndefined();
    await expect(server.waitForStreamAborted(2000)).resolves.toMatchObject({ streams: { aborted: 1 } });
  });
});
