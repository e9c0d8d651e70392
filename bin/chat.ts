#!/usr/bin/env -S npx tsx
/**
 * `npm run chat [-- ws://url]`: an interactive terminal chat against a running gateway (`npm start`).
 * URL from the first argument, else MANGAASSIST_URL, else ws://127.0.0.1:3001. Each line is sent as an
 * `invoke` frame; `/route <text>` sends a `route` frame; `/quit` exits. Frames are rendered by local/chat/render.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { WebSocket, type RawData } from 'ws';
import { CHAT_HELP, parseChatInput } from '../local/chat/input';
import { INITIAL_RENDER_STATE, renderServerFrame, type RenderStyle } from '../local/chat/render';

const DEFAULT_URL = 'ws://127.0.0.1:3001';

const fail = (message: string, code: number): never => {
  process.stderr.write(`chat: ${message}\n`);
  process.exit(code);
};

const arg = process.argv[2];
if (arg === '-h' || arg === '--help') {
  process.stderr.write(`usage: npm run chat [-- ws://host:port]   (default: $MANGAASSIST_URL or ${DEFAULT_URL})\n${CHAT_HELP}\n`);
  process.exit(0);
}
const url = arg ?? process.env['MANGAASSIST_URL'] ?? DEFAULT_URL;
if (!/^wss?:\/\/\S+$/.test(url)) fail(`not a WebSocket URL: "${url}" (expected ws://host:port or wss://...)`, 2);

const style: RenderStyle = { color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined };
const interactive = process.stdin.isTTY === true;
let renderState = INITIAL_RENDER_STATE;
let opened = false;
let quitting = false;
let inputEnded = false;
/** Lines wait here while an answer streams, so a pasted or piped script runs one request at a time, in order. */
const queue: string[] = [];
let inFlight: string | undefined;

const socket = new WebSocket(url);
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
    const command = parseChatInput(input, randomUUID);
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

socket.on('open', () => {
  opened = true;
  process.stdout.write(`connected to ${url}. ${CHAT_HELP}\n`);
  prompt.resume();
  pump();
});

socket.on('message', (data: RawData) => {
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
  const rendered = renderServerFrame(text, renderState, style);
  renderState = rendered.state;
  process.stdout.write(rendered.text);
  // An error without our request id (a frame the server could not read) also ends the wait.
  if (rendered.complete && (rendered.requestId === undefined || rendered.requestId === inFlight)) {
    inFlight = undefined;
    pump();
  }
});

socket.on('error', (error: Error) => {
  if (!opened) fail(`cannot connect to ${url}: ${error.message || 'connection failed'} (is the gateway running? try npm start)`, 1);
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
