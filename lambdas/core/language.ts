export type Language = 'ja' | 'en';

// Hiragana, katakana, CJK ideographs and the half-width katakana block.
const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/;

export const detectLanguage = (text: string): Language => (JAPANESE_SCRIPT.test(text) ? 'ja' : 'en');

/**
 * Rough token count for accounting when a stream ends without usage metadata (an interrupted or aborted
 * stream still costs money): about 4 characters per token for Latin text, about 1 per Japanese character.
 */
export const estimateTokens = (text: string): number => {
  let japanese = 0;
  for (const char of text) if (JAPANESE_SCRIPT.test(char)) japanese += 1;
  const other = text.length - japanese;
  return japanese + Math.ceil(other / 4);
};
