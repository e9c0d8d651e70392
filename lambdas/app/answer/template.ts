import { extractOrderId } from '../../core/classifier';
import type { Language } from '../../core/language';
import type { RouteDecision } from '../../core/routing';
import { renderTemplateReply } from '../../core/templates';
import type { Answer, AnswerDeps, AnswerRequest } from './types';

/** The template tier: a fixed reply, or an order's status from the orders table. No model, no cost. */
export const templateAnswer = async (
  deps: Pick<AnswerDeps, 'orders'>,
  request: AnswerRequest,
  decision: RouteDecision,
  language: Language,
): Promise<Answer> => {
  let chunk: string;
  if (decision.intent === 'order_status') {
    const orderId = extractOrderId(request.message);
    const order = orderId === undefined ? undefined : await deps.orders.getOrder(orderId);
    chunk = renderTemplateReply({ kind: 'order_status', language, ...(orderId && { orderId }), ...(order && { order }) });
  } else {
    chunk = renderTemplateReply({ kind: decision.intent === 'escalation' ? 'escalation' : 'greeting', language });
  }
  return { chunk, tier: 'template', model: null, target: null, cacheHit: false, inputTokens: 0, outputTokens: 0, costUsd: 0 };
};
