export { applyFaq, faqIdOf, isFaqDecision, DEFAULT_APPLY_FAQ_OPTIONS, FAQ_REASON_PREFIX, type ApplyFaqOptions } from './apply';
export { DEFAULT_FAQ } from './default-faq';
export { faqFeatures } from './features';
export {
  buildFaqIndex,
  faqBlock,
  matchFaq,
  scoreFaq,
  DEFAULT_FAQ_MATCH_OPTIONS,
  type FaqBlock,
  type FaqCandidate,
  type FaqIndex,
  type FaqMatchOptions,
  type FaqScoring,
} from './matcher';
export {
  faqEntryProblems,
  FaqError,
  isFaqIntent,
  mergeFaq,
  FAQ_ID,
  FAQ_INTENTS,
  FAQ_LIMITS,
  type FaqEntry,
  type FaqIntent,
  type FaqMatch,
  type FaqStore,
  type FaqTableListing,
  type RejectedFaqRow,
} from './types';
