import type { Arm } from '../core/experiments/assignment';
import { EMPTY_COUNTERS, isActive, type ArmCounters, type DecisionRecord, type Experiment, type StageCounters } from '../core/experiments/model';
import { bucketStart, type SatisfactionCounts, type TimeRange } from '../core/experiments/rollback';
import type { FeedbackRating } from '../core/metric-contract';
import type { Intent } from '../core/vocabulary';
import { rollbackKey, type ArmKey, type ExperimentStore, type RollbackRecord } from '../ports/experiments';

const armKey = (key: ArmKey): string => `${key.id}#${key.stage}#${key.arm}`;

/** Experiments in process: core and app tests, and the simulator. Same contract as the DynamoDB store. */
export class MemoryExperimentStore implements ExperimentStore {
  private readonly current = new Map<Intent, Experiment>();
  private readonly ended = new Map<string, Experiment>();
  private readonly history = new Map<string, Map<number, DecisionRecord>>();
  private readonly arms = new Map<string, ArmCounters>();
  private readonly buckets = new Map<string, SatisfactionCounts>();
  private readonly rollbackRecords = new Map<string, RollbackRecord>();

  async list(): Promise<readonly Experiment[]> {
    return [...this.current.values()];
  }

  async get(id: string): Promise<Experiment | undefined> {
    return [...this.current.values()].find((experiment) => experiment.id === id) ?? this.ended.get(id);
  }

  async create(experiment: Experiment): Promise<'created' | 'intent_busy'> {
    const existing = this.current.get(experiment.intent);
    if (existing !== undefined && isActive(existing)) return 'intent_busy';
    if (existing !== undefined) this.ended.set(existing.id, existing);
    this.current.set(experiment.intent, experiment);
    return 'created';
  }

  async save(experiment: Experiment, expectedRevision: number): Promise<boolean> {
    const existing = this.current.get(experiment.intent);
    if (existing === undefined || existing.id !== experiment.id || existing.revision !== expectedRevision) return false;
    this.current.set(experiment.intent, experiment);
    return true;
  }

  async recordDecision(id: string, revision: number, record: DecisionRecord): Promise<void> {
    const records = this.history.get(id) ?? new Map<number, DecisionRecord>();
    if (!records.has(revision)) records.set(revision, record);
    this.history.set(id, records);
  }

  async decisions(id: string): Promise<readonly (DecisionRecord & { readonly revision: number })[]> {
    return [...(this.history.get(id) ?? new Map<number, DecisionRecord>()).entries()].sort(([a], [b]) => a - b).map(([revision, record]) => ({ ...record, revision }));
  }

  async counters(id: string, stage: number): Promise<StageCounters> {
    const of = (arm: Arm): ArmCounters => this.arms.get(armKey({ id, stage, arm })) ?? EMPTY_COUNTERS;
    return { control: of('control'), treatment: of('treatment') };
  }

  async addAnswer(key: ArmKey, quality?: number): Promise<void> {
    const was = this.arms.get(armKey(key)) ?? EMPTY_COUNTERS;
    this.arms.set(armKey(key), {
      ...was,
      answers: was.answers + 1,
      quality: quality === undefined ? was.quality : { count: was.quality.count + 1, sum: was.quality.sum + quality, sumSquares: was.quality.sumSquares + quality * quality },
    });
  }

  async addFeedback(key: ArmKey, rating: FeedbackRating | undefined, csat?: number): Promise<void> {
    const was = this.arms.get(armKey(key)) ?? EMPTY_COUNTERS;
    this.arms.set(armKey(key), {
      ...was,
      up: was.up + (rating === 'up' ? 1 : 0),
      down: was.down + (rating === 'down' ? 1 : 0),
      csat: csat === undefined ? was.csat : { count: was.csat.count + 1, sum: was.csat.sum + csat, sumSquares: was.csat.sumSquares + csat * csat },
    });
  }

  async addIntentRating(intent: Intent, answeredAt: number, rating: FeedbackRating, bucketMinutes: number): Promise<void> {
    const key = `${intent}#${bucketStart(answeredAt, { bucketMinutes })}`;
    const was = this.buckets.get(key) ?? { up: 0, down: 0 };
    this.buckets.set(key, { up: was.up + (rating === 'up' ? 1 : 0), down: was.down + (rating === 'down' ? 1 : 0) });
  }

  async intentRatings(intent: Intent, range: TimeRange): Promise<SatisfactionCounts> {
    let up = 0;
    let down = 0;
    for (const [key, counts] of this.buckets) {
      const [name, start] = key.split('#');
      const at = Number(start);
      if (name === intent && at >= range.from && at < range.to) {
        up += counts.up;
        down += counts.down;
      }
    }
    return { up, down };
  }

  async recordRollback(record: RollbackRecord): Promise<void> {
    const key = rollbackKey(record);
    if (!this.rollbackRecords.has(key)) this.rollbackRecords.set(key, record);
  }

  async rollbacks(limit: number): Promise<readonly RollbackRecord[]> {
    return [...this.rollbackRecords.values()].sort((a, b) => b.at - a.at).slice(0, limit);
  }
}
