import { connect } from 'node:net';
import type { ErrorReply } from '../../lambdas/core/protocol';
import { BINARY_FRAME_CLOSE_REASON } from '../../local/websocket-emulator';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { RecordingLog } from '../support/fakes';
import { OPCODES, RawWebSocket, type RawFrame } from '../support/raw-ws';
import { TestClient } from '../support/ws-client';

/**
 * Frame fuzzing against the offline stack through real sockets (issue 9, item 8): whatever one client sends, the
 * server keeps serving everyone else, and the sender's own connection keeps working wherever the WebSocket protocol
 * lets it stay open. Malformed JSON gets an `error` frame on an open connection; a protocol violation closes that
 * socket alone with its RFC 6455 code.
 */
describe('frame fuzzing against the offline stack', () => {
  let stack: LocalStack;
  let log: RecordingLog;
  let checks = 0;

  beforeAll(async () => {
    log = new RecordingLog();
    // The default model timeout (10 s): under the flood the event loop is busy, and a model timeout is not what this tests.
    stack = await startLocalStack({ port: 0, log, bedrock: { seed: 5, latencyScale: 0.05 }, routingCacheTtlMs: 0, llmClassifier: false });
  });

  afterAll(async () => {
    await stack.close();
  });

  /** A different client, connected now, gets its answer: the server is alive and serving. */
  const anotherClientIsAnswered = async (): Promise<void> => {
    checks += 1;
    const requestId = `bystander-${checks}`;
    const bystander = await TestClient.connect(stack.url);
    try {
      bystander.send({ action: 'invoke', message: 'hello', requestId });
      const frames = await bystander.finish(requestId);
      expect(frames.at(-1)).toMatchObject({ type: 'done', requestId });
    } finally {
      await bystander.close();
    }
  };

  /** The same connection still answers a valid frame after the bad one. */
  const stillAnswers = async (client: TestClient, requestId: string): Promise<void> => {
    client.send({ action: 'route', message: 'where is my order 12345', requestId });
    await expect(client.waitFor((f) => f.requestId === requestId)).resolves.toMatchObject({ type: 'route' });
  };


  describe('frames the protocol allows: an error frame, the connection stays open', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const cases: [string, ErrorReply['code'], string][] = [
      ['plain text', 'invalid_json', 'hello, is anyone there?'],
      ['truncated JSON', 'invalid_json', '{"action":"invoke","message":"hi"'],
      ['JSON null', 'invalid_frame', 'null'],
      ['a JSON string', 'invalid_frame', '"invoke"'],
      ['a JSON number', 'invalid_frame', '1e400'],
      ['a JSON array of frames', 'invalid_frame', '[{"action":"invoke","message":"hi"}]'],
      ['an action that is an object', 'invalid_frame', '{"action":{"action":"invoke"},"message":"hi"}'],
      ['a message that is an object', 'missing_message', '{"action":"invoke","message":{"text":"hi"}}'],
      ['a message that is an array', 'missing_message', '{"action":"invoke","message":["hi"]}'],
      ['JSON nested 60,000 deep', 'invalid_frame', deep(60_000)],
      ['an action nested 30,000 deep', 'invalid_frame', `{"action":${deep(30_000)},"message":"hi"}`],
      ['the action "constructor"', 'unknown_action', '{"action":"constructor","message":"hi"}'],
      ['the action "toString"', 'unknown_action', '{"action":"toString","message":"hi"}'],
      ['the action "hasOwnProperty"', 'unknown_action', '{"action":"hasOwnProperty","message":"hi"}'],
      ['the action "valueOf"', 'unknown_action', '{"action":"valueOf","message":"hi"}'],
      ['the action "__proto__"', 'unknown_action', '{"action":"__proto__","message":"hi"}'],
      ['the action "__defineGetter__"', 'unknown_action', '{"action":"__defineGetter__","message":"hi"}'],
      ['the action "$default"', 'unknown_action', '{"action":"$default","message":"hi"}'],
      ['the action "$connect"', 'unknown_action', '{"action":"$connect","message":"hi"}'],
      ['an action only in __proto__', 'invalid_frame', '{"__proto__":{"action":"invoke"},"message":"hi"}'],
      ['a 129-character requestId', 'invalid_frame', JSON.stringify({ action: 'invoke', message: 'hi', requestId: 'r'.repeat(129) })],
      ['a 100,000-character sessionId', 'invalid_frame', JSON.stringify({ action: 'invoke', message: 'hi', sessionId: 's'.repeat(100_000) })],
      ['a requestId with a newline', 'invalid_frame', JSON.stringify({ action: 'invoke', message: 'hi', requestId: 'a\nb' })],
      ['a numeric sessionId', 'invalid_frame', '{"action":"invoke","message":"hi","sessionId":12345}'],
      ['a lone surrogate escape', 'invalid_frame', '{"action":"invoke","message":"hi \\ud800"}'],
      ['a lone low surrogate escape', 'invalid_frame', '{"action":"route","message":"\\udfff\\ud800"}'],
      ['4,001 characters', 'message_too_long', JSON.stringify({ action: 'invoke', message: 'あ'.repeat(4001) })],
      ['a 200 KB frame', 'frame_too_large', JSON.stringify({ action: 'invoke', message: 'x'.repeat(200 * 1024) })],
      ['an empty frame', 'invalid_frame', ''],
      ['a NUL byte', 'invalid_json', '\u0000'],
    ];

    it.each(cases)('%s gets %s; the connection and the server keep working', async (_name, code, body) => {
      const client = await TestClient.connect(stack.url);
      try {
        client.send(body);

        const error = await client.waitFor((f) => f.type === 'error');

        expect(error).toMatchObject({ type: 'error', code, message: expect.any(String) });
        await stillAnswers(client, 'after');
        await anotherClientIsAnswered();
      } finally {
        await client.close();
      }
    });

    it('answers prototype-polluting fields as data: nothing leaks into Object.prototype', async () => {
      const client = await TestClient.connect(stack.url);
      try {
        client.send('{"action":"invoke","message":"hello","requestId":"polluter","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');

        await expect(client.finish('polluter')).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ type: 'done' })]));
        expect((({}) as Record<string, unknown>)['polluted']).toBeUndefined();
      } finally {
        await client.close();
      }
    });

    it('answers 2,001 emoji (4,002 UTF-16 units) as within the 4,000-character limit', async () => {
      const client = await TestClient.connect(stack.url);
      try {
        client.send({ action: 'route', message: '😀'.repeat(2001), requestId: 'emoji' });

        await expect(client.waitFor((f) => f.requestId === 'emoji')).resolves.toMatchObject({ type: 'route' });
      } finally {
        await client.close();
      }
    });

    it('answers a valid frame whose ignored field is deeply nested JSON', async () => {
      const client = await TestClient.connect(stack.url);
      try {
        client.send(`{"action":"route","message":"hello","requestId":"deep-extra","extra":${deep(50_000)}}`);

        await expect(client.waitFor((f) => f.requestId === 'deep-extra')).resolves.toMatchObject({ type: 'route' });
      } finally {
        await client.close();
      }
    });
  });

  describe('protocol violations over a raw socket: that socket closes with its code, nobody else notices', () => {
    const text = (payload: string | Buffer): RawFrame => ({ opcode: OPCODES.text, payload: typeof payload === 'string' ? Buffer.from(payload) : payload });
    const cases: [string, number, RawFrame[]][] = [
      ['a text frame with invalid UTF-8', 1007, [text(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]))]],
      ['a UTF-8-encoded lone surrogate (CESU)', 1007, [text(Buffer.from([0xed, 0xa0, 0x80]))]],
      ['an overlong UTF-8 encoding', 1007, [text(Buffer.from([0xc0, 0xaf]))]],
      ['invalid UTF-8 split across fragments', 1007, [{ ...text(Buffer.from([0xe3, 0x81])), fin: false }, { opcode: OPCODES.continuation, payload: Buffer.from([0x41]) }]],
      ['an unmasked client frame', 1002, [{ ...text('{"action":"route","message":"hi"}'), masked: false }]],
      ['reserved opcode 0x3', 1002, [{ opcode: 0x3, payload: Buffer.from('x') }]],
      ['reserved control opcode 0xB', 1002, [{ opcode: 0xb }]],
      ['RSV1 set without an extension', 1002, [{ ...text('{}'), rsv: 4 }]],
      ['a fragmented ping', 1002, [{ opcode: OPCODES.ping, fin: false }]],
      ['a ping over 125 bytes', 1002, [{ opcode: OPCODES.ping, payload: Buffer.alloc(126) }]],
      ['a continuation with nothing to continue', 1002, [{ opcode: OPCODES.continuation, payload: Buffer.from('x') }]],
      ['a new text frame inside a fragmented one', 1002, [{ ...text('{"a'), fin: false }, text('b')]],
      ['a close frame with an invalid code', 1002, [{ opcode: OPCODES.close, payload: Buffer.from([0x03, 0xe7]) }]],
      ['a frame over 512 KB', 1009, [text(Buffer.alloc(513 * 1024, 0x20))]],
      ['a header announcing 2^62 bytes', 1009, [{ opcode: OPCODES.text, announcedLength: 2n ** 62n }]],
      ['a header announcing 2^63 - 1 bytes', 1009, [{ opcode: OPCODES.binary, announcedLength: 2n ** 63n - 1n }]],
      ['a fragmented message growing past 512 KB', 1009, [{ ...text(Buffer.alloc(300 * 1024, 0x20)), fin: false }, { opcode: OPCODES.continuation, payload: Buffer.alloc(300 * 1024, 0x20) }]],
      ['a binary frame holding a valid invoke', 1003, [{ opcode: OPCODES.binary, payload: Buffer.from('{"action":"invoke","message":"hello"}') }]],
    ];

    it.each(cases)('%s closes with %i', async (_name, code, frames) => {
      const attacker = await RawWebSocket.connect(stack.url);
      const before = stack.emulator.stats().connections;
      for (const frame of frames) attacker.send(frame);

      const close = await attacker.closeFrameReceived();

      expect(close.code).toBe(code);
      // ws names no reason for a protocol error; the binary refusal says what to do instead.
      expect(close.reason).toBe(code === 1003 ? BINARY_FRAME_CLOSE_REASON : '');
      expect(attacker.messages).toEqual([]);
      await attacker.closed();
      await anotherClientIsAnswered();
      expect(stack.emulator.stats().connections).toBeLessThanOrEqual(before);
    });

    it('survives bytes that are not WebSocket frames at all, and a frame cut off mid-way', async () => {
      const garbage = await RawWebSocket.connect(stack.url);
      garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      const truncated = await RawWebSocket.connect(stack.url);
      truncated.write(Buffer.from([0x81, 0xfe, 0x10]));
      truncated.destroy();

      const close = await garbage.closeFrameReceived();
      await anotherClientIsAnswered();
      garbage.destroy();

      expect(close.code).toBe(1002);
    });

    it('survives a handshake that is garbage, and a client that resets during $connect', async () => {
      const before = stack.emulator.stats().connections;
      const answer = await new Promise<string>((resolve) => {
        let received = '';
        const socket = connect(Number(new URL(stack.url).port), '127.0.0.1', () => {
          socket.write('\u0000\u0001 this is not HTTP\r\n\r\n');
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString();
          socket.destroy();
        });
      });
      await new Promise<void>((resolve) => {
        const socket = connect(Number(new URL(stack.url).port), '127.0.0.1', () => {
          socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => undefined);
      });

      await anotherClientIsAnswered();

      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(stack.emulator.stats().connections).toBe(before);
    });
  });

  describe('one hostile socket does not stop the others', () => {
    it('a flood of garbage frames on one socket does not stop another client from getting its answer', async () => {
      const flooder = await RawWebSocket.connect(stack.url);
      const bystander = await TestClient.connect(stack.url);
      try {
        for (let i = 0; i < 1000; i += 1) {
          flooder.sendText(i % 2 === 0 ? `garbage ${i} {{{` : JSON.stringify({ action: 'constructor', requestId: `flood-${i}` }));
        }
        bystander.send({ action: 'invoke', message: 'Can you recommend manga like Berserk but less dark?', requestId: 'during-flood' });

        const frames = await bystander.finish('during-flood', 25_000);

        expect(frames.at(-1)).toMatchObject({ type: 'done', requestId: 'during-flood' });
        // The flooder itself was answered (error frames), not dropped or crashed.
        expect(flooder.messages.length).toBeGreaterThan(0);
      } finally {
        flooder.destroy();
        await bystander.close();
      }
    });
  });

  describe('afterwards', () => {
    it('logged each protocol violation as a warning, and no handler ever threw', () => {
      expect(log.messages('warn').filter((message) => message === 'client socket closed on a protocol error').length).toBeGreaterThanOrEqual(17);
      expect(log.messages('error')).not.toContain('handler threw');
    });
  });
});
