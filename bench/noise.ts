/**
 * A seeded synthetic-noise view of a labeled row, for bench:intents --noise RATE: an estimate of how the classifier
 * holds up on real users' text (short, lowercase, typos, fragments, no punctuation) measured from dev rows, without
 * reading the held-out rows. Independent of the trainer's augmentation (lambdas/core/intent-model/augment.ts): other
 * operations (keyboard-neighbour slips, chat spellings, fragments that keep the content words) so that the view is
 * not scored against the very noise the model was trained on.
 *
 * Always: lowercase, punctuation dropped. Per Latin word, with probability RATE, one slip: a dropped, doubled,
 * swapped or keyboard-neighbour character (words of 3 characters and more) or a chat spelling (you -> u, please ->
 * pls). Per function word, with probability RATE, dropped. With probability RATE, the message is cut to a fragment of its
 * content words only. Japanese runs keep their characters (only punctuation goes). Deterministic per row id.
 */
import { mulberry32 } from '../lambdas/core/prng';

const FUNCTION_WORDS = new Set(
  'a an the to of for in on at is are am be was do does did have has i m s t ve ll d me my we our you your it its this that can could would will please with and or from about'.split(' '),
);
const CHAT: Readonly<Record<string, string>> = { you: 'u', your: 'ur', please: 'pls', are: 'r', thanks: 'thx', what: 'wat', want: 'wnt', know: 'kno', because: 'coz', okay: 'ok' };
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const neighbour = (ch: string, pick: () => number): string => {
  for (const [r, row] of ROWS.entries()) {
    const i = row.indexOf(ch);
    if (i < 0) continue;
    const options = [row[i - 1], row[i + 1], ROWS[r - 1]?.[i], ROWS[r + 1]?.[i]].filter((c): c is string => c !== undefined);
    return options[Math.floor(pick() * options.length)] ?? ch;
  }
  return ch;
};

const seedOf = (id: string): number => {
  let hash = 0x9e3779b9;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x85ebca6b);
  return hash >>> 0;
};

const slip = (word: string, pick: () => number): string => {
  const chat = CHAT[word];
  if (chat !== undefined && pick() < 0.5) return chat;
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
  const at = 1 + Math.floor(pick() * (word.length - 1));
  switch (Math.floor(pick() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at - 1] + word.slice(at);
    case 2:
      return at < word.length - 1 ? word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2) : word;
    default:
      return word.slice(0, at) + neighbour(word[at] ?? '', pick) + word.slice(at + 1);
  }
};

/** The noisy form of `text` at `rate` (0 = only lowercase and no punctuation), reproducible from `id`. */
export const noisyText = (text: string, rate: number, id: string): string => {
  const pick = mulberry32(seedOf(id)).next;
  const plain = text.toLowerCase().replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  let words = plain.split(' ').filter((w) => w !== '');
  if (words.length > 3 && pick() < rate) {
    // A telegraphic fragment: the content words only ("cancel purchase 1135", "where order").
    const content = words.filter((w) => !FUNCTION_WORDS.has(w));
    if (content.length >= 2) words = content;
  }
  const out: string[] = [];
  for (const word of words) {
    if (FUNCTION_WORDS.has(word) && words.length > 2 && pick() < rate) continue;
    out.push(pick() < rate ? slip(word, pick) : word);
  }
  return out.join(' ') || plain;
};
