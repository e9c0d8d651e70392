import type { FaqEntry } from './faq/types';
import type { Language } from './language';
import type { OrderRecord } from './orders';

/**
 * The template tier: fixed replies and lookups, no model, zero cost. Pure: the order (if any) and the FAQ entry
 * (if any) are looked up by the use case and passed in.
 */
export type TemplateReplyInput =
  | { readonly kind: 'greeting'; readonly language: Language }
  | { readonly kind: 'escalation'; readonly language: Language }
  | { readonly kind: 'order_status'; readonly language: Language; readonly orderId?: string; readonly order?: OrderRecord }
  /** An order question from a guest: orders are shown to their signed-in owner only, so no lookup is made. */
  | { readonly kind: 'order_sign_in'; readonly language: Language }
  /** A FAQ answer (lambdas/core/faq): the entry's answer in the message's language; no entry = it vanished since routing. */
  | { readonly kind: 'faq'; readonly language: Language; readonly entry?: Pick<FaqEntry, 'answer'> };

const STATUS_JA: Readonly<Record<string, string>> = {
  processing: '準備中',
  shipped: '発送済み',
  delivered: '配達済み',
  cancelled: 'キャンセル済み',
};

const describeOrderEn = (order: OrderRecord): string => {
  const parts = [`Order ${order.orderId} (${order.items.join(', ')}) is ${order.status}.`];
  if (order.carrier && order.trackingNumber) parts.push(`Carrier: ${order.carrier}, tracking number ${order.trackingNumber}.`);
  if (order.eta && order.status !== 'delivered' && order.status !== 'cancelled') parts.push(`Estimated delivery: ${order.eta}.`);
  return parts.join(' ');
};

const describeOrderJa = (order: OrderRecord): string => {
  const parts = [`ご注文 ${order.orderId}（${order.items.join('、')}）は「${STATUS_JA[order.status] ?? order.status}」です。`];
  if (order.carrier && order.trackingNumber) parts.push(`配送業者: ${order.carrier}、追跡番号: ${order.trackingNumber}。`);
  if (order.eta && order.status !== 'delivered' && order.status !== 'cancelled') parts.push(`お届け予定日: ${order.eta}。`);
  return parts.join('');
};

export const renderTemplateReply = (input: TemplateReplyInput): string => {
  const ja = input.language === 'ja';
  switch (input.kind) {
    case 'greeting':
      return ja
        ? 'こんにちは！MangaAssistです。作品探し、ご注文の確認、おすすめなど、お気軽にどうぞ。'
        : 'Hello! This is MangaAssist. Ask me about titles, your orders, or what to read next.';
    case 'escalation':
      return ja
        ? '担当スタッフにおつなぎします。少々お待ちください。営業時間外の場合は、翌営業日にご連絡いたします。'
        : 'I am connecting you with a member of our support team. If we are outside support hours, we will get back to you on the next business day.';
    case 'order_status':
      if (input.orderId === undefined) {
        return ja
          ? 'ご注文状況をお調べします。注文番号を教えていただけますか？（例: 注文番号12345）'
          : 'I can check that for you. What is your order number? (for example: order 12345)';
      }
      if (input.order === undefined) {
        return ja
          ? `注文番号 ${input.orderId} のご注文が見つかりませんでした。番号をご確認のうえ、もう一度お試しください。`
          : `I could not find an order with number ${input.orderId}. Please check the number and try again.`;
      }
      return ja ? describeOrderJa(input.order) : describeOrderEn(input.order);
    case 'order_sign_in':
      return ja
        ? 'ご注文状況の確認には、ログインが必要です。ログインしてから、もう一度お尋ねください。'
        : 'Please sign in to check your orders, then ask me again.';
    case 'faq':
      if (input.entry === undefined) {
        // The entry was removed from the FAQ table between routing and answering: say so rather than guess.
        return ja
          ? '申し訳ありません。その回答をただいまご案内できません。もう一度お試しいただくか、「担当者と話したい」とお送りください。'
          : 'Sorry, I cannot show that answer right now. Please ask again, or write "talk to a human" to reach our support team.';
      }
      return input.entry.answer[input.language];
  }
};

/** The intents the template tier can answer; anything else routed to `template` by config gets the cheap model. */
export const TEMPLATE_INTENTS = ['greeting', 'escalation', 'order_status'] as const;
export type TemplateIntent = (typeof TEMPLATE_INTENTS)[number];
export const isTemplateIntent = (intent: string): intent is TemplateIntent =>
  (TEMPLATE_INTENTS as readonly string[]).includes(intent);
