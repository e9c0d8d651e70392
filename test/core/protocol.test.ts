import { InvalidFrameError } from '../../lambdas/core/errors';
import { parseClientFrame, peekRequestId, type FrameLimits } from '../../lambdas/core/protocol';

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
});

describe('peekRequestId', () => {
  it('finds the request id of a frame that is otherwise invalid', () => {
    expect(peekRequestId('{"action":"dance","requestId":"abc-1"}')).toBe('abc-1');
  });

  it('returns undefined for non-JSON text', () => {
    expect(peekRequestId('not json')).toBeUndefined();
  });
});
