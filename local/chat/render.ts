/**
 * Rendering of the gateway's server frames (DESIGN section 3) for the terminal chat. Pure: a frame and the
 * current line state in, the text to write and the next state out, so the streaming layout is testable.
 */


/** ` (retry in 12 s)` for a frame with a numeric retryAfterMs, else nothing. */
const retryHint = (retryAfterMs: unknown): string =>
  typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? ` (retry in ${Math.ceil(retryAfterMs / 1000)} s)` : '';
export interface RenderStyle {
  /** Wrap the summary lines in ANSI dim (and errors in red); off when stdout is not a terminal or NO_COLOR is set. */
  readonly color: boolean;
}

export interface RenderState {
  /** True while streamed chunk text has been written without a trailing newline. */
  readonly midLine: boolean;
}

export interface Rendered {
  readonly text: string;
  readonly state: RenderState;
  /** The request this frame belongs to is finished (done, route, feedback_ack or error): prompt again. */
  readonly complete: boolean;
  readonly requestId?: string;
}

export const INITIAL_RENDER_STATE: RenderState = { midLine: false };

const DIM = '\u001b[2m';
const RED = '\u001b[31m';
const RESET = '\u001b[0m';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown, fallback = '-'): string => (typeof value === 'string' && value !== '' ? value : fallback);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

const paint = (code: string, text: string, style: RenderStyle): string => (style.color ? `${code}${text}${RESET}` : text);

/** A full line, first ending any streamed text that is still open. */
const line = (text: string, state: RenderState): string => `${state.midLine ? '\n' : ''}${text}\n`;

/**
 * `[intent=order_status tier=template model=- cost=$0.000000 tokens=0/0 412 ms cache=miss]`; a model answer also
 * shows where its call went (`target=provisioned` or `target=on_demand`) after the model.
 */
export const formatDone = (frame: Record<string, unknown>): string => {
  const target = typeof frame['target'] === 'string' && frame['target'] !== '' ? [`target=${frame['target']}`] : [];
  const parts = [
    `intent=${str(frame['intent'])}`,
    `tier=${str(frame['tier'])}`,
    `model=${str(frame['model'])}`,
    ...target,
    `cost=$${num(frame['costUsd']).toFixed(6)}`,
    `tokens=${num(frame['inputTokens'])}/${num(frame['outputTokens'])}`,
    `${Math.round(num(frame['latencyMs']))} ms`,
    `cache=${frame['cacheHit'] === true ? 'hit' : 'miss'}`,
  ];
  if (frame['escalated'] === true) parts.push('escalated');
  return `[${parts.join(' ')}]`;
};

/** `route intent=recommendation tier=sonnet model=... complexity=6 confidence=0.64 reasons=a,b` */
export const formatRoute = (frame: Record<string, unknown>): string => {
  const reasons = Array.isArray(frame['reasons']) ? frame['reasons'].filter((reason) => typeof reason === 'string') : [];
  return [
    'route',
    `intent=${str(frame['intent'])}`,
    `tier=${str(frame['tier'])}`,
    `model=${str(frame['model'])}`,
    `complexity=${num(frame['complexity'])}`,
    `confidence=${num(frame['confidence']).toFixed(2)}`,
    `reasons=${reasons.length === 0 ? '-' : reasons.join(',')}`,
  ].join(' ');
};

/** `[feedback recorded: up, CSAT 5]` */
export const formatFeedbackAck = (frame: Record<string, unknown>): string =>
  `[feedback recorded: ${str(frame['rating'])}${typeof frame['csat'] === 'number' ? `, CSAT ${frame['csat']}` : ''}]`;

/**
 * Renders one text frame from the server. `chunk` text is written as it arrives, with no newline of its own;
 * the next non-chunk frame starts on a fresh line. Anything unrecognizable is shown raw (truncated), never thrown.
 */
export const renderServerFrame = (data: string, state: RenderState, style: RenderStyle): Rendered => {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    frame = undefined;
  }
  if (!isRecord(frame) || typeof frame['type'] !== 'string') {
    const shown = data.length > 200 ? `${data.slice(0, 200)}...` : data;
    return { text: line(paint(DIM, `[unrecognized frame] ${shown}`, style), state), state: { midLine: false }, complete: false };
  }
  const requestId = typeof frame['requestId'] === 'string' ? frame['requestId'] : undefined;
  const withId = (rendered: Omit<Rendered, 'requestId'>): Rendered => (requestId === undefined ? rendered : { ...rendered, requestId });
  switch (frame['type']) {
    case 'chunk': {
      const text = typeof frame['text'] === 'string' ? frame['text'] : '';
      return withId({ text, state: { midLine: text === '' ? state.midLine : !text.endsWith('\n') }, complete: false });
    }
    case 'done':
      return withId({ text: line(paint(DIM, formatDone(frame), style), state), state: { midLine: false }, complete: true });
    case 'route':
      return withId({ text: line(paint(DIM, formatRoute(frame), style), state), state: { midLine: false }, complete: true });
    case 'feedback_ack':
      return withId({ text: line(paint(DIM, formatFeedbackAck(frame), style), state), state: { midLine: false }, complete: true });
    case 'error':
      return withId({
        // A limit's refusal says when to try again (retryAfterMs, rounded up to seconds).
        text: line(paint(RED, `error ${str(frame['code'], 'unknown')}: ${str(frame['message'], '')}${retryHint(frame['retryAfterMs'])}`, style), state),
        state: { midLine: false },
        complete: true,
      });
    default: {
      const shown = data.length > 200 ? `${data.slice(0, 200)}...` : data;
      return withId({ text: line(paint(DIM, `[unknown frame type] ${shown}`, style), state), state: { midLine: false }, complete: false });
    }
  }
};
