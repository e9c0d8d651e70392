import { BatchWriteCommand, DeleteCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { faqEntryProblems, FaqError, FAQ_ID, FAQ_INTENTS, isFaqIntent, type FaqEntry, type FaqStore, type FaqTableListing, type RejectedFaqRow } from '../core/faq';
import type { Clock } from '../ports';

/**
 * The FAQ table over DynamoDB (FAQ_TABLE in lambdas/schema/tables.ts), one item per entry. Operators edit it, so a
 * row that cannot be served is skipped and reported with its problems (like the event calendar), never half-read:
 * - `id` (1-64 lowercase letters, digits, hyphens), `intent` (one of FAQ_INTENTS), `patterns` (a list or a string
 *   set of example questions, English and Japanese), `answer_en`, `answer_ja`;
 * - optional `enabled` (boolean; `false` switches the entry of that id off, the embedded one included; then only
 *   `id` is needed), `updatedAt` and `updatedBy` (informational).
 */

type Item = Record<string, unknown>;

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value instanceof Set ? [...value] : value));

/** A rejected row, with the item as stored (for `cli`-style listings). */
export interface RejectedFaqItem extends RejectedFaqRow {
  readonly item: Readonly<Item>;
}

export interface FaqItemListing extends FaqTableListing {
  readonly rejected: RejectedFaqItem[];
}

const strings = (value: unknown): string[] | undefined => {
  const values = value instanceof Set ? [...(value as Set<unknown>)] : value;
  return Array.isArray(values) && values.every((pattern) => typeof pattern === 'string') ? (values as string[]) : undefined;
};

/** A row as an entry, a switched-off id, or every problem of it. */
export const parseFaqItem = (item: Item): { entry: FaqEntry } | { disabled: string } | { problems: string[] } => {
  const problems: string[] = [];
  const { id, intent, patterns, answer_en: answerEn, answer_ja: answerJa, enabled } = item;
  if (typeof id !== 'string' || !FAQ_ID.test(id)) problems.push(`id must be 1-64 lowercase letters, digits or hyphens, got ${show(id)}`);
  if (enabled !== undefined && typeof enabled !== 'boolean') problems.push(`enabled must be a boolean, got ${show(enabled)}`);
  if (problems.length > 0) return { problems };
  if (enabled === false) return { disabled: id as string };
  if (!isFaqIntent(intent)) problems.push(`intent must be one of ${FAQ_INTENTS.join(', ')}, got ${show(intent)}`);
  const patternList = strings(patterns);
  if (patternList === undefined) problems.push(`patterns must be a list of strings, got ${show(patterns)}`);
  if (typeof answerEn !== 'string') problems.push(`answer_en must be a string, got ${show(answerEn)}`);
  if (typeof answerJa !== 'string') problems.push(`answer_ja must be a string, got ${show(answerJa)}`);
  if (problems.length > 0 || !isFaqIntent(intent) || patternList === undefined || typeof answerEn !== 'string' || typeof answerJa !== 'string') {
    return { problems };
  }
  const entry: FaqEntry = { id: id as string, intent, patterns: patternList, answer: { en: answerEn, ja: answerJa } };
  const invalid = faqEntryProblems(entry);
  return invalid.length > 0 ? { problems: invalid } : { entry };
};

/** The item an entry is stored as. */
export const faqItem = (entry: FaqEntry, stamp: { updatedAt: string; updatedBy?: string }): Item => ({
  id: entry.id,
  intent: entry.intent,
  patterns: [...entry.patterns],
  answer_en: entry.answer.en,
  answer_ja: entry.answer.ja,
  updatedAt: stamp.updatedAt,
  ...(stamp.updatedBy !== undefined && { updatedBy: stamp.updatedBy }),
});

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 5;

export class DynamoFaqStore implements FaqStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Stamps `updatedAt` on written rows. */
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  /** Every row, all pages: the entries, the switched-off ids, and the rejected rows with why; each sorted by id. */
  async listWithProblems(): Promise<FaqItemListing> {
    const entries: FaqEntry[] = [];
    const disabled: string[] = [];
    const rejected: RejectedFaqItem[] = [];
    for await (const page of paginateScan({ client: this.documents }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        const parsed = parseFaqItem(item);
        if ('entry' in parsed) entries.push(parsed.entry);
        else if ('disabled' in parsed) disabled.push(parsed.disabled);
        else rejected.push({ id: String(item['id']), problems: parsed.problems, item });
      }
    }
    entries.sort((a, b) => a.id.localeCompare(b.id));
    disabled.sort();
    rejected.sort((a, b) => a.id.localeCompare(b.id));
    return { entries, disabled, rejected };
  }

  /** Writes (adds or replaces) entries; refuses, before writing anything, any entry its own read would reject. */
  async put(entries: readonly FaqEntry[], updatedBy?: string): Promise<void> {
    for (const entry of entries) {
      const problems = faqEntryProblems(entry);
      if (problems.length > 0) throw new FaqError(`invalid FAQ entry "${entry.id}": ${problems.join('; ')}`, problems);
    }
    const updatedAt = new Date(this.clock.now()).toISOString();
    for (let start = 0; start < entries.length; start += BATCH_SIZE) {
      const batch = entries.slice(start, start + BATCH_SIZE);
      let requests: Record<string, unknown>[] = batch.map((entry) => ({ PutRequest: { Item: faqItem(entry, { updatedAt, ...(updatedBy && { updatedBy }) }) } }));
      // BatchWrite may leave items unprocessed under throttling: resend those (a few times, then fail loudly).
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new FaqError(`FAQ table ${this.tableName}: ${requests.length} rows still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
        const result = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async remove(id: string): Promise<boolean> {
    const { Attributes } = await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { id }, ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}
