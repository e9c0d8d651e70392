/**
 * `npm run bench:limits`: what the limits per principal cost and what they bound.
 * 1. The limiter's added latency per invoke against a real redis-server (the suite's, on a free port): the admit
 *    step's check-and-record plus the release of the in-flight slot (every invoke), and with the strong-tier
 *    allowance and the spend charge (a strong-tier answer), sequentially and 16 at a time; p50 / p99 / max.
 * 2. The worst-case cost one customer (and one guest connection) can cause per day under the default limits, from the
 *    catalog's prices and the token budgets: every call of an answer at its worst case (full input, `maxTokens`).
 * Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { RedisLimitStore } from '../lambdas/adapters/redis-limits';
import { createRedisClient } from '../lambdas/adapters/redis-store';
import { DEFAULT_ANSWER_OPTIONS } from '../lambdas/app/answer-message';
import { DEFAULT_HISTORY_INPUT_TOKENS } from '../lambdas/app/answer/memory';
import { DEFAULT_BUDGET_CONFIG } from '../lambdas/core/budget/config';
import { maxTokensFor, worstCaseUsd } from '../lambdas/core/budget/guardian';
import { MODEL_CATALOGS, type ModelSpec } from '../lambdas/core/catalog';
import { estimateTokens } from '../lambdas/core/language';
import { DEFAULT_LIMITS_CONFIG, type PrincipalLimits } from '../lambdas/core/limits';
import { CLASSIFIER_MAX_TOKENS, CLASSIFIER_SYSTEM_PROMPT, classifierUserText } from '../lambdas/core/llm-classifier/prompt';
import { delimitUntrusted, systemPrompt } from '../lambdas/core/prompts';
import { DEFAULT_FRAME_LIMITS } from '../lambdas/core/protocol';
import { DEFAULT_ROUTING_MAP, INTENTS, type Intent } from '../lambdas/core/vocabulary';
import { startTestRedis } from '../test/support/redis-server';

const ITERATIONS = 4000;
const CONCURRENCY = 16;
const ROOMY: PrincipalLimits = { messagesPerMinute: 1_000_000, invokesInFlight: 1_000_000, strongAnswersPerHour: 1_000_000, dailySpendUsd: 1_000_000 };

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (samples: number[]): string => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(3)} ms  p99 ${percentile(sorted, 99).toFixed(3)} ms  max ${(sorted.at(-1) ?? NaN).toFixed(3)} ms  (n=${sorted.length})`;
};

const latency = async (): Promise<void> => {
  const redis = await startTestRedis();
  const client = createRedisClient(redis.url);
  const store = new RedisLimitStore(client);
  const day = '2026-12-02';
  let n = 0;
  /** One invoke's limiter work: 100 principals in turn, so the windows hold realistic entry counts. */
  const invoke = async (strong: boolean): Promise<number> => {
    n += 1;
    const slot = { principalKey: `customer:bench-${n % 100}`, connectionId: `conn-${n % 100}`, id: `req-${n}` };
    const startedAt = performance.now();
    const now = Date.now();
    await store.admitMessage({ ...slot, day, now, limits: ROOMY, config: DEFAULT_LIMITS_CONFIG });
    if (strong) {
      await store.takeStrongAnswer({ principalKey: slot.principalKey, id: slot.id, now, limits: ROOMY });
      await store.chargeSpend({ principalKey: slot.principalKey, day, usd: 0.012 });
    }
    await store.releaseInFlight(slot);
    return performance.now() - startedAt;
  };
  try {
    for (let i = 0; i < 500; i += 1) await invoke(i % 2 === 0); // warm-up: connection, script cache, JIT
    for (const strong of [false, true]) {
      const sequential: number[] = [];
      for (let i = 0; i < ITERATIONS; i += 1) sequential.push(await invoke(strong));
      const concurrent: number[] = [];
      for (let i = 0; i < ITERATIONS / CONCURRENCY; i += 1) concurrent.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, () => invoke(strong)))));
      const what = strong ? 'strong-tier invoke (admit + strong allowance + spend charge + release)' : 'every invoke (admit + release)';
      console.log(`limiter latency, ${what}`);
      console.log(`  sequential:        ${summary(sequential)}`);
      console.log(`  ${CONCURRENCY} at a time:      ${summary(concurrent)}`);
    }
  } finally {
    await client.quit();
    await redis.stop();
  }
};

const catalog = MODEL_CATALOGS.current;
/** The longest message: 4,000 characters, all Japanese (one token each): the most input one message can carry. */
const LONGEST_MESSAGE = '漫'.repeat(DEFAULT_FRAME_LIMITS.maxMessageChars);

/** The worst case of one call for an intent at a tier: the system prompt, the history and the message within the intent's budget, `maxTokens` out. */
const callWorstCase = (intent: Intent, spec: ModelSpec): number => {
  const budget = DEFAULT_BUDGET_CONFIG.tokenBudgets[intent];
  // Within a budget, the message and its history together; without one, the whole message (history only fits under 1,000 tokens).
  const content = budget ? budget.maxInputTokens : Math.max(estimateTokens(LONGEST_MESSAGE), DEFAULT_HISTORY_INPUT_TOKENS);
  const input = estimateTokens(systemPrompt(intent, 'ja') + delimitUntrusted('')) + content;
  return worstCaseUsd(spec, input, maxTokensFor(spec, budget));
};

const classifierWorstCase = worstCaseUsd(catalog.haiku, estimateTokens(CLASSIFIER_SYSTEM_PROMPT + classifierUserText(LONGEST_MESSAGE)), CLASSIFIER_MAX_TOKENS);

const worstCost = (): void => {
  // Intents that can reach the strong tier: the map's strong ones, and summarization by complexity.
  const strongIntents = INTENTS.filter((intent) => DEFAULT_ROUTING_MAP[intent].tier === 'sonnet' || intent === 'summarization');
  const strongAnswer = Math.max(...strongIntents.map((intent) => classifierWorstCase + callWorstCase(intent, catalog.haiku) + callWorstCase(intent, catalog.sonnet)));
  const strongIntent = strongIntents.reduce((a, b) => (callWorstCase(a, catalog.sonnet) >= callWorstCase(b, catalog.sonnet) ? a : b));
  const cheapAnswer = Math.max(...INTENTS.map((intent) => classifierWorstCase + callWorstCase(intent, catalog.haiku)));
  console.log('');
  console.log(`worst case of one answer (${catalog.sonnet.modelId} $${catalog.sonnet.inputUsdPerMTok}/$${catalog.sonnet.outputUsdPerMTok}, ${catalog.haiku.modelId} $${catalog.haiku.inputUsdPerMTok}/$${catalog.haiku.outputUsdPerMTok} per 1M tokens):`);
  console.log(`  strong tier: $${strongAnswer.toFixed(4)} (LLM classifier $${classifierWorstCase.toFixed(4)} + the cascade's cheap try + the strong call; the strong call alone $${callWorstCase(strongIntent, catalog.sonnet).toFixed(4)}, ${strongIntent})`);
  console.log(`  cheap tier:  $${cheapAnswer.toFixed(4)} (LLM classifier + the cheap call)`);
  for (const kind of ['customer', 'guest'] as const) {
    const limits = DEFAULT_LIMITS_CONFIG[kind];
    const strongPerDay = limits.strongAnswersPerHour * 24;
    const messagesPerDay = limits.messagesPerMinute * 60 * 24;
    const cheapPerDay = Math.max(0, messagesPerDay - strongPerDay);
    const uncapped = strongPerDay * strongAnswer + cheapPerDay * cheapAnswer;
    // The cap is checked when a message is admitted: answers admitted before the spend reached it still finish. At
    // most the messages admitted during one answer's deadline can be in flight then (per principal: the rate bounds
    // them across connections), each at the strong tier's worst case.
    const inFlightAtCap = Math.min(Math.ceil((limits.messagesPerMinute * DEFAULT_ANSWER_OPTIONS.deadlineMs) / 60_000), kind === 'guest' ? limits.invokesInFlight : Number.POSITIVE_INFINITY);
    const capped = Math.min(uncapped, limits.dailySpendUsd + inFlightAtCap * strongAnswer);
    console.log('');
    console.log(`worst-case cost of one ${kind}${kind === 'guest' ? ' (per connection: a guest is keyed by its connection)' : ''} per JST day under the default limits:`);
    console.log(`  limits: ${limits.messagesPerMinute} messages/min, ${limits.invokesInFlight} in flight per connection, ${limits.strongAnswersPerHour} strong answers/h, $${limits.dailySpendUsd}/day`);
    console.log(`  without the spend cap: ${strongPerDay} strong x $${strongAnswer.toFixed(4)} + ${cheapPerDay} cheap x $${cheapAnswer.toFixed(4)} = $${uncapped.toFixed(2)}`);
    console.log(`  with the spend cap:    $${limits.dailySpendUsd} + at most ${inFlightAtCap} answers in flight when it is reached x $${strongAnswer.toFixed(4)} = $${capped.toFixed(2)}`);
  }
};

const main = async (): Promise<void> => {
  await latency();
  worstCost();
};

void main();
