import { InvalidFrameError } from '../../lambdas/core/errors';
import { characterCount, DEFAULT_FRAME_LIMITS, parseClientFrame, peekRequestId, type FrameLimits } from '../../lambdas/core/protocol';

const limits: FrameLimits = { maxFrameBytes: 1024, maxMessageChars: 50 };

const codeOf = (body: string | undefined): string => {
  try {
    parseClientFrame(body, limits);
  } catch (error) {
    if (error instanceof InvalidFrameError) return error.code;
    throw error;
  }
  throw new Error('frame was accepted');
};

describe('parseClientFrame', () => {
  it('accepts an invoke frame with optional session and request ids', () => {
    const frame = parseClientFrame('{"action":"invoke","message":"hi","sessionId":"s-1","requestId":"r-1"}', limits);

    expect(frame).toEqual({ action: 'invoke', message: 'hi', sessionId: 's-1', requestId: 'r-1' });
  });

  it('accepts a route frame and ignores unrelated fields', () => {
    const frame = parseClientFrame('{"action":"route","message":"where is my order","extra":1}', limits);

    expect(frame).toEqual({ action: 'route', message: 'where is my order' });
  });

  it.each([
    ['an empty frame', '', 'invalid_frame'],
    ['text that is not JSON', 'hello there', 'invalid_json'],
    ['a JSON array', '[1,2]', 'invalid_frame'],
    ['a frame without action', '{"message":"hi"}', 'invalid_frame'],
    ['an unknown action', '{"action":"dance","message":"hi"}', 'unknown_action'],
    ['a missing message', '{"action":"invoke"}', 'missing_message'],
    ['a blank message', '{"action":"invoke","message":"   "}', 'missing_message'],
    ['a non-string message', '{"action":"invoke","message":42}', 'missing_message'],
    ['a message over the character limit', JSON.stringify({ action: 'invoke', message: 'x'.repeat(51) }), 'message_too_long'],
    ['a frame over the byte limit', JSON.stringify({ action: 'invoke', message: 'x'.repeat(2000) }), 'frame_too_large'],
    ['a malformed request id', '{"action":"invoke","message":"hi","requestId":"has spaces"}', 'invalid_frame'],
  ])('rejects %s with a stable code', (_name, body, code) => {
    expect(codeOf(body)).toBe(code);
  });

  it('counts the byte limit in UTF-8 bytes, not characters', () => {
    const japanese = JSON.stringify({ action: 'route', message: 'あ'.repeat(40) });
    const tight: FrameLimits = { maxFrameBytes: 100, maxMessageChars: 50 };

    expect(() => parseClientFrame(japanese, tight)).toThrow(expect.objectContaining({ code: 'frame_too_large' }));
  });

  it('counts the message limit in characters (code points): 2,001 emoji fit the 4,000-character limit', () => {
    const emoji = '😀'.repeat(2001);

    const frame = parseClientFrame(JSON.stringify({ action: 'invoke', message: emoji }), DEFAULT_FRAME_LIMITS);

    expect(frame).toMatchObject({ message: emoji });
    expect(emoji.length).toBe(4002);
  });

  it('refuses 4,001 characters even when every one is a surrogate pair', () => {
    const body = JSON.stringify({ action: 'invoke', message: '𠀋'.repeat(4001) });

    expect(() => parseClientFrame(body, DEFAULT_FRAME_LIMITS)).toThrow(expect.objectContaining({ code: 'message_too_long' }));
  });

  it.each([
    ['a lone high surrogate', '{"action":"invoke","message":"hi \\ud800 there"}'],
    ['a lone low surrogate', '{"action":"route","message":"\\udc00"}'],
    ['a reversed pair', '{"action":"invoke","message":"\\udc00\\ud800"}'],
  ])('refuses a message with %s escape as invalid_frame', (_name, body) => {
    expect(codeOf(body)).toBe('invalid_frame');
  });

  it('accepts a surrogate pair written as JSON escapes', () => {
    expect(parseClientFrame('{"action":"invoke","message":"\\ud83d\\ude00"}', limits)).toMatchObject({ message: '😀' });
  });
});

describe('characterCount', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['注文番号', 4],
    ['😀👍🏽', 3],
    ['a\ud800', 2],
  ])('counts %j as %i characters', (text, count) => {
    expect(characterCount(text)).toBe(count);
  });
});

describe('peekRequestId', () => {
  it('finds the request id of a frame that is otherwise invalid', () => {
    expect(peekRequestId('{"action":"dance","requestId":"abc-1"}')).toBe('abc-1');
  });

  it('returns undefined for non-JSON text', () => {
    expect(peekRequestId('not json')).toBeUndefined();
  });
});

describe('parseClientFrame: feedback', () => {
  const parse = (frame: Record<string, unknown>) => parseClientFrame(JSON.stringify({ action: 'feedback', ...frame }));
  const refusal = (frame: Record<string, unknown>): unknown => {
    try {
      parse(frame);
    } catch (error) {
      return error;
    }
    throw new Error('accepted');
  };

  it('reads a rating, an optional 1-5 score and an optional sessionId', () => {
    expect(parse({ requestId: 'q-1', rating: 'up' })).toEqual({ action: 'feedback', requestId: 'q-1', rating: 'up' });
    expect(parse({ requestId: 'q-1', rating: 'down', csat: 2, sessionId: 's-1' })).toEqual({ action: 'feedback', requestId: 'q-1', rating: 'down', csat: 2, sessionId: 's-1' });
    expect(parse({ requestId: 'q-1', rating: 'up', csat: null })).toEqual({ action: 'feedback', requestId: 'q-1', rating: 'up' });
  });

  it.each([
    ['no requestId', { rating: 'up' }, /requestId/],
    ['no rating', { requestId: 'q-1' }, /rating/],
    ['an unknown rating', { requestId: 'q-1', rating: 'meh' }, /"up", "down"/],
    ['a rating that is not a string', { requestId: 'q-1', rating: 1 }, /rating/],
    ['a score of 0', { requestId: 'q-1', rating: 'up', csat: 0 }, /csat.*1 to 5/],
    ['a score of 6', { requestId: 'q-1', rating: 'up', csat: 6 }, /csat.*1 to 5/],
    ['a fractional score', { requestId: 'q-1', rating: 'up', csat: 4.5 }, /csat/],
    ['a score as a string', { requestId: 'q-1', rating: 'up', csat: '5' }, /csat/],
    ['a malformed sessionId', { requestId: 'q-1', rating: 'up', sessionId: 'a b' }, /sessionId/],
  ])('refuses %s as invalid_frame with a message naming the field', (_name, frame, message) => {
    expect(refusal(frame)).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(message) });
  });

  it('needs no message', () => {
    expect(() => parse({ requestId: 'q-1', rating: 'up' })).not.toThrow();
  });
});
