import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible chat server for the offline stack's Bedrock endpoint to forward to
 * (`bedrock.forward.baseUrl`), answering by script: the first rule whose `when` matches the customer's last message
 * streams its `deltas`, `gapMs` apart, and with `breakAfter` drops the connection after that many deltas (the
 * endpoint turns that into an in-stream exception, the gateway into `model_stream_interrupted`). Lets a test put any
 * text in a model's mouth (markup included) through the real stack.
 */
export interface ScriptRule {
  readonly when: RegExp;
  readonly deltas: readonly string[];
  readonly gapMs?: number;
  readonly breakAfter?: number;
}

export interface ScriptedModel {
  readonly baseUrl: string;
  /** Every streamed request's last user message, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const startScriptedModel = async (rules: readonly ScriptRule[], fallback: ScriptRule): Promise<ScriptedModel> => {
  const asked: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      void (async () => {
        const parsed = JSON.parse(body) as { stream?: boolean; messages?: { role: string; content: string }[] };
        const last = [...(parsed.messages ?? [])].reverse().find((message) => message.role === 'user')?.content ?? '';
        const rule = rules.find((candidate) => candidate.when.test(last)) ?? fallback;
        const usage = { prompt_tokens: 40, completion_tokens: rule.deltas.length * 4 };
        if (parsed.stream !== true) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: rule.deltas.join('') }, finish_reason: 'stop' }], usage }));
          return;
        }
        asked.push(last);
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const [index, delta] of rule.deltas.entries()) {
          if (index > 0) await sleep(rule.gapMs ?? 0);
          if (rule.breakAfter !== undefined && index >= rule.breakAfter) {
            response.destroy();
            return;
          }
          if (response.destroyed) return;
          response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: delta }, finish_reason: null }] })}\n\n`);
        }
        response.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }], usage })}\n\n`);
        response.end('data: [DONE]\n\n');
      })();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
