import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DoneReply, ServerFrame } from '../../lambdas/core/protocol';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { DEMO_CUSTOMERS, LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { signedInUrl } from '../support/auth';
import { silentLog } from '../support/fakes';
import { TestClient } from '../support/ws-client';

/**
 * The feedback path end to end: a real WebSocket, the emulated API Gateway routing `feedback` by action, the answer
 * recorded in dynalite's Sessions table by the invoke route, the rating stored there and published to the stack's
 * metrics recorder (what EMF carries to CloudWatch in AWS).
 */
describe('feedback over a real WebSocket', () => {
  let stack: LocalStack;
  let documents: ReturnType<typeof createDocumentClient>;
  const [alice, bob] = DEMO_CUSTOMERS;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, log: silentLog, bedrockTimeoutMs: 3000, bedrock: { seed: 5, latencyScale: 0.05 }, routingCacheTtlMs: 0 });
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  });

  afterAll(async () => {
    documents.destroy();
    await stack.close();
  });

  const feedbackMetrics = () => stack.metrics.records.filter((record) => record.name === 'Feedback' || record.name === 'Csat');
  /** The one reply to a feedback frame: its ack or its error. */
  const replyTo = async (client: TestClient, requestId: string): Promise<ServerFrame[]> => {
    const seen = client.frames.length;
    await client.waitFor((frame) => client.frames.indexOf(frame) >= seen && frame.requestId === requestId && (frame.type === 'feedback_ack' || frame.type === 'error'));
    return client.frames.slice(seen).filter((frame) => frame.requestId === requestId);
  };
  const answerItem = async (sessionId: string, requestId: string) =>
    (await documents.send(new GetCommand({ TableName: stack.tables.sessions, Key: { pk: `SESSION#${sessionId}`, sk: `ANSWER#${requestId}` } }))).Item;

  it('acknowledges a rating of an answer and publishes it under its intent and tier; a second rating is refused and not counted', async () => {
    const client = await TestClient.connect(signedInUrl(stack, alice, { sessionId: 'fb-session-alice' }));
    try {
      client.send({ action: 'invoke', message: 'Can you recommend manga like Berserk but less dark?', requestId: 'fb-1' });
      const done = (await client.finish('fb-1')).at(-1) as DoneReply;
      expect(done.type).toBe('done');
      const before = feedbackMetrics().length;

      // Sent right after (one frame at a time is not required): the record was written before `done` left.
      client.send({ action: 'feedback', requestId: 'fb-1', rating: 'up', csat: 5 });
      expect(await replyTo(client, 'fb-1')).toEqual([{ type: 'feedback_ack', requestId: 'fb-1', rating: 'up', csat: 5 }]);

      expect(feedbackMetrics().slice(before)).toEqual([
        { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: done.intent, Rating: 'up' } },
        { name: 'Feedback', value: 1, unit: 'Count', dimensions: { Intent: done.intent, Tier: done.tier, Rating: 'up' } },
        { name: 'Csat', value: 5, unit: 'None', dimensions: {} },
      ]);
      expect(await answerItem('fb-session-alice', 'fb-1')).toMatchObject({ intent: done.intent, tier: done.tier, owner: `customer:${alice}`, rating: 'up', csat: 5 });

      client.send({ action: 'feedback', requestId: 'fb-1', rating: 'down' });
      expect(await replyTo(client, 'fb-1')).toEqual([expect.objectContaining({ type: 'error', requestId: 'fb-1', code: 'already_rated' })]);
      expect(feedbackMetrics()).toHaveLength(before + 3);
      expect(await answerItem('fb-session-alice', 'fb-1')).toMatchObject({ rating: 'up', csat: 5 });
    } finally {
      await client.close();
    }
  });

  it("refuses another customer's requestId, from their connection or naming the session, and changes nothing", async () => {
    const owner = await TestClient.connect(signedInUrl(stack, alice, { sessionId: 'fb-session-owner' }));
    const other = await TestClient.connect(signedInUrl(stack, bob));
    try {
      owner.send({ action: 'invoke', message: 'hello', requestId: 'fb-owned' });
      expect((await owner.finish('fb-owned')).at(-1)).toMatchObject({ type: 'done' });
      const before = feedbackMetrics().length;

      other.send({ action: 'feedback', requestId: 'fb-owned', rating: 'down' });
      expect(await replyTo(other, 'fb-owned')).toEqual([expect.objectContaining({ type: 'error', code: 'unknown_request' })]);
      other.send({ action: 'feedback', requestId: 'fb-owned', rating: 'down', csat: 1, sessionId: 'fb-session-owner' });
      expect(await replyTo(other, 'fb-owned')).toEqual([expect.objectContaining({ type: 'error', code: 'unknown_request' })]);

      expect(feedbackMetrics()).toHaveLength(before);
      expect(await answerItem('fb-session-owner', 'fb-owned')).not.toHaveProperty('rating');
      // The owner can still rate it: the refusals left it untouched.
      owner.send({ action: 'feedback', requestId: 'fb-owned', rating: 'up' });
      expect(await replyTo(owner, 'fb-owned')).toEqual([{ type: 'feedback_ack', requestId: 'fb-owned', rating: 'up' }]);
    } finally {
      await owner.close();
      await other.close();
    }
  });

  it('refuses an unknown requestId and a malformed rating with clear errors, and the connection keeps serving', async () => {
    const client = await TestClient.connect(stack.url);
    try {
      const before = feedbackMetrics().length;
      client.send({ action: 'feedback', requestId: 'fb-never-asked', rating: 'up' });
      expect(await replyTo(client, 'fb-never-asked')).toEqual([expect.objectContaining({ type: 'error', code: 'unknown_request' })]);
      client.send({ action: 'feedback', requestId: 'fb-bad', rating: 'great', csat: 9 });
      expect(await replyTo(client, 'fb-bad')).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_frame', message: expect.stringContaining('rating') })]);
      client.send({ action: 'feedback', requestId: 'fb-bad-csat', rating: 'up', csat: 9 });
      expect(await replyTo(client, 'fb-bad-csat')).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_frame', message: expect.stringContaining('csat') })]);
      expect(feedbackMetrics()).toHaveLength(before);

      // A guest rates its own answer in its connection's session.
      client.send({ action: 'invoke', message: 'hello', requestId: 'fb-guest' });
      await client.finish('fb-guest');
      client.send({ action: 'feedback', requestId: 'fb-guest', rating: 'down', csat: 2 });
      expect(await replyTo(client, 'fb-guest')).toEqual([{ type: 'feedback_ack', requestId: 'fb-guest', rating: 'down', csat: 2 }]);
    } finally {
      await client.close();
    }
  });
});
