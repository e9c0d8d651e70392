/**
 * Ensembles as a small pure library (issue 8 item 6; seed 002's strategies): voting, weighted voting,
 * confidence-select, quality-score, an agreement score, and seed 002's decision matrix of when an ensemble pays.
 * Generic over the label (an intent, a tier, an answer id): no I/O, no clock, no randomness; ties break on the
 * order of the votes, so results depend on nothing but the input.
 */

export interface Vote<L> {
  /** Who voted: `rules`, `model`, `llm`, a model id. */
  readonly source: string;
  readonly label: L;
  /** 0-1, the voter's own (ideally calibrated) confidence. */
  readonly confidence: number;
}

export interface EnsembleResult<L> {
  readonly label: L;
  /** The vote the result came from (the first vote of the winning label for the voting strategies). */
  readonly selected: Vote<L>;
  /** 0-1: the share of the vote mass on the winning label (seed 002: winner count / number of votes). */
  readonly agreement: number;
  /** A confidence for the combined label: the mean confidence of the votes for it, scaled by the agreement. */
  readonly confidence: number;
  readonly strategy: 'majority' | 'weighted' | 'confidence_select' | 'quality_score';
}

const requireVotes = <L>(votes: readonly Vote<L>[]): Vote<L> => {
  const first = votes[0];
  if (first === undefined) throw new Error('ensemble: no votes');
  return first;
};

const clamp01 = (value: number): number => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/** Sums `weightOf(vote)` per label; returns labels by mass, ties to the label voted first. */
const tally = <L>(votes: readonly Vote<L>[], weightOf: (vote: Vote<L>) => number): { label: L; mass: number; first: Vote<L>; confidences: number[] }[] => {
  const byLabel = new Map<L, { label: L; mass: number; first: Vote<L>; order: number; confidences: number[] }>();
  votes.forEach((vote, order) => {
    const entry = byLabel.get(vote.label) ?? { label: vote.label, mass: 0, first: vote, order, confidences: [] };
    entry.mass += Math.max(0, weightOf(vote));
    entry.confidences.push(clamp01(vote.confidence));
    byLabel.set(vote.label, entry);
  });
  return [...byLabel.values()].sort((a, b) => b.mass - a.mass || a.order - b.order);
};

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * Agreement score of a set of votes: the share of the total weight (1 a vote by default) on the most supported
 * label. 1 when all agree or there is a single vote; 1/n when n votes all differ.
 */
export const agreementScore = <L>(votes: readonly Vote<L>[], weightOf: (vote: Vote<L>) => number = () => 1): number => {
  if (votes.length <= 1) return 1;
  const ranked = tally(votes, weightOf);
  const total = ranked.reduce((sum, entry) => sum + entry.mass, 0);
  return total === 0 ? 0 : (ranked[0]?.mass ?? 0) / total;
};

/** One vote each; the most common label wins (ties: the label voted first). */
export const majorityVote = <L>(votes: readonly Vote<L>[]): EnsembleResult<L> => {
  requireVotes(votes);
  const first = requireVotes(votes);
  const winner = tally(votes, () => 1)[0] ?? { label: first.label, mass: 0, first, confidences: [] };
  const agreement = winner.mass / votes.length;
  return { label: winner.label, selected: winner.first, agreement, confidence: clamp01(mean(winner.confidences) * agreement), strategy: 'majority' };
};

/**
 * Weighted vote: each vote counts `weights[source]` (default 1) times its confidence; the label with the most mass
 * wins. With calibrated confidences this is the sum of the voters' probabilities for each label.
 */
export const weightedVote = <L>(votes: readonly Vote<L>[], weights: Readonly<Record<string, number>> = {}): EnsembleResult<L> => {
  const first = requireVotes(votes);
  const weightOf = (vote: Vote<L>): number => (weights[vote.source] ?? 1) * clamp01(vote.confidence);
  const ranked = tally(votes, weightOf);
  const total = ranked.reduce((sum, entry) => sum + entry.mass, 0);
  const winner = ranked[0] ?? { label: first.label, mass: 0, first, confidences: [] };
  const agreement = total === 0 ? agreementScore(votes) : winner.mass / total;
  return { label: winner.label, selected: winner.first, agreement, confidence: clamp01(mean(winner.confidences) * agreement), strategy: 'weighted' };
};

/** The single most confident vote (seed 002 `confidence_select`); ties to the earlier vote. */
export const confidenceSelect = <L>(votes: readonly Vote<L>[]): EnsembleResult<L> => {
  let best = requireVotes(votes);
  for (const vote of votes) if (clamp01(vote.confidence) > clamp01(best.confidence)) best = vote;
  return { label: best.label, selected: best, agreement: agreementScore(votes), confidence: clamp01(best.confidence), strategy: 'confidence_select' };
};

/** The vote with the best `score` (seed 002 `quality_score`); its agreement is the agreement of all votes. */
export const qualityScore = <L>(votes: readonly Vote<L>[], score: (vote: Vote<L>) => number): EnsembleResult<L> => {
  let best = requireVotes(votes);
  let bestScore = score(best);
  for (const vote of votes.slice(1)) {
    const value = score(vote);
    if (value > bestScore) {
      best = vote;
      bestScore = value;
    }
  }
  return { label: best.label, selected: best, agreement: agreementScore(votes), confidence: clamp01(bestScore), strategy: 'quality_score' };
};

export type CostBudget = 'strict' | 'normal' | 'generous';
export type ComplexityBand = 'low' | 'medium' | 'high';
export type EnsembleStrategy = 'single_cheap' | 'cheap_with_cache' | 'routing' | 'routing_with_cache' | 'single_strong' | 'ensemble';

/**
 * Seed 002's decision matrix: the strategy for a cost budget (strict < $0.005, normal < $0.05, generous < $0.50 a
 * query) and a query complexity. Only a generous budget on a complex query pays for an ensemble (cascade or vote).
 */
export const DECISION_MATRIX: Readonly<Record<CostBudget, Readonly<Record<ComplexityBand, EnsembleStrategy>>>> = {
  strict: { low: 'single_cheap', medium: 'cheap_with_cache', high: 'cheap_with_cache' },
  normal: { low: 'single_cheap', medium: 'routing', high: 'single_strong' },
  generous: { low: 'single_cheap', medium: 'routing_with_cache', high: 'ensemble' },
};

/** Complexity 1-10 (the classifier's) to the matrix's band: 1-3 low, 4-6 medium, 7-10 high. */
export const complexityBand = (complexity: number): ComplexityBand => (complexity <= 3 ? 'low' : complexity <= 6 ? 'medium' : 'high');

export const chooseStrategy = (budget: CostBudget, complexity: number): EnsembleStrategy => DECISION_MATRIX[budget][complexityBand(complexity)];
