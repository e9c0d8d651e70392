import { mulberry32 } from '../prng';

/**
 * Training-time noise augmentation (used by train.ts; never bundled into a Lambda): real users type short,
 * lowercase, unpunctuated messages with typos and without function words, while the project's training rows are
 * mostly clean sentences. Each row gets `copies` noisy variants, seeded by the row's text and the copy number, so a
 * training run stays reproducible:
 * - copy 0: lowercase, no punctuation, function words dropped ("where is my order?" -> "where order");
 * - further copies: lowercase, no punctuation, and per Latin word of 4+ letters with probability `rate` one typo
 *   (a dropped, doubled or transposed letter), per function word with probability `rate` dropped.
 * Japanese runs are left as they are (their typos are conversion errors, not letter slips). A variant equal to the
 * row or to an earlier variant is skipped.
 */

const FUNCTION_WORDS = new Set(
  "a an the to of for in on at is are am be was were do does did i i'm me my we our you your it it's this that can could would will shall should please with and or from about any some just".split(' '),
);

const seedOf = (text: string, copy: number): number => {
  let hash = 0x811c9dc5 ^ copy;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
};

const typo = (word: string, random: () => number): string => {
  const at = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 3)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at + 1) + word.slice(at);
    default:
      return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
  }
};

const plain = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The noisy variants of `text` (not including `text`), deterministic for the same arguments. */
export const noisyVariants = (text: string, copies: number, rate: number): string[] => {
  const variants: string[] = [];
  const seen = new Set([text, text.toLowerCase()]);
  for (let copy = 0; copy < copies; copy += 1) {
    const random = mulberry32(seedOf(text, copy)).next;
    const words = plain(text).split(' ').filter((word) => word !== '');
    let out: string[];
    if (copy === 0) {
      const content = words.filter((word) => !FUNCTION_WORDS.has(word));
      out = content.length > 0 ? content : words;
    } else {
      out = [];
      for (const word of words) {
        if (FUNCTION_WORDS.has(word) && words.length > 2 && random() < rate) continue;
        out.push(word.length >= 4 && /^[a-z]+$/.test(word) && random() < rate ? typo(word, random) : word);
      }
    }
    const variant = out.join(' ');
    if (variant !== '' && !seen.has(variant)) {
      seen.add(variant);
      variants.push(variant);
    }
  }
  return variants;
};
