/**
 * Two fixes to how dynalite keeps its tables in memory, applied to memory-level before dynalite loads it (dynalite
 * has no option for either); `npm run bench:soak` measured both:
 *
 * - Values are stored as their own Uint8Arrays (`storeEncoding: 'view'`), not as the default Buffers cut from Node's
 *   shared 8 KB allocation pool, where one stored item kept a whole pool slab alive (4,000 answers grew
 *   `arrayBuffers` by 44 MB for ~4,800 items). Same bytes, same order: queries see no difference.
 * - Iterators are closed. dynalite reads through streams over `db.keys()` / `db.values()` and, done or destroyed,
 *   calls `iterator.return()`, which abstract-level iterators do not have: every Query and Scan left its iterator
 *   open, registered on the database and holding a snapshot of the whole sorted tree (~32 tree nodes and 8 values
 *   per answer, never collected). Here `return()` closes the iterator, and so does reading past its end.
 */
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
  return?: () => Promise<void>;
}

type IteratorMethod = (options?: Record<string, unknown>) => LevelIterator;

// memory-level's CommonJS export is patched in place: dynalite reads it when its db module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const memoryLevel = require('memory-level') as { MemoryLevel: new (options?: Record<string, unknown>) => object; compactStorage?: true };

let openIterators = 0;

/** Iterators opened through the patched databases and not yet closed (a test's check that reads leave none). */
export const openIteratorCount = (): number => openIterators;

const closing = (iterator: LevelIterator): LevelIterator => {
  openIterators += 1;
  const close = iterator.close.bind(iterator);
  let closed = false;
  iterator.close = async () => {
    if (!closed) {
      closed = true;
      openIterators -= 1;
    }
    await close();
  };
  const next = iterator.next.bind(iterator);
  iterator.next = async () => {
    const value = await next();
    if (value === undefined) await iterator.close();
    return value;
  };
  iterator.return ??= () => iterator.close();
  return iterator;
};

export const useCompactDynaliteStorage = (): void => {
  if (memoryLevel.compactStorage) return;
  const Original = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = class CompactMemoryLevel extends Original {
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'view', ...options });
      const self = this as unknown as Record<'keys' | 'values' | 'iterator', IteratorMethod>;
      for (const method of ['keys', 'values', 'iterator'] as const) {
        const original = self[method].bind(this);
        self[method] = (options) => closing(original(options));
      }
    }
  };
  memoryLevel.compactStorage = true;
};
