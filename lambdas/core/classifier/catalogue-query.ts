/**
 * Whether a message reads like what people type into a shop's search box: a few words naming a thing ("vinland saga",
 * "resistance band", "syntha 6", "back massager") and nothing that asks, orders or answers. The ensemble
 * (intent-model/ensemble-classifier.ts) reads such a message as a catalogue search when neither the rules nor the
 * model placed it, where it would otherwise be `unknown`: a title the model never saw, a product the store may not
 * carry (the search says so; both intents are on the same tier).
 *
 * Deliberately narrow:
 * - Latin script only. A Japanese message has no spaces to count words by, and the rules and the model read
 *   Japanese requests well;
 * - at most `maxWords` words (4 by default, measured in bench:intents: 2-4 gain about the same on dev and noisy dev, 5
 *   and 6 start taking off-domain fragments on the blind sets: "factory settings restoration", "cricket score");
 * - no question mark, and none of the words below: pronouns, determiners that point at something said, question words,
 *   auxiliaries and modals, the verbs of commands to an assistant ("call", "play", "turn"; not the shopper's "buy",
 *   "order", "book" or "set"), yes / no / thanks and greetings. A message with one of them is a request or a reply;
 * - not opening on a command verb ("book a covid test", "record the game tonight", "download whatsapp"): a command;
 * - at least one word of three letters or more, and no keyboard run ("asdfgh", "qwerty"): a mash is not a title.
 */

const NOT_A_SEARCH_WORDS: ReadonlySet<string> = new Set(
  [
    // pronouns and pointing determiners
    'i im ive ill id me my mine myself you youre your yours yourself we us our ours he him his she her hers it its they',
    'them their theirs this that these those there here',
    // question words
    'what whats how hows who whos whom whose which when whens where wheres why whether',
    // auxiliaries and modals
    'is isnt are arent was wasnt were be been being am do dont does doesnt did didnt done have has had having can cant',
    'could couldnt would wouldnt should shouldnt will wont shall may might must',
    // the verbs of requests and commands
    'tell give show let lets call play make get find help need want wanna gonna like love hate know think say go',
    'come put take send turn stop start remove add delete change cancel check pay sync pair roll flip repeat',
    'forget speak sing write explain compute calculate convert translate reset open close',
    // answers, politeness, greetings
    'no not yes yeah yep yup nope nah ok okay sure true false perhaps maybe possibly definitely please pls plz thanks',
    'thank thx hi hello hey bye goodbye morning evening night again too very really just so',
  ]
    .join(' ')
    .split(' '),
);

/** First words that make the message a command ("book a covid test", "record the game tonight"), not a name. */
const COMMAND_FIRST_WORDS: ReadonlySet<string> = new Set(
  [
    'navigate download install uninstall update lock unlock record report solve switch mute unmute book remind schedule',
    'text email message dial ring set pause resume skip shuffle increase decrease raise lower dim',
    'brighten define spell look search google track',
  ]
    .join(' ')
    .split(' '),
);

/** Four letters in a row of one keyboard row, either way ("asdf", "lkjh"): someone's fingers, not a name. */
const KEYBOARD_RUNS: readonly string[] = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'].flatMap((row) =>
  Array.from({ length: row.length - 3 }, (_, i) => row.slice(i, i + 4)).flatMap((run) => [run, [...run].reverse().join('')]),
);
const hasKeyboardRun = (word: string): boolean => KEYBOARD_RUNS.some((run) => word.includes(run));

const NON_LATIN_SCRIPT = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0400-\u04ff]/u;

/** `normalized` as `normalizeText` gives it (lower case, one space). */
export const isCatalogueQuery = (normalized: string, maxWords = 4): boolean => {
  if (normalized.includes('?') || NON_LATIN_SCRIPT.test(normalized)) return false;
  const words = normalized
    .split(' ')
    .map((word) => word.replace(/[^a-z0-9]/g, ''))
    .filter((word) => word !== '');
  if (words.length === 0 || words.length > maxWords) return false;
  if (!words.some((word) => /[a-z]{3,}/.test(word))) return false;
  if (COMMAND_FIRST_WORDS.has(words[0] ?? '')) return false;
  return words.every((word) => !NOT_A_SEARCH_WORDS.has(word) && !hasKeyboardRun(word));
};
