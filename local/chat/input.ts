/** What one line typed at the chat prompt means. Pure: the request id generator and the last answer are parameters. */
export type ChatCommand =
  | { readonly kind: 'send'; readonly frame: InvokeOut | RouteOut | FeedbackOut }
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

/** A rating of the last answer: its request id is the answer's (what the gateway rates), not a new one. */
export interface FeedbackOut {
  readonly action: 'feedback';
  readonly requestId: string;
  readonly rating: 'up' | 'down';
  readonly csat?: number;
}

/** The last answer of this chat (its `done` frame) and the rating acknowledged for it, if any. */
export interface LastAnswer {
  readonly requestId: string;
  readonly rating?: 'up' | 'down';
}

export const CHAT_HELP =
  'type a message to chat; /route <text> shows the routing decision only; /up or /down [1-5] rates the last answer (with an optional CSAT score), /csat <1-5> adds a score to its rating; /quit exits';

const SCORE = /^[1-5]$/;

const feedback = (text: string, last: LastAnswer | undefined): ChatCommand => {
  const [command = '', score, ...rest] = text.split(/\s+/);
  const usage = command === '/csat' ? 'usage: /csat <1-5> (after /up or /down)' : `usage: ${command} [1-5]`;
  if (rest.length > 0 || (score !== undefined && !SCORE.test(score)) || (command === '/csat' && score === undefined)) return { kind: 'usage', message: usage };
  if (last === undefined) return { kind: 'usage', message: 'no answer to rate yet: ask something first' };
  const csat = score === undefined ? undefined : Number(score);
  if (command === '/csat') {
    // The protocol rates with a thumb; a score joins the thumb already given (the gateway adds it once).
    if (last.rating === undefined) return { kind: 'usage', message: 'rate the last answer with /up or /down first (or /up 5, /down 2 to give both)' };
    return { kind: 'send', frame: { action: 'feedback', requestId: last.requestId, rating: last.rating, csat: csat as number } };
  }
  const rating = command === '/up' ? 'up' : 'down';
  return { kind: 'send', frame: { action: 'feedback', requestId: last.requestId, rating, ...(csat !== undefined && { csat }) } };
};

export const parseChatInput = (input: string, newRequestId: () => string, last?: LastAnswer): ChatCommand => {
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
  if (/^\/(up|down|csat)(\s|$)/.test(text)) return feedback(text, last);
  if (/^\/[a-z]+\b/i.test(text)) return { kind: 'usage', message: `unknown command ${text.split(/\s/)[0] ?? ''}; ${CHAT_HELP}` };
  return { kind: 'send', frame: { action: 'invoke', message: text, requestId: newRequestId() } };
};

/**
 * The last answer after a server frame: a `done` starts a new one (unrated), a `feedback_ack` for it records its
 * rating (so `/csat N` can join it); anything else leaves it as it was.
 */
export const lastAnswerAfter = (last: LastAnswer | undefined, data: string): LastAnswer | undefined => {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return last;
  }
  if (typeof frame !== 'object' || frame === null) return last;
  const { type, requestId, rating } = frame as Record<string, unknown>;
  if (typeof requestId !== 'string') return last;
  if (type === 'done') return { requestId };
  if (type === 'feedback_ack' && last?.requestId === requestId && (rating === 'up' || rating === 'down')) return { requestId, rating };
  return last;
};
