import type { Intent } from './vocabulary';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The budget day (YYYY-MM-DD) in Japan Standard Time: the store's daily budget resets at JST midnight. */
export const budgetDay = (epochMs: number): string => new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Intents whose answers do not depend on who asks, so an identical question may be answered from the response
 * cache. Personal or conversational intents (recommendation, complaint, order changes, chitchat) never are.
 */
const CACHEABLE_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  'shipping_info',
  'store_policy',
  'returns_refunds',
  'payment',
  'account',
  'summarization',
  'manga_qa',
  'comparison',
]);

export const isCacheable = (intent: Intent): boolean => CACHEABLE_INTENTS.has(intent);

/** A decision's answer may be cached (and shared) only if every intent of the message may: one personal ask taints it. */
export const isCacheableDecision = (decision: { readonly intent: Intent; readonly intents?: readonly Intent[] }): boolean =>
  isCacheable(decision.intent) && (decision.intents ?? []).every(isCacheable);

/** The text a cache key is derived from: case, width and spacing variants of one question share an entry. */
export const normalizeForCache = (text: string): string =>
  text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').replace(/[?!.。？！]+$/u, '').trim();
