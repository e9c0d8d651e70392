/** What one line typed at the chat prompt means. Pure: the request id generator is a parameter. */
export type ChatCommand =
  | { readonly kind: 'send'; readonly frame: InvokeOut | RouteOut }
  | { readonly kind: 'quit' }
  | { readonly kind: 'help' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'usage'; readonly message: string };

interface InvokeOut {
  readonly action: 'invoke';
  readonly message: string;
  readonly requestId: string;
}

interface RouteOut {
  readonly action: 'route';
  readonly message: string;
  readonly requestId: string;
}

export const CHAT_HELP = 'type a message to chat; /route <text> shows the routing decision only; /quit exits';

export const parseChatInput = (input: string, newRequestId: () => string): ChatCommand => {
  const text = input.trim();
  if (text === '') return { kind: 'empty' };
  if (text === '/quit' || text === '/exit') return { kind: 'quit' };
  if (text === '/help' || text === '/?') return { kind: 'help' };
  if (text === '/route' || text.startsWith('/route ')) {
    const message = text.slice('/route'.length).trim();
    return message === ''
      ? { kind: 'usage', message: 'usage: /route <text>' }
      : { kind: 'send', frame: { action: 'route', message, requestId: newRequestId() } };
  }
  if (/^\/[a-z]+\b/i.test(text)) return { kind: 'usage', message: `unknown command ${text.split(/\s/)[0] ?? ''}; ${CHAT_HELP}` };
  return { kind: 'send', frame: { action: 'invoke', message: text, requestId: newRequestId() } };
};
