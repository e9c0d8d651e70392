import { GetCommand, paginateQuery, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ARMS, type Arm } from '../core/experiments/assignment';
import { EMPTY_COUNTERS, EXPERIMENT_STATUSES, experimentIntent, isActive, type ArmCounters, type DecisionRecord, type Experiment, type StageCounters } from '../core/experiments/model';
import { bucketStart, type SatisfactionCounts, type TimeRange } from '../core/experiments/rollback';
import type { FeedbackRating } from '../core/metric-contract';
import { isIntent, isTier, type Intent } from '../core/vocabulary';
import { rollbackKey, type ArmKey, type ExperimentStore, type RollbackRecord } from '../ports/experiments';

const INDEX_PK = 'EXPERIMENTS';
const ROLLBACKS_PK = 'ROLLBACKS';
const intentKey = (intent: Intent) => ({ pk: INDEX_PK, sk: `INTENT#${intent}` });
const experimentPk = (id: string): string => `EXPERIMENT#${id}`;
const armSk = (stage: number, arm: Arm): string => `ARM#${stage}#${arm}`;
const pad = (value: number, width: number): string => String(value).padStart(width, '0');
/** How long an intent's satisfaction buckets are kept: the rollback baseline needs a day, a week leaves room to look. */
const SATISFACTION_TTL_SECONDS = 8 * 24 * 3600;

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
/** Plain JSON: the experiment's optional fields are omitted, never written as undefined. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** An experiment item read back; a malformed one is an error, never half-used. */
const parseExperiment = (item: Record<string, unknown> | undefined): Experiment | undefined => {
  const value = item?.['experiment'] as Partial<Experiment> | undefined;
  if (value === undefined) return undefined;
  const ok =
    typeof value.id === 'string' &&
    isIntent(value.intent) &&
    isTier(value.controlTier) &&
    isTier(value.treatmentTier) &&
    Array.isArray(value.stages) &&
    typeof value.stage === 'number' &&
    typeof value.revision === 'number' &&
    (EXPERIMENT_STATUSES as readonly unknown[]).includes(value.status);
  if (!ok) throw new Error(`Experiments item ${String(item?.['sk'])} is malformed`);
  return value as Experiment;
};

/**
 * Experiments over DynamoDB (lambdas/schema/tables.ts EXPERIMENTS_TABLE). An experiment moves only by a write
 * conditional on its revision (two evaluator runs at once: one moves it, the other's write fails and changes nothing);
 * counters are single UpdateItem ADDs, so concurrent answers and ratings never lose a count. No transactions
 * (dynalite has none): each write stands alone and is safe to repeat.
 */
export class DynamoExperimentStore implements ExperimentStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<readonly Experiment[]> {
    const experiments: Experiment[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': INDEX_PK, ':prefix': 'INTENT#' }, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const experiment = parseExperiment(item);
        if (experiment) experiments.push(experiment);
      }
    }
    return experiments;
  }

  async get(id: string): Promise<Experiment | undefined> {
    const intent = experimentIntent(id);
    if (intent === undefined) return undefined;
    const current = await this.current(intent);
    if (current?.id === id) return current;
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: experimentPk(id), sk: 'META' }, ConsistentRead: true }));
    return parseExperiment(Item);
  }

  async create(experiment: Experiment): Promise<'created' | 'intent_busy'> {
    const existing = await this.current(experiment.intent);
    if (existing !== undefined && isActive(existing)) return 'intent_busy';
    // The ended one keeps its own item before the intent's slot is reused.
    if (existing !== undefined) await this.archive(existing);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(experiment),
          // Nothing there, or exactly the ended experiment read above: a start racing another start loses here.
          ConditionExpression: existing === undefined ? 'attribute_not_exists(pk)' : 'experimentId = :id AND revision = :revision',
          ...(existing !== undefined && { ExpressionAttributeValues: { ':id': existing.id, ':revision': existing.revision } }),
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'intent_busy';
      throw error;
    }
  }

  async save(experiment: Experiment, expectedRevision: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(experiment),
          ConditionExpression: 'experimentId = :id AND revision = :expected',
          ExpressionAttributeValues: { ':id': experiment.id, ':expected': expectedRevision },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    if (!isActive(experiment)) await this.archive(experiment);
    return true;
  }

  async recordDecision(id: string, revision: number, record: DecisionRecord): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: experimentPk(id), sk: `DECISION#${pad(revision, 6)}`, revision, record: plain(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async decisions(id: string): Promise<readonly (DecisionRecord & { readonly revision: number })[]> {
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': experimentPk(id), ':prefix': 'DECISION#' },
        ConsistentRead: true,
      }),
    );
    return (page.Items ?? []).map((item) => ({ ...(item['record'] as DecisionRecord), revision: num(item['revision']) }));
  }

  async counters(id: string, stage: number): Promise<StageCounters> {
    const read = async (arm: Arm): Promise<ArmCounters> => {
      const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: experimentPk(id), sk: armSk(stage, arm) }, ConsistentRead: true }));
      if (Item === undefined) return EMPTY_COUNTERS;
      return {
        answers: num(Item['answers']),
        up: num(Item['up']),
        down: num(Item['down']),
        csat: { count: num(Item['csatCount']), sum: num(Item['csatSum']), sumSquares: num(Item['csatSumSquares']) },
        quality: { count: num(Item['qualityCount']), sum: num(Item['qualitySum']), sumSquares: num(Item['qualitySumSquares']) },
      };
    };
    const [control, treatment] = await Promise.all(ARMS.map(read));
    return { control: control ?? EMPTY_COUNTERS, treatment: treatment ?? EMPTY_COUNTERS };
  }

  async addAnswer(key: ArmKey, quality?: number): Promise<void> {
    const values: Record<string, number> = { ':one': 1 };
    let expression = 'ADD answers :one';
    if (quality !== undefined) {
      expression += ', qualityCount :one, qualitySum :q, qualitySumSquares :q2';
      values[':q'] = quality;
      values[':q2'] = quality * quality;
    }
    await this.add(key, expression, values);
  }

  async addFeedback(key: ArmKey, rating: FeedbackRating | undefined, csat?: number): Promise<void> {
    const parts: string[] = [];
    const values: Record<string, number> = { ':one': 1 };
    if (rating !== undefined) parts.push(rating === 'up' ? 'up :one' : 'down :one');
    if (csat !== undefined) {
      parts.push('csatCount :one', 'csatSum :c', 'csatSumSquares :c2');
      values[':c'] = csat;
      values[':c2'] = csat * csat;
    }
    if (parts.length > 0) await this.add(key, `ADD ${parts.join(', ')}`, values);
  }

  async addIntentRating(intent: Intent, answeredAt: number, rating: FeedbackRating, bucketMinutes: number): Promise<void> {
    const start = bucketStart(answeredAt, { bucketMinutes });
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `SATISFACTION#${intent}`, sk: pad(start, 15) },
        UpdateExpression: `ADD ${rating === 'up' ? 'up' : 'down'} :one SET expiresAt = if_not_exists(expiresAt, :expires)`,
        ExpressionAttributeValues: { ':one': 1, ':expires': Math.floor(start / 1000) + SATISFACTION_TTL_SECONDS },
      }),
    );
  }

  async intentRatings(intent: Intent, range: TimeRange): Promise<SatisfactionCounts> {
    let up = 0;
    let down = 0;
    if (range.to <= range.from) return { up, down };
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        // [from, to): BETWEEN is inclusive, so the upper bound is the last millisecond before `to`.
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `SATISFACTION#${intent}`, ':from': pad(Math.max(0, range.from), 15), ':to': pad(range.to - 1, 15) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        up += num(item['up']);
        down += num(item['down']);
      }
    }
    return { up, down };
  }

  async recordRollback(record: RollbackRecord): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ROLLBACKS_PK, sk: rollbackKey(record), at: record.at, record: plain(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async rollbacks(limit: number): Promise<readonly RollbackRecord[]> {
    const records: RollbackRecord[] = [];
    const pages = paginateQuery({ client: this.documents }, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': ROLLBACKS_PK } });
    for await (const page of pages) {
      for (const item of page.Items ?? []) records.push(item['record'] as RollbackRecord);
    }
    return records.sort((a, b) => b.at - a.at).slice(0, limit);
  }

  private async current(intent: Intent): Promise<Experiment | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: intentKey(intent), ConsistentRead: true }));
    return parseExperiment(Item);
  }

  private item(experiment: Experiment): Record<string, unknown> {
    return { ...intentKey(experiment.intent), experimentId: experiment.id, status: experiment.status, revision: experiment.revision, experiment: plain(experiment) };
  }

  private async archive(experiment: Experiment): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: experimentPk(experiment.id), sk: 'META', experiment: plain(experiment) } }));
  }

  private async add(key: ArmKey, expression: string, values: Record<string, number>): Promise<void> {
    await this.documents.send(
      new UpdateCommand({ TableName: this.tableName, Key: { pk: experimentPk(key.id), sk: armSk(key.stage, key.arm) }, UpdateExpression: expression, ExpressionAttributeValues: values }),
    );
  }
}
