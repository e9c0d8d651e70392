import { DEFAULT_FAQ, DEFAULT_FAQ_MATCH_OPTIONS, matchFaq, mergeFaq, type FaqEntry, type FaqMatch, type FaqMatchOptions, type FaqStore } from '../core/faq';
import type { Clock, Log } from '../ports';
import { RefreshingValue } from './refreshing-value';

/** A FAQ table with no rows: the embedded default FAQ alone (tests, and tools without a table). */
export const NO_FAQ_TABLE: FaqStore = { listWithProblems: async () => ({ entries: [], disabled: [], rejected: [] }) };

export interface FaqSourceOptions {
  /** Re-read the table at most this often (ms). */
  readonly ttlMs?: number;
  /** The embedded entries the table overrides and extends. */
  readonly defaults?: readonly FaqEntry[];
  readonly match?: FaqMatchOptions;
}

/**
 * The FAQ in force: the embedded default FAQ, overridden and extended by the FAQ table, re-read at most every
 * `ttlMs` so an operator's edit applies within that window without a deploy. Rows the table cannot serve are
 * skipped and logged (never half-applied); if the table cannot be read, the last good FAQ (or the embedded one)
 * keeps answering: a config outage must not stop the chat. Like RoutingMapSource (both are a RefreshingValue),
 * concurrent requests on a warm container share one read.
 *
 * `get()` returns the same array until the next reload, so the matcher's compiled index (cached per array) is
 * built once per reload, not per message.
 */
export class FaqSource {
  private readonly matchOptions: FaqMatchOptions;
  private readonly faq: RefreshingValue<readonly FaqEntry[]>;

  constructor(store: FaqStore, clock: Clock, log: Log, options: FaqSourceOptions = {}) {
    const defaults = options.defaults ?? DEFAULT_FAQ;
    this.matchOptions = options.match ?? DEFAULT_FAQ_MATCH_OPTIONS;
    this.faq = new RefreshingValue(
      async () => {
        const listing = await store.listWithProblems();
        for (const { id, problems } of listing.rejected) log.warn('FAQ table row ignored', { id, problems });
        return mergeFaq(defaults, listing);
      },
      defaults,
      clock,
      options.ttlMs ?? 30_000,
      (error) => log.error('FAQ table unreadable; keeping the previous FAQ', { error }),
    );
  }

  get(): Promise<readonly FaqEntry[]> {
    return this.faq.get();
  }

  /** The entry the message asks for in the FAQ in force, or undefined (lambdas/core/faq matchFaq). */
  async match(text: string): Promise<FaqMatch | undefined> {
    return matchFaq(text, await this.get(), this.matchOptions);
  }
}
