/**
 * A fixed-latency streaming OpenAI-compatible chat server for `npm run bench:overhead`: `POST /v1/chat/completions`
 * answers after `ttftMs` with `deltas` content deltas of `deltaChars` characters, `gapMs` apart (SSE when
 * `stream: true`, one JSON completion otherwise; a forced tool gets `{}` as arguments). Its latency is fixed so
 * that what a caller adds on top of it is what the bench measures.
 *
 * Run standalone (`tsx bench/openai-stub-server.ts --ttft 50 --deltas 20 --gap 5 --delta-chars 8`) it prints
 * `listening <port>`; forked by the bench it sends `{ port }` to its parent and takes shape changes as messages.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubShape {
  /** Time to the first token (ms). */
  readonly ttftMs: number;
  readonly deltas: number;
  /** Time between deltas (ms). */
  readonly gapMs: number;
  readonly deltaChars: number;
}

export const DEFAULT_STUB_SHAPE: StubShape = { ttftMs: 50, deltas: 20, gapMs: 5, deltaChars: 8 };

const WORDS = 'the quick manga volume ships today from our tokyo store with care and a free bookmark '.split(' ').filter(Boolean);

/** `chars` characters of words, ending with a space, so deltas join into readable text. */
const deltaText = (index: number, chars: number): string => {
  let text = '';
  for (let word = index; text.length < chars; word += 1) text += `${WORDS[word % WORDS.length] ?? 'x'} `;
  return text.slice(0, chars);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const startStubServer = async (initial: StubShape, port = 0): Promise<{ server: http.Server; port: number; setShape(shape: StubShape): void }> => {
  let shape = initial;
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      void (async () => {
        if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
          response.writeHead(404).end();
          return;
        }
        let parsed: { stream?: unknown; tool_choice?: { function?: { name?: unknown } } };
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"malformed JSON"}');
          return;
        }
        const current = shape;
        const usage = { prompt_tokens: 40, completion_tokens: current.deltas };
        await sleep(current.ttftMs);
        if (parsed.stream !== true) {
          const toolName = parsed.tool_choice?.function?.name;
          const message =
            typeof toolName === 'string'
              ? { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: toolName, arguments: '{}' } }] }
              : { role: 'assistant', content: Array.from({ length: current.deltas }, (_, i) => deltaText(i, current.deltaChars)).join('') };
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message, finish_reason: 'stop' }], usage }));
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (let i = 0; i < current.deltas; i += 1) {
          if (i > 0) await sleep(current.gapMs);
          if (response.destroyed) return;
          response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: deltaText(i, current.deltaChars) }, finish_reason: null }] })}\n\n`);
        }
        response.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }], usage })}\n\n`);
        response.end('data: [DONE]\n\n');
      })();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, setShape: (next) => (shape = next) };
};

const numberArg = (args: readonly string[], name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
};

const isShape = (value: unknown): value is StubShape =>
  typeof value === 'object' && value !== null && ['ttftMs', 'deltas', 'gapMs', 'deltaChars'].every((key) => typeof (value as Record<string, unknown>)[key] === 'number');

if (require.main === module) {
  const args = process.argv.slice(2);
  const shape: StubShape = {
    ttftMs: numberArg(args, 'ttft', DEFAULT_STUB_SHAPE.ttftMs),
    deltas: numberArg(args, 'deltas', DEFAULT_STUB_SHAPE.deltas),
    gapMs: numberArg(args, 'gap', DEFAULT_STUB_SHAPE.gapMs),
    deltaChars: numberArg(args, 'delta-chars', DEFAULT_STUB_SHAPE.deltaChars),
  };
  void startStubServer(shape, numberArg(args, 'port', 0)).then((stub) => {
    if (process.send) {
      process.on('message', (message: unknown) => {
        if (isShape(message)) stub.setShape(message);
        process.send?.({ shapeSet: true });
      });
      process.on('disconnect', () => process.exit(0));
      process.send({ port: stub.port });
    } else {
      process.stdout.write(`listening ${stub.port}\n`);
    }
  });
}
