import type { RouteDecision } from '../routing';
import { DEFAULT_FAQ_MATCH_OPTIONS } from './matcher';
import type { FaqMatch } from './types';

/** The reason a FAQ match puts on a decision: `faq:<entry id>` (the template step renders that entry). */
export const FAQ_REASON_PREFIX = 'faq:';

export interface ApplyFaqOptions {
  /** The lowest match score that may answer from the FAQ (the matcher's own threshold by default). */
  readonly minScore: number;
}

export const DEFAULT_APPLY_FAQ_OPTIONS: ApplyFaqOptions = { minScore: DEFAULT_FAQ_MATCH_OPTIONS.threshold };

/** The map row was locked (`map:<tier>:locked`): automation does not move a locked intent down (seed 000). */
const isLocked = (decision: RouteDecision): boolean => decision.reasons.some((reason) => reason.startsWith('map:') && reason.endsWith(':locked'));

/**
 * The routing decision with the FAQ applied: a template-tier decision answered by the matched entry when the match
 * is confident, the classifier found the entry's own intent (two independent signals agree: on intents-dev, matches
 * where the classifier said another intent or `unknown` were mostly wrong), the decision is on a model tier, and
 * its routing row is not locked; otherwise the decision unchanged. Since entries only have FAQ-like intents, a
 * template intent (its reply is already free) or a strong-tier one (a complaint, a recommendation) is never taken
 * over. Pure. Call it right after decideRoute, before mitigation or the budget guardian (they only ever lower a
 * tier, and template is the lowest).
 *
 * The new decision keeps the intent and complexity, takes the match score as its confidence, and adds the reasons
 * `faq:<id>` and `faq_score:<score>` after the classifier's.
 */
export const applyFaq = (
  decision: RouteDecision,
  match: FaqMatch | undefined,
  options: ApplyFaqOptions = DEFAULT_APPLY_FAQ_OPTIONS,
): RouteDecision => {
  if (match === undefined || match.score < options.minScore) return decision;
  if (decision.tier === 'template' || decision.intent !== match.entry.intent || isLocked(decision)) return decision;
  return {
    intent: decision.intent,
    tier: 'template',
    model: null,
    complexity: decision.complexity,
    confidence: match.score,
    reasons: [...decision.reasons, `${FAQ_REASON_PREFIX}${match.entry.id}`, `faq_score:${match.score.toFixed(3)}`],
  };
};

/** The FAQ entry id a decision is to be answered with, or undefined when it is not a FAQ answer. */
export const faqIdOf = (decision: Pick<RouteDecision, 'tier' | 'reasons'>): string | undefined => {
  if (decision.tier !== 'template') return undefined;
  const reason = decision.reasons.find((candidate) => candidate.startsWith(FAQ_REASON_PREFIX));
  return reason?.slice(FAQ_REASON_PREFIX.length);
};

/** True when the decision is answered from the FAQ (the answer use case sends it to templateAnswer). */
export const isFaqDecision = (decision: Pick<RouteDecision, 'tier' | 'reasons'>): boolean => faqIdOf(decision) !== undefined;
