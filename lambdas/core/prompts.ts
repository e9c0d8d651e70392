import type { Language } from './language';
import type { Intent } from './vocabulary';

/** The system prompt for a model tier call: short, since every input token is paid for on every message. */
export const systemPrompt = (intent: Intent, language: Language): string => {
  const reply = language === 'ja' ? 'Answer in Japanese.' : 'Answer in the language of the question.';
  return [
    'You are MangaAssist, the assistant of a Japanese manga store.',
    'Be concise and accurate; do not invent prices, stock or order details; say when you are unsure.',
    `The customer's request was classified as "${intent}".`,
    reply,
  ].join(' ');
};
