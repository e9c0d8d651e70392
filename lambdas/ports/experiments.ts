import type { Arm } from '../core/experiments/assignment';
import type { DecisionRecord, Experiment, StageCounters } from '../core/experiments/model';
import type { RollbackFigures, SatisfactionCounts, TimeRange } from '../core/experiments/rollback';
import type { FeedbackRating } from '../core/metric-contract';
import type { Intent } from '../core/vocabulary';

/** Where an answer was counted: the experiment, its stage when the answer was routed, and the arm. */
export interface ArmKey {
  readonly id: string;
  readonly stage: number;
  readonly arm: Arm;
}

/** A rollback as recorded: what was reverted, why, with the versions and figures (the alarm's record). */
export interface RollbackRecord {
  readonly at: number;
  readonly intent: Intent;
  /** The experiment whose arm was switched off, or whose promotion was reverted; absent for a person's change. */
  readonly experimentId?: string;
  /** `arm`: a treatment arm switched off (the map never changed); `version`: the intent reverted in a new version. */
  readonly kind: 'arm' | 'version';
  /** For `version`: the version that made the change, the one restored for the intent, and the new version written. */
  readonly fromVersion?: number;
  readonly toVersion?: number;
  readonly newVersion?: number;
  readonly reason: string;
  readonly figures?: RollbackFigures | DecisionRecord['figures'];
}

/** What makes a rollback one: the same revert recorded twice (two evaluator runs) is one record. */
export const rollbackKey = (record: Pick<RollbackRecord, 'intent' | 'kind' | 'fromVersion' | 'experimentId'>): string =>
  record.kind === 'version' ? `${record.intent}#v${record.fromVersion ?? 'none'}` : `${record.intent}#${record.experimentId ?? 'none'}`;

/**
 * Experiments and their counters (the Experiments table, lambdas/schema/tables.ts). Every write that moves an
 * experiment is conditional on its revision, so two evaluator runs at once move it once; counters are atomic adds.
 */
export interface ExperimentStore {
  /** The latest experiment of every intent that has had one (running or ended). */
  list(): Promise<readonly Experiment[]>;
  /** An experiment by id, the current one of its intent or an ended one. */
  get(id: string): Promise<Experiment | undefined>;
  /** Stores a new experiment unless its intent has an active one: `intent_busy` then, nothing written. */
  create(experiment: Experiment): Promise<'created' | 'intent_busy'>;
  /** Replaces the experiment if its stored revision is still `expectedRevision`; false when it was not. */
  save(experiment: Experiment, expectedRevision: number): Promise<boolean>;
  /** Keeps a transition (not a hold) in the experiment's history; one per revision, a repeat is ignored. */
  recordDecision(id: string, revision: number, record: DecisionRecord): Promise<void>;
  decisions(id: string): Promise<readonly (DecisionRecord & { readonly revision: number })[]>;
  /** The counters of one stage of an experiment, both arms (zeros where nothing was counted). */
  counters(id: string, stage: number): Promise<StageCounters>;
  /** One answer on an arm, with its quality score (0-1) when it has one. */
  addAnswer(key: ArmKey, quality?: number): Promise<void>;
  /** One rating (and CSAT score) of an answer counted on the arm. */
  addFeedback(key: ArmKey, rating: FeedbackRating | undefined, csat?: number): Promise<void>;
  /** One rating of an intent's answer, in the bucket of when the answer was given (the rollback rule's counters). */
  addIntentRating(intent: Intent, answeredAt: number, rating: FeedbackRating, bucketMinutes: number): Promise<void>;
  /** The intent's ratings in a time range (bucket starts in [from, to)). */
  intentRatings(intent: Intent, range: TimeRange): Promise<SatisfactionCounts>;
  /** Records a rollback once: by intent and the version it reverted, or intent and experiment for an arm (rollbackKey). */
  recordRollback(record: RollbackRecord): Promise<void>;
  /** The newest rollbacks first. */
  rollbacks(limit: number): Promise<readonly RollbackRecord[]>;
}
