/**
 * dynalite keeps every item in a memory-level store with its default `storeEncoding: 'buffer'`: each value a small
 * Buffer cut from Node's shared 8 KB allocation pool, so one stored item can keep a whole pool slab alive. A 4,000
 * answer soak grew `arrayBuffers` by 44 MB for about 4,800 items (~9 KB each). With `storeEncoding: 'view'` each
 * value is a Uint8Array of its own size; the bytes and their order are the same, so queries see no difference.
 * dynalite has no option for it, so its MemoryLevel is given the default here, before dynalite loads it.
 */
// memory-level's CommonJS export is patched in place: dynalite reads it when its db module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const memoryLevel = require('memory-level') as { MemoryLevel: new (options?: Record<string, unknown>) => object; compactStorage?: true };

export const useCompactDynaliteStorage = (): void => {
  if (memoryLevel.compactStorage) return;
  const Original = memoryLevel.MemoryLevel;
  memoryLevel.MemoryLevel = class CompactMemoryLevel extends Original {
    constructor(options?: Record<string, unknown>) {
      super({ storeEncoding: 'view', ...options });
    }
  };
  memoryLevel.compactStorage = true;
};
