import type { Intent } from '../vocabulary';

/** One category of a day's traffic (a scenario's mix): its share of the messages and the intent of each example. */
export interface TrafficCategory {
  readonly share: number;
  /** The classified intent of each of the category's example messages, equally likely (as `cli simulate` draws them). */
  readonly intents: readonly Intent[];
}

/**
 * Messages of `intent` in a day of `dailyMessages`: each category contributes its share times the fraction of its
 * examples that are of the intent. The same reading of a scenario as `cli simulate`'s, without the minute-by-minute
 * rounding.
 */
export const intentMessagesPerDay = (mix: readonly TrafficCategory[], intent: Intent, dailyMessages: number): number =>
  mix.reduce((sum, category) => {
    if (category.intents.length === 0) return sum;
    const matching = category.intents.filter((candidate) => candidate === intent).length;
    return sum + dailyMessages * category.share * (matching / category.intents.length);
  }, 0);
