import type { Classification, Intent, IntentClassifier } from '../lambdas/core/vocabulary';

/**
 * Baseline for bench/intents.ts only (never used by the gateway): seed 001's keyword router
 * (`ModelCascadeRouter._classify_task` in ../shared/seeds/001_*.txt), transcribed as written: lower-cased substring
 * tests in the seed's order, the first hit wins (greeting only as a prefix). Its categories map onto this project's
 * intents; its FAQ category (how do i / what is / can i / how much / when ...) becomes `store_policy`, the intent for
 * store facts. Confidence: 1 on a hit, 0 on UNKNOWN, which the seed sends to "model-based routing", i.e. the share
 * an LLM would classify.
 */
const RULES: readonly { readonly intent: Intent; readonly patterns: readonly string[]; readonly prefix?: true }[] = [
  { intent: 'greeting', patterns: ['hello', 'hi', 'hey', 'good morning', 'good afternoon', 'konnichiwa', 'ohayo', 'こんにちは', 'おはよう'], prefix: true },
  { intent: 'order_status', patterns: ['order', 'shipping', 'delivery', 'tracking', '注文', '配送'] },
  { intent: 'product_search', patterns: ['find', 'search', 'looking for', 'where can i', 'do you have', '探す', '検索'] },
  { intent: 'recommendation', patterns: ['recommend', 'suggest', 'similar to', 'like', 'what should i read', 'おすすめ'] },
  { intent: 'comparison', patterns: ['compare', 'versus', 'vs', 'difference between', '比較'] },
  { intent: 'store_policy', patterns: ['how do i', 'what is', 'can i', 'do you', 'is there', 'how much', 'when', '返品', '支払い'] },
];

export class Seed001KeywordRouter implements IntentClassifier {
  classify(text: string): Classification {
    const query = text.toLowerCase().trim();
    for (const rule of RULES) {
      const hit = rule.patterns.find((pattern) => (rule.prefix ? query.startsWith(pattern) : query.includes(pattern)));
      if (hit !== undefined) return { intent: rule.intent, confidence: 1, complexity: 1, signals: [`seed001:${rule.intent}:${hit}`] };
    }
    return { intent: 'unknown', confidence: 0, complexity: 1, signals: ['seed001:unknown'] };
  }
}
