import { ChunkCoalescer } from '../../lambdas/core/coalescer';

describe('ChunkCoalescer', () => {
  it('holds small pieces until the size threshold is reached', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 10, maxDelayMs: 1000 });

    const released = ['abc', 'def', 'ghij', 'k'].map((piece) => coalescer.push(piece, 0));

    expect(released).toEqual([undefined, undefined, 'abcdefghij', undefined]);
    expect(coalescer.flush()).toBe('k');
  });

  it('releases buffered text once the oldest piece has waited long enough', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 1000, maxDelayMs: 100 });

    expect(coalescer.push('a', 0)).toBeUndefined();
    expect(coalescer.push('b', 99)).toBeUndefined();
    expect(coalescer.push('c', 100)).toBe('abc');
  });

  it('turns many tokens into far fewer chunks without losing or reordering text', () => {
    const coalescer = new ChunkCoalescer({ maxChars: 50, maxDelayMs: 1000 });
    const tokens = Array.from({ length: 200 }, (_, i) => `t${i} `);

    const chunks = tokens.map((token, i) => coalescer.push(token, i)).filter((c): c is string => c !== undefined);
    const rest = coalescer.flush();
    if (rest) chunks.push(rest);

    expect(chunks.join('')).toBe(tokens.join(''));
    expect(chunks.length).toBeLessThan(tokens.length / 5);
  });

  it('has nothing to flush when empty', () => {
    expect(new ChunkCoalescer().flush()).toBeUndefined();
  });
});
