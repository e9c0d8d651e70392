import { ChunkCoalescer } from '../../lambdas/core/coalescer';

describe('ChunkCoalescer', () => {
  it('releases the first text at once, then holds small pieces until the size threshold is reached', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 10, maxDelayMs: 1000 });

    const released = ['Hi', 'abc', 'def', 'ghij', 'k'].map((piece) => coalescer.push(piece, 0));

    expect(released).toEqual(['Hi', undefined, undefined, 'abcdefghij', undefined]);
    expect(coalescer.flush()).toBe('k');
  });

  it('holds the first text too when firstAtOnce is off', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 10, maxDelayMs: 1000, firstAtOnce: false });

    expect(coalescer.push('abc', 0)).toBeUndefined();
    expect(coalescer.flush()).toBe('abc');
  });

  it('releases buffered text once the oldest piece has waited long enough', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 1000, maxDelayMs: 100 });

    expect(coalescer.push('first', 0)).toBe('first');
    expect(coalescer.push('a', 0)).toBeUndefined();
    expect(coalescer.push('b', 99)).toBeUndefined();
    expect(coalescer.push('c', 100)).toBe('abc');
  });

  it('says when buffered text is due, so a timer can release it with no further token', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 1000, maxDelayMs: 100 });
    expect(coalescer.dueInMs(0)).toBeUndefined();
    coalescer.push('first', 0);
    expect(coalescer.dueInMs(0)).toBeUndefined();

    coalescer.push('a', 10);
    expect(coalescer.dueInMs(10)).toBe(100);
    coalescer.push('b', 60);
    expect(coalescer.dueInMs(60)).toBe(50);
    expect(coalescer.dueInMs(500)).toBe(0);
    expect(coalescer.flush()).toBe('ab');
    expect(coalescer.dueInMs(500)).toBeUndefined();
  });

  it('turns many tokens into far fewer chunks without losing or reordering text', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 50, maxDelayMs: 1000 });
    const tokens = Array.from({ length: 200 }, (_, i) => `t${i} `);

    const chunks = tokens.map((token, i) => coalescer.push(token, i)).filter((c): c is string => c !== undefined);
    const rest = coalescer.flush();
    if (rest) chunks.push(rest);

    expect(chunks[0]).toBe('t0 ');
    expect(chunks.join('')).toBe(tokens.join(''));
    expect(chunks.length).toBeLessThan(tokens.length / 5);
  });

  it('has nothing to flush when empty', () => {
    expect(new ChunkCoalescer().flush()).toBeUndefined();
  });
});
