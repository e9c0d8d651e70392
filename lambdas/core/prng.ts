/**
 * A small seeded pseudo-random generator, so that every simulated reply, latency and injected fault is
 * reproducible from the server's seed. `Math.random` is never used: a failing test must replay exactly.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Approximately normal (sum of uniforms), cheap and bounded: within mean +- 4.3 * spread. */
  normal(mean: number, spread: number): number;
}

/** mulberry32: 32-bit state, good enough statistical quality for simulation, tiny and fast. */
export const mulberry32 = (seed: number): Prng => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (min: number, max: number): number => min + (max - min) * next();
  const int = (min: number, max: number): number => Math.floor(between(min, max + 1));
  return {
    next,
    between,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    // Irwin-Hall with 6 terms: variance 0.5, so scale by sqrt(2) to get a standard deviation of `spread`.
    normal: (mean: number, spread: number): number => {
      let sum = 0;
      for (let i = 0; i < 6; i += 1) sum += next();
      return mean + (sum - 3) * Math.SQRT2 * spread;
    },
  };
};

/** FNV-1a over a string: derives independent, order-free seeds (per request) from the server seed. */
export const hashSeed = (...parts: readonly (string | number)[]): number => {
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
};
