import type { Language } from '../language';
import { isIntent, type Intent } from '../vocabulary';

/**
 * The intents a FAQ entry may answer: store facts and policies with one right answer (DESIGN section 4's haiku
 * intents about the store). Never a template intent (they have their own replies) nor a strong-tier intent (a
 * recommendation or a complaint has no canned answer).
 */
export const FAQ_INTENTS = [
  'shipping_info',
  'payment',
  'returns_refunds',
  'order_change',
  'account',
  'store_policy',
  'price_inquiry',
] as const satisfies readonly Intent[];
export type FaqIntent = (typeof FAQ_INTENTS)[number];

export const isFaqIntent = (value: unknown): value is FaqIntent =>
  isIntent(value) && (FAQ_INTENTS as readonly string[]).includes(value);

/** One answer of the FAQ: what it answers (patterns: example questions in English and Japanese) and the answer. */
export interface FaqEntry {
  /** 1-64 lowercase letters, digits and hyphens; a table row with the same id replaces the embedded entry. */
  readonly id: string;
  readonly intent: FaqIntent;
  /** Example questions, English and Japanese mixed; a message matches when it asks what one of them asks. */
  readonly patterns: readonly string[];
  readonly answer: Readonly<Record<Language, string>>;
}

/** A message matched to an entry; `score` 0-1 is the similarity to the entry's closest pattern. */
export interface FaqMatch {
  readonly entry: FaqEntry;
  readonly score: number;
}

export const FAQ_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const FAQ_LIMITS = { patterns: 60, patternChars: 300, answerChars: 2000 } as const;

/** Every reason an entry cannot be served (empty when it can): the operator-edited table is validated with this. */
export const faqEntryProblems = (entry: FaqEntry): string[] => {
  const problems: string[] = [];
  if (!FAQ_ID.test(entry.id)) problems.push(`id must be 1-64 lowercase letters, digits or hyphens, got ${JSON.stringify(entry.id)}`);
  if (!isFaqIntent(entry.intent)) problems.push(`intent must be one of ${FAQ_INTENTS.join(', ')}, got ${JSON.stringify(entry.intent)}`);
  if (entry.patterns.length === 0) problems.push('patterns must hold at least one question');
  if (entry.patterns.length > FAQ_LIMITS.patterns) problems.push(`patterns must hold at most ${FAQ_LIMITS.patterns} questions, got ${entry.patterns.length}`);
  entry.patterns.forEach((pattern, index) => {
    if (pattern.trim() === '') problems.push(`patterns[${index}] is empty`);
    else if (pattern.length > FAQ_LIMITS.patternChars) problems.push(`patterns[${index}] is longer than ${FAQ_LIMITS.patternChars} characters`);
  });
  for (const language of ['en', 'ja'] as const) {
    const answer = entry.answer[language];
    if (answer.trim() === '') problems.push(`answer_${language} is empty`);
    else if (answer.length > FAQ_LIMITS.answerChars) problems.push(`answer_${language} is longer than ${FAQ_LIMITS.answerChars} characters`);
  }
  return problems;
};

/** An entry that cannot be written (it would be skipped when read back); `problems` says why. */
export class FaqError extends Error {
  override readonly name = 'FaqError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A table row that was skipped, with why (the caller logs or shows it; it never half-applies). */
export interface RejectedFaqRow {
  readonly id: string;
  readonly problems: readonly string[];
}

/** What the FAQ table holds: the good entries, the rows switched off (`enabled: false`), and the rejected rows. */
export interface FaqTableListing {
  readonly entries: readonly FaqEntry[];
  /** Ids whose row says `enabled: false`: removes the embedded entry of that id too. */
  readonly disabled: readonly string[];
  readonly rejected: readonly RejectedFaqRow[];
}

/** The FAQ table's port: read by the request path (FaqSource), written by the offline seed and operators. */
export interface FaqStore {
  listWithProblems(): Promise<FaqTableListing>;
}

/**
 * The FAQ in force: the embedded entries, each replaced by a table row of the same id, removed by a disabled row,
 * plus the table's new entries; sorted by id so the result (and the matcher's ties) never depend on scan order.
 */
export const mergeFaq = (defaults: readonly FaqEntry[], table: Pick<FaqTableListing, 'entries' | 'disabled'>): FaqEntry[] => {
  const byId = new Map<string, FaqEntry>();
  for (const entry of defaults) byId.set(entry.id, entry);
  for (const entry of table.entries) byId.set(entry.id, entry);
  for (const id of table.disabled) byId.delete(id);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
};
