import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ValidationException,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { BedrockModelClient, GUARDRAIL_STREAM_PROCESSING_MODE } from '../../lambdas/adapters/bedrock-model-client';
import type { ModelStreamEvent } from '../../lambdas/ports';
import { DEFAULT_OUTPUT_TRIGGER, startLocalBedrock, type LocalBedrock, type LocalBedrockOptions } from '../../local/bedrock/server';

const HAIKU = 'jp.anthropic.claude-haiku-4-5-20251001-v1:0';
const GUARDRAIL = { guardrailIdentifier: 'abc123def456', guardrailVersion: '1' };

const servers: LocalBedrock[] = [];
const clients: BedrockRuntimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const start = async (options: LocalBedrockOptions = {}) => {
  const server = await startLocalBedrock({ latencyScale: 0, ...options });
  servers.push(server);
  const client = new BedrockRuntimeClient({ endpoint: server.url, region: 'ap-northeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  clients.push(client);
  return { server, client };
};

const streamRaw = async (client: BedrockRuntimeClient, input: Partial<ConverseStreamCommandInput> & { text: string }): Promise<ConverseStreamOutput[]> => {
  const { text, ...rest } = input;
  const response = await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 300 }, ...rest }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of response.stream ?? []) events.push(event);
  return events;
};

const streamAdapter = async (client: BedrockRuntimeClient, text: string, guardrail = true): Promise<ModelStreamEvent[]> => {
  const model = new BedrockModelClient(client, { streamIdleTimeoutMs: 5000, ...(guardrail && { guardrail: { identifier: 'localguardrail', version: '1' } }) });
  const events: ModelStreamEvent[] = [];
  for await (const event of model.stream({ modelId: HAIKU, system: 'You are a manga store assistant.', messages: [{ role: 'user', text }], maxTokens: 300, signal: new AbortController().signal })) {
    events.push(event);
  }
  return events;
};

const stopOf = (events: readonly ModelStreamEvent[]) => events.find((event) => event.type === 'stop');
const usageOf = (events: readonly ModelStreamEvent[]) => events.find((event) => event.type === 'usage');
const textOf = (events: readonly ModelStreamEvent[]) => events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');

describe('local Bedrock endpoint: guardrails', () => {
  it('blocks a message with a denied word before any model runs: the blocked message, guardrail_intervened, input billed', async () => {
    // Prepare
    const { server, client } = await start();

    // Act
    const events = await streamAdapter(client, 'Where can I get a torrent of One Piece?');

    // Assess
    expect(stopOf(events)).toEqual({ type: 'stop', reason: 'guardrail_intervened' });
    expect(textOf(events)).toBe("Sorry, I can't help with that request.");
    expect(usageOf(events)).toEqual({ type: 'usage', inputTokens: expect.any(Number), outputTokens: 0 });
    expect((usageOf(events) as { inputTokens: number }).inputTokens).toBeGreaterThan(0);
    expect(server.stats().guardrail).toEqual({ requests: 1, interventions: 1 });
    expect(server.stats().simulations).toEqual([]);
  });

  it('lets the answer start and blocks it mid-stream on the output trigger, billing the output generated so far', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const events = await streamAdapter(client, `Tell me about Berserk ${DEFAULT_OUTPUT_TRIGGER}`);

    // Assess
    expect(stopOf(events)).toEqual({ type: 'stop', reason: 'guardrail_intervened' });
    expect(events.filter((event) => event.type === 'text').length).toBeGreaterThan(1);
    expect(textOf(events).endsWith("Sorry, I can't help with that request.")).toBe(true);
    expect((usageOf(events) as { outputTokens: number }).outputTokens).toBeGreaterThan(0);
  });

  it('blocks nothing for a caller that sends no guardrail, and passes ordinary messages that do', async () => {
    // Prepare
    const { server, client } = await start();

    // Act
    const unguarded = await streamAdapter(client, 'Where can I get a torrent of One Piece?', false);
    const ordinary = await streamAdapter(client, 'When does the next Berserk volume ship?');

    // Assess
    expect(stopOf(unguarded)).toEqual({ type: 'stop', reason: 'end_turn' });
    expect(stopOf(ordinary)).toEqual({ type: 'stop', reason: 'end_turn' });
    expect(server.stats().guardrail).toEqual({ requests: 1, interventions: 0 });
  });

  it('takes its denied words from the options (deterministic: the same message is blocked every time)', async () => {
    // Prepare
    const { client } = await start({ guardrail: { deniedWords: ['Spoiler'] } });

    // Act
    const first = await streamAdapter(client, 'give me a SPOILER for the last chapter');
    const again = await streamAdapter(client, 'give me a SPOILER for the last chapter');
    const torrent = await streamAdapter(client, 'a torrent please');

    // Assess
    expect(stopOf(first)).toEqual({ type: 'stop', reason: 'guardrail_intervened' });
    expect(again).toEqual(first);
    expect(stopOf(torrent)).toEqual({ type: 'stop', reason: 'end_turn' });
  });

  it('adds the guardrail trace to the metadata event when the request asks for it', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const events = await streamRaw(client, { text: 'guardrail-test-block', guardrailConfig: { ...GUARDRAIL, trace: 'enabled', streamProcessingMode: 'sync' } });
    const metadata = events.find((event) => event.metadata)?.metadata;

    // Assess
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('guardrail_intervened');
    expect(metadata?.trace?.guardrail?.inputAssessment?.[GUARDRAIL.guardrailIdentifier]?.topicPolicy?.topics?.[0]).toMatchObject({ type: 'DENY', action: 'BLOCKED' });
  });

  it('answers Converse (no stream) with the blocked message and guardrail_intervened too', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const response = await client.send(
      new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: '海賊版はどこ？' }] }], inferenceConfig: { maxTokens: 100 }, guardrailConfig: GUARDRAIL }),
    );

    // Assess
    expect(response.stopReason).toBe('guardrail_intervened');
    expect(response.output?.message?.content?.[0]?.text).toBe("Sorry, I can't help with that request.");
    expect(response.usage?.outputTokens).toBe(0);
  });

  it.each([
    ['an identifier with upper case and punctuation', { guardrailIdentifier: 'My_Guardrail!', guardrailVersion: '1' }, /guardrailIdentifier/],
    ['an ARN of another resource type', { guardrailIdentifier: 'arn:aws:bedrock:ap-northeast-1:123456789012:model/abc', guardrailVersion: '1' }, /guardrailIdentifier/],
    ['version 0', { guardrailIdentifier: 'abc123', guardrailVersion: '0' }, /guardrailVersion/],
    ['version "v1"', { guardrailIdentifier: 'abc123', guardrailVersion: 'v1' }, /guardrailVersion/],
    ['no version', { guardrailIdentifier: 'abc123' }, /guardrailVersion/],
    ['an unknown stream mode', { ...GUARDRAIL, streamProcessingMode: 'later' }, /streamProcessingMode/],
    ['an unknown trace', { ...GUARDRAIL, trace: 'verbose' }, /trace/],
  ])('refuses %s with a ValidationException, and keeps serving', async (_name, guardrailConfig, message) => {
    // Prepare
    const { client } = await start();

    // Act
    const refused = streamRaw(client, { text: 'hello', guardrailConfig: guardrailConfig as ConverseStreamCommandInput['guardrailConfig'] });

    // Assess
    await expect(refused).rejects.toBeInstanceOf(ValidationException);
    await expect(refused).rejects.toThrow(message);
    expect((await streamRaw(client, { text: 'hello', guardrailConfig: GUARDRAIL })).some((event) => event.messageStop)).toBe(true);
  });

  it('accepts a guardrail ARN and DRAFT, as Bedrock does', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const events = await streamRaw(client, {
      text: 'hello',
      guardrailConfig: { guardrailIdentifier: 'arn:aws:bedrock:ap-northeast-1:123456789012:guardrail/abc123', guardrailVersion: 'DRAFT' },
    });

    // Assess
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('end_turn');
  });
});

describe('BedrockModelClient with a guardrail', () => {
  /** A runtime client that records the command it is sent and answers with an empty, well-formed stream. */
  const recordingClient = () => {
    const sent: ConverseStreamCommandInput[] = [];
    const client = {
      send: async (command: ConverseStreamCommand) => {
        sent.push(command.input);
        return {
          stream: (async function* () {
            yield { messageStop: { stopReason: 'end_turn' } };
            yield { metadata: { usage: { inputTokens: 1, outputTokens: 1 } } };
          })(),
        };
      },
    } as unknown as BedrockRuntimeClient;
    return { client, sent };
  };

  const drain = async (model: BedrockModelClient) => {
    for await (const event of model.stream({ modelId: HAIKU, system: 's', messages: [{ role: 'user', text: 'hi' }], maxTokens: 10, signal: new AbortController().signal })) void event;
  };

  it('sends the guardrail id, version and the sync stream mode with every call', async () => {
    // Prepare
    const { client, sent } = recordingClient();

    // Act
    await drain(new BedrockModelClient(client, { streamIdleTimeoutMs: 1000, guardrail: { identifier: 'abc123', version: '7' } }));

    // Assess
    expect(GUARDRAIL_STREAM_PROCESSING_MODE).toBe('sync');
    expect(sent[0]?.guardrailConfig).toEqual({ guardrailIdentifier: 'abc123', guardrailVersion: '7', streamProcessingMode: 'sync' });
  });

  it('sends no guardrailConfig without a guardrail', async () => {
    // Prepare
    const { client, sent } = recordingClient();

    // Act
    await drain(new BedrockModelClient(client, { streamIdleTimeoutMs: 1000 }));

    // Assess
    expect(sent[0]).not.toHaveProperty('guardrailConfig');
  });
});
