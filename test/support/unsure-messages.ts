import { DEFAULT_LLM_CLASSIFIER_CONFIG } from '../../lambdas/app/classify-message';
import { defaultIntentClassifier } from '../../lambdas/core/intent-model';

/**
 * Vague fragments that name nothing: the fast path should stay below the LLM threshold on them. Which ones it does
 * is up to today's rules and trained model (a retrain can make "えーと、どうかな" confident), so the tests that need
 * the LLM fallback take theirs from here instead of naming one.
 */
const VAGUE = {
  ja: ['あれはどうかな？', 'ぐるぐるする', 'ざわざわ', 'えーと、どうかな', 'ぴょこぴょこ', 'しゅわしゅわ', 'ふにゃふにゃ', 'ぽよぽよ', 'ちくちく', 'ふむふむ', 'もにょもにょ', 'ほげほげ'],
  en: ['the thing from before', 'qwzx vlem', 'zxqv plonk', 'wibble', 'erm so yeah', 'blorp', 'hmm the other bit'],
} as const;

/** `count` distinct vague messages in `lang` on which the gateway's fast path is below the LLM threshold. */
export const unsureMessages = (lang: keyof typeof VAGUE, count: number): string[] => {
  const classifier = defaultIntentClassifier();
  const unsure = VAGUE[lang].filter((text) => classifier.classify(text).confidence < DEFAULT_LLM_CLASSIFIER_CONFIG.threshold);
  if (unsure.length < count) {
    throw new Error(`only ${unsure.length} of the vague ${lang} messages are below the LLM threshold after this retrain; add vaguer ones`);
  }
  return unsure.slice(0, count);
};
