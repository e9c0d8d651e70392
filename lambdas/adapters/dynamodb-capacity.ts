import { DeleteCommand, paginateScan, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { BUDGET_MODES, isDay, type BudgetMode, type PartialDemotion } from '../core/budget/guardian';
import { CalendarError, eventProblems, type CalendarEvent } from '../core/capacity/calendar';
import { formatJst, JST_OFFSET_MS, MINUTE_MS, parseInstant, type Weekday } from '../core/capacity/jst';
import type { MitigationState } from '../core/capacity/mitigation';
import { MODEL_TIERS, type ScaleUp } from '../core/capacity/planner';
import { onDemandTarget, type PendingChange, type ServingTarget, type TierTarget } from '../core/capacity/reconcile';
import { isIntent, type Intent, type ModelTier } from '../core/vocabulary';
import type { CalendarListing, CalendarStore, CapacityStateStore, Clock, PublishedBudgetStatus, RejectedCalendarRow, ServingState } from '../ports';

/**
 * The capacity ports over DynamoDB (lib-dynamodb's DocumentClient). Item layouts are documented with the tables in
 * lambdas/schema/tables.ts (CAPACITY_STATE_TABLE, EVENT_CALENDAR_TABLE); the two stores differ in how they treat a
 * row they cannot read:
 * - capacity state is written by code only, so a malformed item is a bug or a bad manual edit: every read that
 *   meets one throws a CapacityItemError naming it, and nothing is half-read. Callers keep their last good state
 *   (the request path) or fail the run loudly (the reconciler) rather than act on a guess; in particular a broken
 *   `TARGET#<tier>` never silently becomes "on-demand, version 0".
 * - the calendar is edited by operators, so a malformed or invalid row is skipped: `list()` returns the good
 *   events, `listWithProblems()` also returns every rejected row with its problems for the caller to log or show.
 */

type Item = Record<string, unknown>;

const isRecord = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

/** A capacity state item that does not have the documented shape; `key` is its `pk`. */
export class CapacityItemError extends Error {
  override readonly name = 'CapacityItemError';
  constructor(
    readonly tableName: string,
    readonly key: string,
    readonly problems: readonly string[],
  ) {
    super(`malformed item "${key}" in table ${tableName}: ${problems.join('; ')}`);
  }
}

/** Reads typed fields out of an untyped item, collecting a sentence per problem instead of stopping at the first. */
class FieldReader {
  constructor(
    private readonly item: Item,
    readonly problems: string[] = [],
    private readonly prefix = '',
  ) {}

  nested(item: Item, prefix: string): FieldReader {
    return new FieldReader(item, this.problems, `${this.prefix}${prefix}`);
  }

  problem(text: string): void {
    this.problems.push(`${this.prefix}${text}`);
  }

  number(field: string, description = 'a number', valid: (n: number) => boolean = () => true): number {
    const value = this.item[field];
    if (typeof value === 'number' && Number.isFinite(value) && valid(value)) return value;
    this.problem(`${field} must be ${description}, got ${show(value)}`);
    return Number.NaN;
  }

  integer(field: string, min: number): number {
    return this.number(field, `an integer >= ${min}`, (n) => Number.isInteger(n) && n >= min);
  }

  string(field: string): string {
    const value = this.item[field];
    if (typeof value === 'string' && value.trim().length > 0) return value;
    this.problem(`${field} must be a non-empty string, got ${show(value)}`);
    return '';
  }
}

/** Every item of a table (or the ones a filter keeps), all pages. */
const scanAll = async (documents: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of paginateScan({ client: documents }, input)) items.push(...(page.Items ?? []));
  return items;
};

const TARGET_PREFIX = 'TARGET#';
const SCALE_UP_PREFIX = 'SCALEUP#';
const MITIGATION_KEY = 'MITIGATION';
/**
 * `BUDGET`: the budget status the invoke path publishes for the `route` Lambda (which cannot reach the ledger):
 * `day` (JST `YYYY-MM-DD`), `mode` (normal | conserve | emergency | exhausted), `demoted` (list of intents, in ramp
 * order), `partial` (list of `{intent, share}`: locked intents moved for a share in (0, 1] of their requests; absent
 * = none), `updatedAt` (epoch ms).
 */
const BUDGET_KEY = 'BUDGET';
const targetKey = (tier: ModelTier): string => `${TARGET_PREFIX}${tier}`;
const DAY_SECONDS = 24 * 60 * 60;

const isModelTier = (value: unknown): value is ModelTier => (MODEL_TIERS as readonly unknown[]).includes(value);

/**
 * Routing targets, mitigation and scale-ups in the CapacityState table. Reads are strongly consistent (the table
 * holds a handful of items), so a run sees the switch the previous run made.
 */
export class DynamoCapacityStateStore implements CapacityStateStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One paginated Scan of everything but the scale-ups. Items with other keys are not this reader's and are left
   * alone; a malformed `TARGET#<tier>`, `MITIGATION` or `BUDGET` throws CapacityItemError. Mitigation and the budget
   * status are returned as stored, expired or of another day: whether they apply is the reader's decision.
   */
  async readServingState(): Promise<ServingState> {
    const items = await scanAll(this.documents, {
      TableName: this.tableName,
      ConsistentRead: true,
      FilterExpression: 'NOT begins_with(#pk, :scaleUp)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':scaleUp': SCALE_UP_PREFIX },
    });
    const targets: Record<ModelTier, TierTarget> = { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') };
    let mitigation: MitigationState | undefined;
    let budget: PublishedBudgetStatus | undefined;
    for (const item of items) {
      const key = item['pk'];
      if (key === MITIGATION_KEY) {
        mitigation = this.parseMitigation(item);
        continue;
      }
      if (key === BUDGET_KEY) {
        budget = this.parseBudget(item);
        continue;
      }
      const tier = MODEL_TIERS.find((t) => key === targetKey(t));
      if (tier) targets[tier] = this.parseTarget(tier, item);
    }
    return { targets, ...(mitigation && { mitigation }), ...(budget && { budget }) };
  }

  async switchTarget(tier: ModelTier, expectedVersion: number, provisioned: readonly ServingTarget[], at: number): Promise<boolean> {
    // A tier that was never switched may still have an item: setPending creates one at version 0.
    const firstSwitch = expectedVersion === 0;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: targetKey(tier) },
          UpdateExpression: 'SET #tier = :tier, #version = :next, #provisioned = :provisioned, #switchedAt = :at REMOVE #pending',
          ConditionExpression: firstSwitch ? 'attribute_not_exists(#pk) OR #version = :expected' : '#version = :expected',
          ExpressionAttributeNames: {
            ...(firstSwitch && { '#pk': 'pk' }),
            '#tier': 'tier',
            '#version': 'version',
            '#provisioned': 'provisioned',
            '#switchedAt': 'switchedAt',
            '#pending': 'pending',
          },
          ExpressionAttributeValues: {
            ':tier': tier,
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
            ':provisioned': provisioned.map(({ arn, units }) => ({ arn, units })),
            ':at': at,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Sets or removes `pending` only; an absent item is created as the on-demand target (version 0, no throughput). */
  async setPending(tier: ModelTier, pending: PendingChange | undefined): Promise<void> {
    const keepOrCreate = '#tier = :tier, #version = if_not_exists(#version, :zero), #provisioned = if_not_exists(#provisioned, :none), #switchedAt = if_not_exists(#switchedAt, :zero)';
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: targetKey(tier) },
        UpdateExpression: pending ? `SET ${keepOrCreate}, #pending = :pending` : `SET ${keepOrCreate} REMOVE #pending`,
        ExpressionAttributeNames: { '#tier': 'tier', '#version': 'version', '#provisioned': 'provisioned', '#switchedAt': 'switchedAt', '#pending': 'pending' },
        ExpressionAttributeValues: {
          ':tier': tier,
          ':zero': 0,
          ':none': [],
          ...(pending && { ':pending': { units: pending.units, name: pending.name, requestedAt: pending.requestedAt } }),
        },
      }),
    );
  }

  async setMitigation(state: MitigationState): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: mitigationItem(state) }));
  }

  /** A conditional put: only when there is no mitigation item or the stored one ended at or before `now`. */
  async startMitigationIfOff(state: MitigationState, now: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: mitigationItem(state),
          ConditionExpression: 'attribute_not_exists(#pk) OR #until <= :now',
          ExpressionAttributeNames: { '#pk': 'pk', '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async clearMitigation(): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: MITIGATION_KEY } }));
  }

  /**
   * Scale-ups with `until` after `now`. Only the key prefix is filtered by DynamoDB: the time is checked here, after
   * validation, so a malformed scale-up throws instead of being filtered out unseen. Spent ones are removed by TTL.
   */
  async listScaleUps(now: number): Promise<ScaleUp[]> {
    const items = await scanAll(this.documents, {
      TableName: this.tableName,
      ConsistentRead: true,
      FilterExpression: 'begins_with(#pk, :scaleUp)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':scaleUp': SCALE_UP_PREFIX },
    });
    return items.map((item) => this.parseScaleUp(item)).filter((scaleUp) => now < scaleUp.until);
  }

  /** The key holds tier, until and units: a retried write of the same scale-up is the same item, not a second one. */
  async addScaleUp(scaleUp: ScaleUp): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${SCALE_UP_PREFIX}${scaleUp.tier}#${scaleUp.until}#${scaleUp.extraUnits}`,
          tier: scaleUp.tier,
          extraUnits: scaleUp.extraUnits,
          until: scaleUp.until,
          expiresAt: Math.ceil(scaleUp.until / 1000) + DAY_SECONDS,
        },
      }),
    );
  }

  async publishBudgetStatus(status: PublishedBudgetStatus): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: BUDGET_KEY,
          day: status.day,
          mode: status.mode,
          demoted: [...status.demoted],
          partial: status.partial.map(({ intent, share }) => ({ intent, share })),
          updatedAt: status.updatedAt,
        },
      }),
    );
  }

  private fail(item: Item, problems: readonly string[]): never {
    throw new CapacityItemError(this.tableName, String(item['pk']), problems);
  }

  private parseTarget(tier: ModelTier, item: Item): TierTarget {
    const fields = new FieldReader(item);
    if (item['tier'] !== tier) fields.problem(`tier must be "${tier}", got ${show(item['tier'])}`);
    const version = fields.integer('version', 0);
    const switchedAt = fields.number('switchedAt', 'epoch ms >= 0', (n) => n >= 0);
    const provisioned: ServingTarget[] = [];
    const list = item['provisioned'];
    if (!Array.isArray(list)) fields.problem(`provisioned must be a list of {arn, units}, got ${show(list)}`);
    else {
      list.forEach((entry: unknown, index) => {
        if (!isRecord(entry)) return fields.problem(`provisioned[${index}] must be {arn, units}, got ${show(entry)}`);
        const entryFields = fields.nested(entry, `provisioned[${index}].`);
        provisioned.push({ arn: entryFields.string('arn'), units: entryFields.integer('units', 1) });
      });
    }
    let pending: PendingChange | undefined;
    const rawPending = item['pending'];
    if (isRecord(rawPending)) {
      const pendingFields = fields.nested(rawPending, 'pending.');
      pending = { units: pendingFields.integer('units', 0), name: pendingFields.string('name'), requestedAt: pendingFields.number('requestedAt', 'epoch ms') };
    } else if (rawPending !== undefined && rawPending !== null) {
      fields.problem(`pending must be {units, name, requestedAt}, got ${show(rawPending)}`);
    }
    if (fields.problems.length > 0) this.fail(item, fields.problems);
    return { tier, version, provisioned, switchedAt, ...(pending && { pending }) };
  }

  private parseMitigation(item: Item): MitigationState {
    const fields = new FieldReader(item);
    const state: MitigationState = {
      until: fields.number('until', 'epoch ms'),
      reason: fields.string('reason'),
      setBy: fields.string('setBy'),
      startedAt: fields.number('startedAt', 'epoch ms'),
    };
    if (fields.problems.length > 0) this.fail(item, fields.problems);
    return state;
  }

  private parseBudget(item: Item): PublishedBudgetStatus {
    const fields = new FieldReader(item);
    const day = fields.string('day');
    if (day && !isDay(day)) fields.problem(`day must be a YYYY-MM-DD date, got ${show(day)}`);
    const mode = item['mode'];
    if (!(BUDGET_MODES as readonly unknown[]).includes(mode)) fields.problem(`mode must be one of ${BUDGET_MODES.join(', ')}, got ${show(mode)}`);
    const rawDemoted = item['demoted'];
    const demoted: Intent[] = [];
    if (!Array.isArray(rawDemoted)) fields.problem(`demoted must be a list of intents, got ${show(rawDemoted)}`);
    else {
      rawDemoted.forEach((intent: unknown, index) => {
        if (isIntent(intent)) demoted.push(intent);
        else fields.problem(`demoted[${index}] must be an intent, got ${show(intent)}`);
      });
    }
    const partial: PartialDemotion[] = [];
    const rawPartial = item['partial'];
    if (Array.isArray(rawPartial)) {
      rawPartial.forEach((entry: unknown, index) => {
        if (!isRecord(entry)) return fields.problem(`partial[${index}] must be {intent, share}, got ${show(entry)}`);
        const entryFields = fields.nested(entry, `partial[${index}].`);
        const intent = entry['intent'];
        if (!isIntent(intent)) entryFields.problem(`intent must be an intent, got ${show(intent)}`);
        const share = entryFields.number('share', 'a share in (0, 1]', (n) => n > 0 && n <= 1);
        if (isIntent(intent)) partial.push({ intent, share });
      });
    } else if (rawPartial !== undefined && rawPartial !== null) {
      fields.problem(`partial must be a list of {intent, share}, got ${show(rawPartial)}`);
    }
    const updatedAt = fields.number('updatedAt', 'epoch ms >= 0', (n) => n >= 0);
    if (fields.problems.length > 0) this.fail(item, fields.problems);
    return { day, mode: mode as BudgetMode, demoted, partial, updatedAt };
  }

  private parseScaleUp(item: Item): ScaleUp {
    const fields = new FieldReader(item);
    const tier = item['tier'];
    if (!isModelTier(tier)) fields.problem(`tier must be one of ${MODEL_TIERS.join(', ')}, got ${show(tier)}`);
    const scaleUp = { tier: tier as ModelTier, extraUnits: fields.integer('extraUnits', 1), until: fields.number('until', 'epoch ms') };
    if (fields.problems.length > 0) this.fail(item, fields.problems);
    return scaleUp;
  }
}

const mitigationItem = (state: MitigationState): Item => ({
  pk: MITIGATION_KEY,
  until: state.until,
  reason: state.reason,
  setBy: state.setBy,
  startedAt: state.startedAt,
});

/** A calendar row that cannot be planned from: skipped by `list()`, reported by `listWithProblems()`. */
export interface RejectedCalendarItem extends RejectedCalendarRow {
  readonly item: Readonly<Item>;
}

export interface CalendarItemListing extends CalendarListing {
  readonly rejected: RejectedCalendarItem[];
}

/** `2026-12-24T18:00:00+09:00`; milliseconds only when there are some, so the row reads back to the same instant. */
const formatInstant = (epochMs: number): string =>
  epochMs % 1000 === 0 ? formatJst(epochMs) : `${new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;

const calendarItem = (event: CalendarEvent, updatedAt: string): Item => {
  const common = {
    id: event.id,
    kind: event.kind,
    name: event.name,
    multiplier: event.multiplier,
    leadMinutes: event.leadMs / MINUTE_MS,
    // The budget guardian's event pool reads it back: dropping it here made `--budget-multiplier` a silent no-op.
    ...(event.budgetMultiplier !== undefined && { budgetMultiplier: event.budgetMultiplier }),
    updatedAt,
  };
  return event.kind === 'once'
    ? { ...common, start: formatInstant(event.start), end: formatInstant(event.end) }
    : { ...common, weekday: event.weekday, at: event.at, durationMinutes: event.durationMs / MINUTE_MS };
};

const minutesToMs = (minutes: number): number => Math.round(minutes * MINUTE_MS);

/** A row as an event, or every problem of it: its shape first, then the core's own rules (eventProblems). */
export const parseCalendarItem = (item: Item): { event: CalendarEvent } | { problems: string[] } => {
  const fields = new FieldReader(item);
  const id = fields.string('id');
  const name = fields.string('name');
  const multiplier = fields.number('multiplier');
  const leadMs = minutesToMs(fields.number('leadMinutes'));
  const instant = (field: string): number => {
    const text = fields.string(field);
    const ms = text ? parseInstant(text) : Number.NaN;
    if (ms === undefined) fields.problem(`${field} must be an ISO 8601 instant with an offset (2026-12-24T18:00:00+09:00), got ${show(text)}`);
    return ms ?? Number.NaN;
  };
  let event: CalendarEvent | undefined;
  const kind = item['kind'];
  if (kind === 'once') {
    event = { id, kind, name, multiplier, leadMs, start: instant('start'), end: instant('end') };
  } else if (kind === 'weekly') {
    event = { id, kind, name, multiplier, leadMs, weekday: fields.string('weekday') as Weekday, at: fields.string('at'), durationMs: minutesToMs(fields.number('durationMinutes')) };
  } else {
    fields.problem(`kind must be "once" or "weekly", got ${show(kind)}`);
  }
  // Optional: absent means the event moves traffic only, no budget pool of its own.
  if (event !== undefined && item['budgetMultiplier'] !== undefined) event = { ...event, budgetMultiplier: fields.number('budgetMultiplier') };
  if (fields.problems.length > 0 || event === undefined) return { problems: fields.problems };
  const problems = eventProblems(event);
  return problems.length > 0 ? { problems } : { event };
};

/** The event calendar table, one item per event (see EVENT_CALENDAR_TABLE). */
export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Stamps `updatedAt` on added rows. */
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  /** The valid events; rows that cannot be planned from are skipped (see listWithProblems). */
  async list(): Promise<CalendarEvent[]> {
    return (await this.listWithProblems()).events;
  }

  /** Every row, all pages: the valid ones as events, the others with the reasons they were rejected. */
  async listWithProblems(): Promise<CalendarItemListing> {
    const items = await scanAll(this.documents, { TableName: this.tableName, ConsistentRead: true });
    const events: CalendarEvent[] = [];
    const rejected: RejectedCalendarItem[] = [];
    for (const item of items) {
      const parsed = parseCalendarItem(item);
      if ('event' in parsed) events.push(parsed.event);
      else rejected.push({ id: String(item['id']), problems: parsed.problems, item });
    }
    events.sort((a, b) => a.id.localeCompare(b.id));
    rejected.sort((a, b) => a.id.localeCompare(b.id));
    return { events, rejected };
  }

  /**
   * A conditional put (`attribute_not_exists(id)`). Also refuses an event its own list() would reject, so nothing
   * written here is skipped later. Overlaps with other events are the caller's check (validateNewEvent).
   */
  async add(event: CalendarEvent): Promise<void> {
    const problems = eventProblems(event);
    if (problems.length > 0) throw new CalendarError(`invalid event "${event.id}": ${problems.join('; ')}`);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: calendarItem(event, formatJst(this.clock.now())),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'id' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new CalendarError(`an event with id "${event.id}" already exists`, { cause: error });
      throw error;
    }
  }

  async remove(id: string): Promise<boolean> {
    const { Attributes } = await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { id }, ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}
