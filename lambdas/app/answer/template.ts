import { extractOrderId } from '../../core/classifier';
import { DEFAULT_FAQ, faqIdOf, matchFaq, type FaqEntry } from '../../core/faq';
import type { Language } from '../../core/language';
import type { RouteDecision } from '../../core/routing';
import { renderTemplateReply } from '../../core/templates';
import type { Answer, AnswerDeps, AnswerRequest } from './types';

/** The FAQ in force (lambdas/app/faq-source.ts FaqSource); without one, the embedded default FAQ. */
export interface FaqEntries {
  get(): Promise<readonly FaqEntry[]>;
}

/**
 * The entry a FAQ decision names: by its id in the FAQ in force (the same cached FAQ the router matched against),
 * else what the message matches now for the same intent (the entry was replaced under another id), else undefined
 * (it was removed).
 */
const faqEntryFor = async (faq: FaqEntries | undefined, decision: RouteDecision, id: string, message: string): Promise<FaqEntry | undefined> => {
  const entries = faq ? await faq.get() : DEFAULT_FAQ;
  const byId = entries.find((entry) => entry.id === id);
  if (byId) return byId;
  const matched = matchFaq(message, entries)?.entry;
  return matched?.intent === decision.intent ? matched : undefined;
};

/**
 * The template tier: a fixed reply, the status of one of the caller's orders (guests are asked to sign in), or a FAQ answer (a decision with a
 * `faq:<id>` reason, lambdas/core/faq applyFaq). No model, no cost.
 */
export const templateAnswer = async (
  deps: Pick<AnswerDeps, 'orders'> & { readonly faq?: FaqEntries },
  request: AnswerRequest,
  decision: RouteDecision,
  language: Language,
): Promise<Answer> => {
  let chunk: string;
  const faqId = faqIdOf(decision);
  if (faqId !== undefined) {
    const entry = await faqEntryFor(deps.faq, decision, faqId, request.message);
    chunk = renderTemplateReply({ kind: 'faq', language, ...(entry && { entry }) });
  } else if (decision.intent === 'order_status') {
    const principal = request.principal;
    if (principal?.kind !== 'customer') {
      // Orders are shown to their signed-in owner only: a guest is asked to sign in, and nothing is looked up.
      chunk = renderTemplateReply({ kind: 'order_sign_in', language });
    } else {
      const orderId = extractOrderId(request.message);
      // Only the caller's own orders: someone else's and a missing one are the same "not found" (no enumeration).
      const order = orderId === undefined ? undefined : await deps.orders.getOrderFor(principal.customerId, orderId);
      chunk = renderTemplateReply({ kind: 'order_status', language, ...(orderId && { orderId }), ...(order && { order }) });
    }
  } else {
    chunk = renderTemplateReply({ kind: decision.intent === 'escalation' ? 'escalation' : 'greeting', language });
  }
  return { chunk, tier: 'template', model: null, target: null, cacheHit: false, inputTokens: 0, outputTokens: 0, costUsd: 0 };
};
