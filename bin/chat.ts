#!/usr/bin/env -S npx tsx
/**
 * `npm run chat [-- ws://url] [--customer ID | --guest]`: an interactive terminal chat against a running gateway
 * (`npm start`). URL from the first argument, else MANGAASSIST_URL, else ws://127.0.0.1:3001. It signs in: with
 * MANGAASSIST_TOKEN if set, else with a token of the running `npm start`'s local issuer for `--customer` (default
 * demo-customer-1, who owns the demo orders 12345 and 98765); `--guest` connects without a token. Each line is sent
 * as an `invoke` frame; `/route <text>` sends a `route` frame; `/up`, `/down` (optionally with a 1-5 CSAT score) and
 * `/csat N` send a `feedback` frame for the last answer; `/quit` exits. Frames are rendered by local/chat/render.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket, type RawData } from 'ws';
import { DEMO_CUSTOMERS } from '../local/dynamo';
import { issuerStateFile, NoLocalIssuerError, requestLocalToken } from '../local/issuer-state';
import { CHAT_HELP, lastAnswerAfter, parseChatInput, type LastAnswer } from '../local/chat/input';
import { INITIAL_RENDER_STATE, renderServerFrame, type RenderStyle } from '../local/chat/render';

const DEFAULT_URL = 'ws://127.0.0.1:3001';

const fail = (message: string, code: number): never => {
  process.stderr.write(`chat: ${message}\n`);
  process.exit(code);
};

const USAGE = `usage: npm run chat [-- ws://host:port] [--customer ID | --guest]   (default: $MANGAASSIST_URL or ${DEFAULT_URL}, signed in as ${DEMO_CUSTOMERS[0]})`;
const parseChatArgs = () =>
  parseArgs({ args: process.argv.slice(2), options: { customer: { type: 'string' }, guest: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
const parseOrFail = (): ReturnType<typeof parseChatArgs> => {
  try {
    return parseChatArgs();
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
  }
};
const parsed = parseOrFail();
if (parsed.values.help) {
  process.stderr.write(`${USAGE}\n${CHAT_HELP}\n`);
  process.exit(0);
}
if (parsed.values.guest && parsed.values.customer !== undefined) fail('--customer and --guest exclude each other', 2);
const url = parsed.positionals[0] ?? process.env['MANGAASSIST_URL'] ?? DEFAULT_URL;
if (!/^wss?:\/\/\S+$/.test(url)) fail(`not a WebSocket URL: "${url}" (expected ws://host:port or wss://...)`, 2);

/** The token to connect with and who it is for: MANGAASSIST_TOKEN, else the local issuer's, else none (a guest). */
const signIn = async (): Promise<{ readonly token?: string; readonly who: string }> => {
  if (parsed.values.guest) return { who: 'a guest' };
  const fromEnv = process.env['MANGAASSIST_TOKEN'];
  if (fromEnv) return { token: fromEnv, who: 'the MANGAASSIST_TOKEN principal' };
  const customerId = parsed.values.customer ?? DEMO_CUSTOMERS[0];
  try {
    return { token: (await requestLocalToken(issuerStateFile(), customerId)).token, who: customerId };
  } catch (error) {
    if (!(error instanceof NoLocalIssuerError)) throw error;
    // Asked for a customer by name: no silent guest. Otherwise a gateway without a local issuer still chats.
    if (parsed.values.customer !== undefined) fail(`cannot sign in as ${customerId}: ${error.message}`, 1);
    process.stderr.write(`chat: ${error.message}; connecting as a guest\n`);
    return { who: 'a guest' };
  }
};

const style: RenderStyle = { color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined };
const interactive = process.stdin.isTTY === true;
let renderState = INITIAL_RENDER_STATE;
let opened = false;
let quitting = false;
let inputEnded = false;
/** Lines wait here while an answer streams, so a pasted or piped script runs one request at a time, in order. */
const queue: string[] = [];
let inFlight: string | undefined;
/** The last answer (its `done` frame's requestId) and its acknowledged rating: what /up, /down and /csat rate. */
let lastAnswer: LastAnswer | undefined;

let socket: WebSocket;
const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
prompt.setPrompt('> ');
prompt.pause();

const quit = (code: number): void => {
  quitting = true;
  prompt.close();
  socket.close();
  process.exitCode = code;
  // Do not wait for a slow close handshake to return the terminal.
  setTimeout(() => process.exit(code), 500).unref();
};

/** Handles queued lines until one is sent (then waits for its answer) or the queue is empty (then prompts). */
const pump = (): void => {
  while (inFlight === undefined && !quitting) {
    const input = queue.shift();
    if (input === undefined) {
      if (inputEnded) quit(0);
      else if (interactive) prompt.prompt();
      return;
    }
    // Piped input is not echoed by the terminal: show it so the transcript reads like a conversation.
    if (!interactive && input.trim() !== '') process.stdout.write(`> ${input}\n`);
    const command = parseChatInput(input, randomUUID, lastAnswer);
    switch (command.kind) {
      case 'empty':
        break;
      case 'quit':
        quit(0);
        return;
      case 'help':
        process.stdout.write(`${CHAT_HELP}\n`);
        break;
      case 'usage':
        process.stdout.write(`${command.message}\n`);
        break;
      case 'send':
        inFlight = command.frame.requestId;
        socket.send(JSON.stringify(command.frame));
        break;
    }
  }
};

/** Opens the socket (the token in `?token=`, as browsers must send it) and wires its events. */
const connect = (token: string | undefined, who: string): void => {
  const target = new URL(url);
  if (token !== undefined) target.searchParams.set('token', token);
  socket = new WebSocket(target.toString());
  socket.on('open', () => {
    opened = true;
    process.stdout.write(`connected to ${url} as ${who}. ${CHAT_HELP}\n`);
    prompt.resume();
    pump();
  });

  socket.on('message', (data: RawData) => {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    const rendered = renderServerFrame(text, renderState, style);
    renderState = rendered.state;
    lastAnswer = lastAnswerAfter(lastAnswer, text);
    process.stdout.write(rendered.text);
    // An error without our request id (a frame the server could not read) also ends the wait.
    if (rendered.complete && (rendered.requestId === undefined || rendered.requestId === inFlight)) {
      inFlight = undefined;
      pump();
    }
  });

  socket.on('error', (error: Error) => {
    if (!opened) fail(`cannot connect to ${url}: ${error.message || 'connection failed'} (is the gateway running? try npm start; 401: a token is needed, 403: origin or token refused)`, 1);
    process.stderr.write(`\nchat: connection error: ${error.message}\n`);
  });

  socket.on('close', (code: number) => {
    if (quitting) return;
    if (!opened) fail(`cannot connect to ${url}`, 1);
    process.stderr.write(`${renderState.midLine ? '\n' : ''}chat: connection closed by the server (code ${code})\n`);
    quitting = true;
    prompt.close();
    process.exit(1);
  });
};

prompt.on('line', (input: string) => {
  queue.push(input);
  if (opened) pump();
});

// End of input (Ctrl-D, or the end of a piped script): finish the queued requests, then leave.
prompt.on('close', () => {
  if (quitting) return;
  inputEnded = true;
  if (opened) pump();
});

void signIn().then(({ token, who }) => connect(token, who));
