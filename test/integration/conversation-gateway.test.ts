import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signedInUrl } from '../support/auth';
import { LOCAL_CREDENTIALS } from '../../local/dynamo';
import type { DoneReply } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { silentLog } from '../support/fakes';
import { TestClient, textOf } from '../support/ws-client';
import { delimitUntrusted } from '../../lambdas/core/prompts';

interface ChatRequest {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
}

/**
 * An OpenAI-compatible chat server the local Bedrock endpoint forwards to (LOCAL_BEDROCK_FORWARD_URL's path): it
 * records every request, so the test sees the messages the gateway sent to the model, and streams a fixed answer.
 */
const startRecordingChatServer = async (answer: (request: ChatRequest) => string) => {
  const requests: ChatRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as ChatRequest;
      requests.push(request);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = answer(request);
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 50, completion_tokens: 10 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** Conversation memory end to end: real WebSocket, the emulated API Gateway, dynalite, the Bedrock wire protocol. */
describe('conversation memory over a real WebSocket', () => {
  let chat: Awaited<ReturnType<typeof startRecordingChatServer>>;
  let stack: LocalStack;

  beforeAll(async () => {
    chat = await startRecordingChatServer((request) => (request.messages.length > 2 ? 'The second one is Vinland Saga volume 2.' : 'Try Vinland Saga, then Claymore.'));
    stack = await startLocalStack({ port: 0, log: silentLog, bedrockTimeoutMs: 3000, bedrock: { forward: { baseUrl: chat.url } }, routingCacheTtlMs: 0 });
  });

  afterAll(async () => {
    await stack.close();
    await chat.close();
  });

  /** The chat messages of the forwarded model calls, without the system prompt. */
  const conversationOf = (index: number) => chat.requests[index]?.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]);

  it("sends the first exchange with a follow-up in the connection's session and routes it as a follow-up", async () => {
    const client = await TestClient.connect(stack.url);
    try {
      const first = 'Can you recommend manga like Berserk but less dark and more hopeful?';
      const before = chat.requests.length;
      client.send({ action: 'invoke', message: first, requestId: 'conv-1' });
      const firstFrames = await client.finish('conv-1');
      client.send({ action: 'invoke', message: 'what about the second one?', requestId: 'conv-2' });
      const secondFrames = await client.finish('conv-2');

      expect(firstFrames.at(-1)).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'sonnet' });
      // Every customer turn reaches the model delimited as untrusted data.
      expect(conversationOf(before)).toEqual([['user', delimitUntrusted(first)]]);
      expect(conversationOf(before + 1)).toEqual([
        ['user', delimitUntrusted(first)],
        ['assistant', 'Try Vinland Saga, then Claymore.'],
        ['user', delimitUntrusted('what about the second one?')],
      ]);
      const done = secondFrames.at(-1) as DoneReply;
      expect(done).toMatchObject({ type: 'done', intent: 'recommendation', tier: 'sonnet' });
      expect(done.reasons).toContain('follow_up:recommendation');
      expect(textOf(secondFrames)).toBe('The second one is Vinland Saga volume 2.');
    } finally {
      await client.close();
    }
  });

  it("continues a named session of the same customer from another connection (Japanese follow-up) and stores turns with the session's TTL", async () => {
    const sessionId = 'conv-session-0001';
    // A session belongs to its principal: only the same signed-in customer can continue it on another connection.
    const first = await TestClient.connect(signedInUrl(stack, 'conv-customer'));
    const question = 'ベルセルクに似たおすすめの漫画を教えてください。暗すぎないものがいいです。';
    try {
      first.send({ action: 'invoke', message: question, sessionId, requestId: 'ja-1' });
      expect((await first.finish('ja-1')).at(-1)).toMatchObject({ type: 'done', intent: 'recommendation' });
    } finally {
      await first.close();
    }
    const second = await TestClient.connect(signedInUrl(stack, 'conv-customer'));
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    try {
      const before = chat.requests.length;
      second.send({ action: 'invoke', message: '2つ目は？', sessionId, requestId: 'ja-2' });
      const done = (await second.finish('ja-2')).at(-1) as DoneReply;

      expect(done.reasons).toContain('follow_up:recommendation');
      expect(conversationOf(before)?.[0]).toEqual(['user', delimitUntrusted(question)]);
      const readTurns = async () => {
        const { Items = [] } = await documents.send(
          new QueryCommand({ TableName: stack.tables.sessions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SESSION#${sessionId}` } }),
        );
        return Items.filter((item) => String(item['sk']).startsWith('TURN#'));
      };
      // The exchange is stored just after its done frame.
      let turns = await readTurns();
      for (let attempt = 0; turns.length < 4 && attempt < 50; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        turns = await readTurns();
      }
      expect(turns.map((item) => [item['role'], item['requestId']])).toEqual([
        ['user', 'ja-1'],
        ['assistant', 'ja-1'],
        ['user', 'ja-2'],
        ['assistant', 'ja-2'],
      ]);
      const nowSeconds = Date.now() / 1000;
      for (const turn of turns) expect(turn['expiresAt']).toBeGreaterThan(nowSeconds + 2 * 3600);
    } finally {
      documents.destroy();
      await second.close();
    }
  });
});
