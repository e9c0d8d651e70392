import { startLocalStack, type LocalStack } from '../../local/stack';
import { RecordingLog } from '../support/fakes';
import { OPCODES, RawWebSocket } from '../support/raw-ws';
import { TestClient } from '../support/ws-client';

/** Marks every customer text below: if any log entry holds it, text was logged. */
const SECRET_TEXT = 'zebra-cobalt-7731';
const SECRET_TEXT_JA = 'ひみつのあいことば';
/** A token the authorizer refuses (`?token=<JWT>` with a forged signature): it must never reach a log line either. */
const FORGED_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdG9rZW4tOTk0MiJ9.c2lnbmF0dXJlLW1hcmtlci01NTgx';
const CUSTOMER_ID = 'log-customer-7';

/** Everything a log entry carries, errors included (name, message, stack, cause chain), as one string to search. */
const serialize = (entries: RecordingLog['entries']): string => {
  const seen = new WeakSet<object>();
  return JSON.stringify(entries, (_key, value: unknown) => {
    if (typeof value === 'bigint') return String(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (value instanceof Error) return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
    return value;
  });
};

const startStack = (log: RecordingLog, logMessageText = false) =>
  startLocalStack({ port: 0, log, logMessageText, bedrockTimeoutMs: 1500, bedrock: { seed: 11, latencyScale: 0.05 }, routingCacheTtlMs: 0 });

describe('logs without secrets (the offline stack, every request kind, a recording logger at debug level)', () => {
  let log: RecordingLog;
  let stack: LocalStack;

  beforeAll(async () => {
    log = new RecordingLog();
    stack = await startStack(log);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('logs neither message text nor tokens, while logging who (the customer id) and how much', async () => {
    const token = stack.issuer.sign({ customerId: CUSTOMER_ID });
    await expect(TestClient.connect(`${stack.url}?token=${FORGED_TOKEN}`)).rejects.toThrow(/401/);
    const client = await TestClient.connect(`${stack.url}?token=${token}`);
    const requests: { id: string; frame: Record<string, unknown> }[] = [
      { id: 'rec', frame: { action: 'invoke', message: `Can you recommend manga like Berserk but less dark? ${SECRET_TEXT}` } },
      { id: 'order', frame: { action: 'invoke', message: `where is my order 12345 ${SECRET_TEXT}` } },
      { id: 'route', frame: { action: 'route', message: `Compare the Viz and Kodansha editions of Akira ${SECRET_TEXT_JA}` } },
      { id: 'vague', frame: { action: 'invoke', message: `${SECRET_TEXT} ${SECRET_TEXT_JA}` } },
      { id: 'long', frame: { action: 'invoke', message: `${SECRET_TEXT} `.repeat(300) } },
      { id: 'unknown', frame: { action: 'dance', message: SECRET_TEXT } },
      { id: 'session', frame: { action: 'invoke', message: `what about volume 2? ${SECRET_TEXT}`, sessionId: 'log-test-session' } },
    ];
    for (const { id, frame } of requests) {
      client.send({ ...frame, requestId: id });
      await client.waitFor((f) => f.requestId === id && f.type !== 'chunk');
    }
    // Model failures: a throttled call that falls back and a stream that breaks mid-answer both log a warning.
    stack.bedrock.setFaults({ throttleNext: 1 });
    client.send({ action: 'invoke', message: `Tell me about the ending of Frieren ${SECRET_TEXT}`, requestId: 'throttled' });
    await client.finish('throttled');
    stack.bedrock.setFaults({ throttleNext: 0, midStreamErrorNext: 1 });
    client.send({ action: 'invoke', message: `Explain the plot of Vagabond in detail ${SECRET_TEXT_JA}`, requestId: 'broken' });
    await client.finish('broken');
    stack.bedrock.setFaults({ midStreamErrorNext: 0 });
    client.send(`{"action":"invoke","message":"${SECRET_TEXT}`);
    await client.waitFor((f) => f.type === 'error' && f.code === 'invalid_json');
    // Protocol violations carrying the text: the socket closes, the warning names the violation only.
    const invalidUtf8 = await RawWebSocket.connect(`${stack.url}?token=${token}`);
    invalidUtf8.send({ opcode: OPCODES.text, payload: Buffer.concat([Buffer.from(SECRET_TEXT), Buffer.from([0xff])]) });
    expect((await invalidUtf8.closeFrameReceived()).code).toBe(1007);
    const binary = await RawWebSocket.connect(stack.url);
    binary.send({ opcode: OPCODES.binary, payload: Buffer.from(JSON.stringify({ action: 'invoke', message: SECRET_TEXT })) });
    expect((await binary.closeFrameReceived()).code).toBe(1003);
    await client.close();
    invalidUtf8.destroy();
    binary.destroy();

    const logged = serialize(log.entries);
    expect(logged).not.toContain(SECRET_TEXT);
    expect(logged).not.toContain(SECRET_TEXT_JA);
    for (const secret of [token, FORGED_TOKEN]) {
      for (const part of secret.split('.')) expect(logged).not.toContain(part);
    }
    // The entries that were written say who and how much: the principal key (the customer id) and the character count.
    const received = log.entries.filter((entry) => entry.message === 'frame received');
    expect(received.length).toBeGreaterThanOrEqual(requests.length);
    expect(received[0]?.extra).toEqual(expect.objectContaining({ principal: `customer:${CUSTOMER_ID}`, messageChars: expect.any(Number) }));
    expect(log.messages('warn')).toEqual(expect.arrayContaining(['model call failed', 'client socket closed on a protocol error']));
  });
});

describe('the offline LOG_MESSAGE_TEXT switch', () => {
  it('puts the message text in the frame received entry only when it is on', async () => {
    const log = new RecordingLog();
    const stack = await startStack(log, true);
    try {
      const client = await TestClient.connect(stack.url);
      client.send({ action: 'route', message: `hello ${SECRET_TEXT}`, requestId: 'on' });
      await client.waitFor((f) => f.requestId === 'on');
      await client.close();

      const received = log.entries.find((entry) => entry.message === 'frame received');
      expect(received?.extra).toEqual(expect.objectContaining({ messageText: `hello ${SECRET_TEXT}` }));
    } finally {
      await stack.close();
    }
  });
});
