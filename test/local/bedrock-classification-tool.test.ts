import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BedrockIntentClassifier } from '../../lambdas/adapters/bedrock-intent-classifier';
import { MessageClassifier } from '../../lambdas/app/classify-message';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { defaultIntentClassifier } from '../../lambdas/core/intent-model';
import { createBedrockRuntimeClient } from '../../lambdas/runtime/clients/bedrock';
import { RecordingMetrics } from '../../local/console-log';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalBedrock, type LocalBedrock } from '../../local/bedrock/server';
import { silentLog } from '../support/fakes';
import { unsureMessages } from '../support/unsure-messages';

const haiku = MODEL_CATALOGS.current.haiku;

describe('the LLM classifier against the local Bedrock endpoint (deterministic stand-in)', () => {
  let bedrock: LocalBedrock;
  let client: ReturnType<typeof createBedrockRuntimeClient>;

  beforeAll(async () => {
    bedrock = await startLocalBedrock({ latencyScale: 0, seed: 3 });
    client = createBedrockRuntimeClient({ region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, endpoint: bedrock.url, requestTimeoutMs: 5000 });
  });

  afterEach(() => {
    bedrock.setFaults({ hangRate: 0, throttleRate: 0 });
  });

  afterAll(async () => {
    client.destroy();
    await bedrock.close();
  });

  it('answers the forced classification tool with a tool use holding an intent of the vocabulary', async () => {
    const oracle = new BedrockIntentClassifier(client, { modelId: haiku.modelId, timeoutMs: 2000 });
    const answer = await oracle.classify({ text: 'I want a refund for my damaged volume', signal: new AbortController().signal });
    expect(answer.input).toEqual({ intent: 'returns_refunds', confidence: expect.any(Number) });
    expect(answer.inputTokens).toBeGreaterThan(0);
    expect(answer.outputTokens).toBeGreaterThan(0);
    const japanese = await oracle.classify({ text: '返金してほしい', signal: new AbortController().signal });
    expect(japanese.input).toMatchObject({ intent: 'returns_refunds' });
  });

  it('is deterministic: the same message gets the same answer', async () => {
    const oracle = new BedrockIntentClassifier(client, { modelId: haiku.modelId, timeoutMs: 2000 });
    const signal = new AbortController().signal;
    const [a, b] = await Promise.all([oracle.classify({ text: 'hmm', signal }), oracle.classify({ text: 'hmm', signal })]);
    expect(a).toEqual(b);
  });

  it('gives up on a hung call within its timeout', async () => {
    bedrock.setFaults({ hangRate: 1 });
    const oracle = new BedrockIntentClassifier(client, { modelId: haiku.modelId, timeoutMs: 150 });
    const startedAt = performance.now();
    await expect(oracle.classify({ text: 'hmm', signal: new AbortController().signal })).rejects.toThrow();
    expect(performance.now() - startedAt).toBeLessThan(1000);
  });

  it('through the classification step: a hung model leaves the fast path within the timeout', async () => {
    bedrock.setFaults({ hangRate: 1 });
    const metrics = new RecordingMetrics();
    const classifier = new MessageClassifier({
      fast: defaultIntentClassifier(),
      oracle: new BedrockIntentClassifier(client, { modelId: haiku.modelId, timeoutMs: 5000 }),
      cheapModel: haiku,
      config: { timeoutMs: 200 },
      metrics,
      log: silentLog,
    });
    const startedAt = performance.now();
    const result = await classifier.classify(unsureMessages('ja', 1)[0] ?? '');
    expect(performance.now() - startedAt).toBeLessThan(600);
    expect(result).toMatchObject({ source: 'rules', needsLlm: true, classification: { intent: 'unknown' } });
    expect(metrics.sum('LlmFallbackFailures', { Reason: 'timeout' })).toBe(1);
  });

  it('rejects a tool choice that names no declared tool', async () => {
    const response = await fetch(`${bedrock.url}/model/${encodeURIComponent(haiku.modelId)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'a', inputSchema: { json: {} } } }], toolChoice: { tool: { name: 'b' } } },
      }),
    });
    expect(response.status).toBe(400);
  });
});

describe('the classification tool forwarded to an OpenAI-compatible server', () => {
  it('sends the tool as a forced function call and returns its arguments as the tool input', async () => {
    const bodies: Record<string, unknown>[] = [];
    let reply = { name: 'classify_intent', arguments: '{"intent":"recommendation","confidence":0.83}' };
    const upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content: null, tool_calls: [{ type: 'function', function: reply }] }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 321, completion_tokens: 12 } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    const bedrock = await startLocalBedrock({ latencyScale: 0, forward: { baseUrl: `http://127.0.0.1:${port}`, model: 'small' } });
    const client = createBedrockRuntimeClient({ region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, endpoint: bedrock.url, requestTimeoutMs: 5000 });
    try {
      const oracle = new BedrockIntentClassifier(client, { modelId: haiku.modelId, timeoutMs: 2000 });
      const answer = await oracle.classify({ text: '電車で読むのにいいものある？', signal: new AbortController().signal });
      expect(answer).toEqual({ input: { intent: 'recommendation', confidence: 0.83 }, inputTokens: 321, outputTokens: 12 });
      expect(bodies[0]).toMatchObject({
        model: 'small',
        tool_choice: { type: 'function', function: { name: 'classify_intent' } },
        tools: [{ type: 'function', function: { name: 'classify_intent', parameters: { properties: { intent: { enum: expect.arrayContaining(['recommendation']) } } } } }],
      });

      // Arguments that are not JSON reach the gateway as text: its validation rejects them and the fast path stands.
      reply = { name: 'classify_intent', arguments: 'recommendation, I think' };
      const metrics = new RecordingMetrics();
      const classifier = new MessageClassifier({ fast: defaultIntentClassifier(), oracle, cheapModel: haiku, metrics, log: silentLog });
      const [vague] = unsureMessages('en', 1);
      const fastAnswer = defaultIntentClassifier().classify(vague ?? '');
      expect(fastAnswer.intent).not.toBe('recommendation');
      const result = await classifier.classify(vague ?? '');
      expect(result).toMatchObject({ source: 'rules', classification: fastAnswer });
      expect(metrics.sum('LlmFallbackFailures', { Reason: 'malformed_json' })).toBe(1);
    } finally {
      client.destroy();
      await bedrock.close();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
