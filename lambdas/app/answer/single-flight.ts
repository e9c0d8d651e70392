import { createHash } from 'node:crypto';
import type { RouteDecision } from '../../core/routing';
import { isCacheableDecision, normalizeForCache } from '../../core/spend';
import type { ModelTier } from '../../core/vocabulary';
import type { ResponseCache } from '../../ports';
import { cachedAnswer as readCache } from './cache';
import { callModel as streamModel, type ModelOutcome, type ModelStepInput } from './model';
import type { Answer, AnswerDeps, AnswerRequest } from './types';

/** What a leader hands its followers: its complete answer text, or undefined when they must call the model themselves. */
type Shared = string | undefined;

interface Flight {
  readonly answer: Promise<Shared>;
  readonly settle: (answer: Shared) => void;
}

/**
 * The model calls in flight in one warm container, by question: the first request for a question (the leader) calls
 * the model; identical ones that arrive meanwhile (followers) wait for its complete answer instead of making their
 * own call. A flight ends when its leader settles it, or after `maxWaitMs` at the latest, so a leader that never
 * settles cannot hold its followers (or later identical questions) beyond that.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly maxWaitMs: number) {}

  /** The number of flights in progress. */
  get size(): number {
    return this.flights.size;
  }

  /** The flight in progress for `key`, to wait on; undefined when there is none (the caller may lead one). */
  join(key: string): Promise<Shared> | undefined {
    return this.flights.get(key)?.answer;
  }

  /** Starts the flight for `key`; false if one is already in progress (join it instead). */
  lead(key: string): boolean {
    if (this.flights.has(key)) return false;
    let resolve: (answer: Shared) => void = () => undefined;
    const answer = new Promise<Shared>((settleAnswer) => {
      resolve = settleAnswer;
    });
    const timer = setTimeout(() => settle(undefined), this.maxWaitMs);
    timer.unref?.();
    const settle = (shared: Shared): void => {
      clearTimeout(timer);
      if (this.flights.get(key)?.answer === answer) this.flights.delete(key);
      resolve(shared);
    };
    this.flights.set(key, { answer, settle });
    return true;
  }

  /** Ends the flight for `key`: its followers get `answer` (undefined: they call the model themselves). */
  settle(key: string, answer: Shared): void {
    this.flights.get(key)?.settle(answer);
  }
}

/**
 * One SingleFlight per response cache client: the client is built once per cold start, so this is per warm
 * container (and per test setup). Questions are never shared across containers.
 */
const containers = new WeakMap<ResponseCache, SingleFlight>();
/** The requests leading a flight, with its key: the model step settles the flight of the request it serves. */
const leaders = new WeakMap<AnswerRequest, string>();

const flightsOf = (deps: Pick<AnswerDeps, 'cache' | 'options'>): SingleFlight => {
  let flights = containers.get(deps.cache);
  if (flights === undefined) {
    // A follower whose leader is slower than half the deadline stops waiting and calls the model itself, with time
    // left for that call.
    flights = new SingleFlight(Math.max(1, Math.floor(deps.options.deadlineMs / 2)));
    containers.set(deps.cache, flights);
  }
  return flights;
};

/** The same question for the same tier and intent: the answer cache's identity (lambdas/app/answer/cache.ts). */
const flightKey = (tier: ModelTier, decision: RouteDecision, message: string): string =>
  `${tier}:${decision.intent}:${createHash('sha256').update(normalizeForCache(message)).digest('hex')}`;

/** Conversation history makes a question mean something else in every conversation: never shared. */
const hasHistory = (request: AnswerRequest): boolean => 'history' in request && request.history !== undefined;

/** Only questions whose answer does not depend on who asks are shared: every intent of the message cacheable. */
const shareable = (decision: RouteDecision): boolean => isCacheableDecision(decision);

/**
 * The answer cache step with single-flight: a cached answer; else, for a cacheable question that an identical
 * request is answering right now, that request's complete answer once it has it (a cache hit at zero cost, no model
 * call); else undefined, and this request leads the flight for later identical questions (callModel below settles
 * it). When the leader fails, or its answer is not one the cache would keep, followers get undefined and call the
 * model themselves: an answer is never lost to sharing.
 */
export const cachedAnswer = async (
  deps: Pick<AnswerDeps, 'cache' | 'catalog' | 'log' | 'metrics' | 'options'>,
  request: AnswerRequest,
  decision: RouteDecision,
  tier: ModelTier,
): Promise<Answer | undefined> => {
  const cached = await readCache(deps, request, decision, tier);
  if (cached !== undefined || !shareable(decision) || hasHistory(request)) return cached;
  const flights = flightsOf(deps);
  const key = flightKey(tier, decision, request.message);
  // No await between the check and `lead`: of two identical questions, exactly one leads.
  const inFlight = flights.join(key);
  if (inFlight === undefined) {
    flights.lead(key);
    leaders.set(request, key);
    return undefined;
  }
  const text = await inFlight;
  if (text === undefined) {
    deps.metrics.record('SingleFlightFallbacks', 1, 'Count', { Intent: decision.intent });
    return undefined;
  }
  deps.metrics.record('SingleFlightHits', 1, 'Count', { Intent: decision.intent });
  return { chunk: text, tier, model: deps.catalog[tier].modelId, target: null, cacheHit: true, inputTokens: 0, outputTokens: 0, costUsd: 0 };
};

/**
 * The model step (lambdas/app/answer/model.ts); when the request leads a flight, it then hands its followers the
 * answer if the answer cache would keep it (complete, `end_turn`, from the routed tier, no conversation history),
 * else undefined. Settled whatever happens, a thrown error included.
 */
export const callModel = async (deps: AnswerDeps, input: ModelStepInput): Promise<ModelOutcome> => {
  const { request, routedTier } = input;
  const key = leaders.get(request);
  if (key === undefined) return streamModel(deps, input);
  leaders.delete(request);
  let shared: Shared;
  try {
    const outcome = await streamModel(deps, input);
    if (outcome.kind === 'answered' && outcome.result.stopReason === 'end_turn' && outcome.target.tier === routedTier && !hasHistory(request)) {
      shared = outcome.result.text;
    }
    return outcome;
  } finally {
    flightsOf(deps).settle(key, shared);
  }
};
