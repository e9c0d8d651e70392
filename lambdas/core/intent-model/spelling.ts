/**
 * A small spelling corrector for the rules' second look (EnsembleClassifier): real users misspell the very words the
 * keyword rules look for ("cancle my ordr", "refnd"), and a rule that does not fire leaves the message to the model or
 * the LLM. The vocabulary is the Latin words of the project's own training rows (written into the artifact by the
 * trainer, most frequent first), so a correction only ever lands on a word this store's examples use.
 *
 * A word is corrected when it is 4+ letters, not in the vocabulary, and one edit (deletion, insertion, substitution
 * or transposition of adjacent letters) away from a vocabulary word: the most frequent such word wins. Short chat
 * spellings of a few very common words are expanded ("u" -> "you", "pls" -> "please"). Digits, Japanese and every
 * other character are left as they are. Pure; the deletion index (SymSpell at distance 1, which also pairs a few
 * two-edit words such as a swap of non-adjacent letters) is built on the first correction, not at module init.
 */

const CHAT_SPELLINGS: Readonly<Record<string, string>> = { u: 'you', ur: 'your', pls: 'please', plz: 'please', pl: 'please', thx: 'thanks', wat: 'what', wht: 'what', abt: 'about', msg: 'message' };
const WORD = /[a-z]+/gu;

export class SpellingCorrector {
  /** Vocabulary word -> rank (0 = most frequent). */
  private readonly rank: Map<string, number>;
  /** Each vocabulary word with one letter deleted -> the most frequent word it came from; built on first use. */
  private deletions: Map<string, string> | undefined;

  constructor(private readonly vocabulary: readonly string[]) {
    this.rank = new Map(vocabulary.map((word, i) => [word, i]));
  }

  get size(): number {
    return this.rank.size;
  }

  /** The most frequent vocabulary word one edit from `word`; `word` itself when it is known, short or has none. */
  correctWord(word: string): string {
    const chat = CHAT_SPELLINGS[word];
    if (chat !== undefined) return chat;
    if (word.length < 4 || this.rank.has(word)) return word;
    const deletions = this.deletionIndex();
    let best: string | undefined;
    let bestRank = Infinity;
    const consider = (candidate: string | undefined): void => {
      const rank = candidate === undefined ? undefined : this.rank.get(candidate);
      if (rank !== undefined && rank < bestRank) {
        best = candidate;
        bestRank = rank;
      }
    };
    // A letter missing from the word (the word is a vocabulary word's deletion).
    consider(deletions.get(word));
    for (let i = 0; i < word.length; i += 1) {
      const deleted = word.slice(0, i) + word.slice(i + 1);
      // A letter too many, then a letter wrong or two letters swapped (both share a deletion with the right word).
      consider(deleted);
      consider(deletions.get(deleted));
    }
    return best ?? word;
  }

  /** Symmetric deletions (as SymSpell at distance 1): a few thousand Map entries, built once per container. */
  private deletionIndex(): Map<string, string> {
    if (this.deletions !== undefined) return this.deletions;
    const deletions = new Map<string, string>();
    for (const word of this.vocabulary) {
      if (word.length < 4) continue;
      for (let i = 0; i < word.length; i += 1) {
        const deleted = word.slice(0, i) + word.slice(i + 1);
        // The vocabulary is most frequent first: the first word to claim a deletion keeps it.
        if (!deletions.has(deleted)) deletions.set(deleted, word);
      }
    }
    this.deletions = deletions;
    return deletions;
  }

  /** `normalized` (normalizeText) with each Latin word corrected; the same string when nothing changed. */
  correct(normalized: string): string {
    return normalized.replace(WORD, (word) => this.correctWord(word));
  }
}

/**
 * The vocabulary of training texts: Latin words of 3+ letters seen at least twice, most frequent first (ties
 * alphabetical), and `keep` (the rules' own words) whatever its count. The training rows carry real users' typos on
 * purpose ("retrun"): a word seen once is as likely a typo as a rare word, and in the vocabulary a typo is taken for a
 * word and left as typed. Leaving them all out also shrinks the artifact's vocabulary by a third (25 to 18 KB), room
 * for 4k more weights: bench:intents dev / noisy dev / store-eval / probe 95.6 / 92.3 / 91.3 / 92.8 -> 95.7 / 92.4 /
 * 91.7 / 92.8 (leaving out only the hapaxes one edit from a word seen 5+ times: the first figures).
 */
export const buildVocabulary = (texts: readonly string[], keep: readonly string[] = []): string[] => {
  const counts = new Map<string, number>();
  for (const text of [...texts, ...keep]) {
    for (const [word] of text.toLowerCase().matchAll(WORD)) if (word.length >= 3) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const kept = new Set(keep.flatMap((text) => [...text.toLowerCase().matchAll(WORD)].map(([word]) => word)));
  return [...counts]
    .filter(([word, count]) => count > 1 || kept.has(word))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([word]) => word);
};
