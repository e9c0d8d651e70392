import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../lambdas/adapters/memory-store';
import { DEFAULT_METRICS_WINDOW, RecordingMetrics } from '../../local/console-log';

describe('RecordingMetrics keeps a bounded window', () => {
  it('keeps only the most recent datapoints, however many are recorded', () => {
    const metrics = new RecordingMetrics(undefined, 100);
    for (let i = 0; i < 5_000; i += 1) metrics.record('AnswerLatency', i, 'Milliseconds', { tier: 'haiku' });
    expect(metrics.records).toHaveLength(100);
    expect(metrics.records[0]?.value).toBe(4_900);
    expect(metrics.records[99]?.value).toBe(4_999);
    // sum sees the window: 4900 + ... + 4999.
    expect(metrics.sum('AnswerLatency', { tier: 'haiku' })).toBe(((4_900 + 4_999) * 100) / 2);
  });

  it('has a default window and still writes every datapoint to the metrics file', () => {
    expect(new RecordingMetrics().records).toHaveLength(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'metrics-window-'));
    try {
      const file = path.join(dir, 'metrics.jsonl');
      const metrics = new RecordingMetrics({ path: file, clock: { now: () => 0 } }, 10);
      for (let i = 0; i < 25; i += 1) metrics.record('Requests', 1, 'Count');
      expect(metrics.records).toHaveLength(10);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(25);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const full = new RecordingMetrics();
    for (let i = 0; i < DEFAULT_METRICS_WINDOW + 50; i += 1) full.record('Requests', 1, 'Count');
    expect(full.records).toHaveLength(DEFAULT_METRICS_WINDOW);
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => new RecordingMetrics(undefined, 0)).toThrow(/positive integer/);
    expect(() => new RecordingMetrics(undefined, 1.5)).toThrow(/positive integer/);
  });
});

describe('MemoryStore keeps at most maxEntries answers', () => {
  it('drops the oldest write past the bound and keeps the newest', async () => {
    const store = new MemoryStore({ now: () => 0 }, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await store.set(key, key.toUpperCase(), 60);
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('e')).toBe('E');
  });

  it('counts a rewritten key as the newest', async () => {
    const store = new MemoryStore({ now: () => 0 }, 2);
    await store.set('a', '1', 60);
    await store.set('b', '2', 60);
    await store.set('a', '3', 60);
    await store.set('c', '4', 60);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('3');
    expect(await store.get('c')).toBe('4');
  });
});
