import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { toolUseId, type ToolReplySource } from './classification-tool';
import type { ConverseRequest } from './converse-request';
import { BedrockError } from './errors';
import type { StopReason } from './event-stream';
import type { OpenReplyOptions, ReplyGenerator, ReplyOutcome, ReplySource } from './reply';
import { estimateInputTokens } from './simulator';
import { estimateTokens } from './text';

/**
 * Forwarding to an OpenAI-compatible chat server (Ollama, vLLM, llama.cpp): a Converse(Stream) request becomes
 * `POST {baseUrl}/v1/chat/completions`, and its answer (JSON, or SSE chunks when streaming) becomes Bedrock
 * output again. Upstream failures before the first byte are Bedrock HTTP errors (unreachable: 503, 429:
 * throttling, any other non-2xx: 500); failures later become in-stream exceptions.
 */
export interface ForwardOptions {
  /** e.g. `http://127.0.0.1:11434` for Ollama; `/v1/chat/completions` is appended. */
  readonly baseUrl: string;
  /** The upstream model name; defaults to the Bedrock modelId of the request. */
  readonly model?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
}

interface ChatCompletionChunk {
  choices?: { delta?: { content?: unknown }; message?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

const chatCompletionsUrl = (baseUrl: string): URL => new URL(`${baseUrl.replace(/\/+$/, '')}/v1/chat/completions`);

const toChatCompletionRequest = (options: ForwardOptions, request: ConverseRequest, stream: boolean) => ({
  model: options.model ?? request.modelId,
  messages: [
    ...(request.system ? [{ role: 'system', content: request.system }] : []),
    ...request.messages.map((turn) => ({ role: turn.role, content: turn.text })),
  ],
  max_tokens: request.maxTokens,
  temperature: request.temperature,
  top_p: request.topP,
  stop: request.stopSequences,
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
});

const stopReasonOf = (finishReason: unknown): StopReason => (finishReason === 'length' ? 'max_tokens' : 'end_turn');

const countOr = (value: unknown, estimate: () => number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : estimate();

const upstreamError = (message: string): BedrockError => new BedrockError('InternalServerException', message);

const post = (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<http.IncomingMessage> =>
  new Promise((resolve, reject) => {
    // No agent: a fresh connection per call, so nothing keeps sockets (or a test process) alive afterwards.
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers, agent: false, signal }, resolve);
    request.once('error', reject);
    request.end(body);
  });

const readAll = async (response: http.IncomingMessage): Promise<string> => {
  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) text += String(chunk);
  return text;
};

/** Data payloads of an SSE body, one per `data:` line, as they arrive. */
async function* sseData(response: http.IncomingMessage): AsyncGenerator<string> {
  let buffer = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    buffer += String(chunk);
    const lines = buffer.split(/\r?\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('data:')) yield line.slice(5).trim();
  }
  if (buffer.startsWith('data:')) yield buffer.slice(5).trim();
}

const parseChunk = (data: string): ChatCompletionChunk => {
  try {
    return JSON.parse(data) as ChatCompletionChunk;
  } catch {
    throw upstreamError(`Upstream model server sent malformed JSON: ${data.slice(0, 200)}`);
  }
};

const outcome = (
  request: ConverseRequest,
  text: string,
  finishReason: unknown,
  usage: ChatCompletionChunk['usage'],
  startedAt: number,
): ReplyOutcome => ({
  stopReason: stopReasonOf(finishReason),
  // Some servers omit usage (or ignore include_usage): estimate it the way the simulator does.
  inputTokens: countOr(usage?.prompt_tokens, () => estimateInputTokens(request)),
  outputTokens: countOr(usage?.completion_tokens, () => estimateTokens(text)),
  latencyMs: Math.round(performance.now() - startedAt),
});

async function* streamedReply(response: http.IncomingMessage, request: ConverseRequest, startedAt: number): ReplyGenerator {
  let text = '';
  let finishReason: unknown;
  let usage: ChatCompletionChunk['usage'];
  let done = false;
  for await (const data of sseData(response)) {
    if (data === '[DONE]') {
      done = true;
      break;
    }
    const chunk = parseChunk(data);
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    if (typeof delta === 'string' && delta.length > 0) {
      text += delta;
      yield delta;
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  if (!done && finishReason === undefined) throw upstreamError('Upstream model server ended the stream before finishing');
  return outcome(request, text, finishReason, usage, startedAt);
}

async function* wholeReply(response: http.IncomingMessage, request: ConverseRequest, startedAt: number): ReplyGenerator {
  const completion = parseChunk(await readAll(response));
  const choice = completion.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string') throw upstreamError('Upstream model server answered without choices[0].message.content');
  if (content.length > 0) yield content;
  return outcome(request, content, choice?.finish_reason, completion.usage, startedAt);
}

export const forwardingSource =
  (options: ForwardOptions): ReplySource =>
  async (request: ConverseRequest, { stream, signal }: OpenReplyOptions): Promise<ReplyGenerator> => {
    const url = chatCompletionsUrl(options.baseUrl);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const startedAt = performance.now();
    let response: http.IncomingMessage;
    try {
      response = await post(url, headers, JSON.stringify(toChatCompletionRequest(options, request, stream)), signal);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BedrockError('ServiceUnavailableException', `Upstream model server ${url.origin} is unreachable: ${reason}`);
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const body = (await readAll(response).catch(() => '')).slice(0, 300);
      const message = `Upstream model server answered HTTP ${status}: ${body}`;
      throw new BedrockError(status === 429 ? 'ThrottlingException' : 'InternalServerException', message);
    }
    return stream ? streamedReply(response, request, startedAt) : wholeReply(response, request, startedAt);
  };

interface ToolCallCompletion {
  choices?: { message?: { content?: unknown; tool_calls?: { function?: { name?: unknown; arguments?: unknown } }[] } }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

/**
 * A Converse call that forces a tool, forwarded as an OpenAI function call: `tools` with the tool's JSON schema and
 * `tool_choice` naming it (not streamed). The function's arguments (a JSON string) become the tool use's input,
 * parsed when they parse and left as text when not (the caller validates). `undefined` when no tool is forced.
 */
export const forwardingToolSource =
  (options: ForwardOptions): ToolReplySource =>
  async (request, signal) => {
    const name = request.requiredTool;
    if (name === undefined) return undefined;
    const declared = request.tools?.find((tool) => tool.name === name);
    const url = chatCompletionsUrl(options.baseUrl);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const body = {
      ...toChatCompletionRequest(options, request, false),
      tools: [{ type: 'function', function: { name, description: declared?.description ?? '', parameters: declared?.inputSchema ?? { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name } },
    };
    let response: http.IncomingMessage;
    try {
      response = await post(url, headers, JSON.stringify(body), signal);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BedrockError('ServiceUnavailableException', `Upstream model server ${url.origin} is unreachable: ${reason}`);
    }
    const status = response.statusCode ?? 0;
    const text = await readAll(response);
    if (status < 200 || status > 299) {
      throw new BedrockError(status === 429 ? 'ThrottlingException' : 'InternalServerException', `Upstream model server answered HTTP ${status}: ${text.slice(0, 300)}`);
    }
    const completion = parseChunk(text) as ToolCallCompletion;
    const message = completion.choices?.[0]?.message;
    const call = message?.tool_calls?.find((candidate) => candidate.function?.name === name) ?? message?.tool_calls?.[0];
    const raw = call?.function?.arguments ?? message?.content ?? '';
    let input: unknown = raw;
    if (typeof raw === 'string') {
      try {
        input = JSON.parse(raw) as unknown;
      } catch {
        input = raw;
      }
    }
    return {
      toolUseId: toolUseId(request),
      name,
      input,
      inputTokens: countOr(completion.usage?.prompt_tokens, () => estimateInputTokens(request)),
      outputTokens: countOr(completion.usage?.completion_tokens, () => estimateTokens(typeof raw === 'string' ? raw : JSON.stringify(raw))),
    };
  };
