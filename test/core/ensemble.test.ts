import {
  agreementScore,
  chooseStrategy,
  complexityBand,
  confidenceSelect,
  DECISION_MATRIX,
  majorityVote,
  qualityScore,
  weightedVote,
  type Vote,
} from '../../lambdas/core/ensemble';

const vote = (source: string, label: string, confidence: number): Vote<string> => ({ source, label, confidence });

describe('ensemble library', () => {
  const votes = [vote('rules', 'recommendation', 0.4), vote('model', 'product_search', 0.9), vote('llm', 'recommendation', 0.7)];

  it('majority vote: the most common label, agreement = its share of the votes', () => {
    const result = majorityVote(votes);
    expect(result.label).toBe('recommendation');
    expect(result.selected.source).toBe('rules');
    expect(result.agreement).toBeCloseTo(2 / 3);
    expect(result.strategy).toBe('majority');
  });

  it('majority vote ties go to the label voted first', () => {
    expect(majorityVote([vote('a', 'x', 0.1), vote('b', 'y', 0.9)]).label).toBe('x');
  });

  it('weighted vote: weight times confidence per label', () => {
    // recommendation 0.4 + 0.7 = 1.1 against product_search 0.9
    expect(weightedVote(votes).label).toBe('recommendation');
    // the model counted twice: 1.8 against 1.1
    const heavy = weightedVote(votes, { model: 2 });
    expect(heavy.label).toBe('product_search');
    expect(heavy.agreement).toBeCloseTo(1.8 / 2.9);
  });

  it('confidence-select: the most confident vote', () => {
    const result = confidenceSelect(votes);
    expect(result.label).toBe('product_search');
    expect(result.confidence).toBe(0.9);
    expect(result.agreement).toBeCloseTo(2 / 3);
  });

  it('quality-score: the best scored vote', () => {
    const result = qualityScore(votes, (v) => (v.source === 'llm' ? 0.95 : 0.1));
    expect(result.selected.source).toBe('llm');
    expect(result.confidence).toBe(0.95);
  });

  it('agreement score: 1 for one vote or unanimity, 1/n when all differ', () => {
    expect(agreementScore([vote('a', 'x', 1)])).toBe(1);
    expect(agreementScore([vote('a', 'x', 1), vote('b', 'x', 0.2)])).toBe(1);
    expect(agreementScore([vote('a', 'x', 1), vote('b', 'y', 1), vote('c', 'z', 1)])).toBeCloseTo(1 / 3);
  });

  it('refuses an empty vote', () => {
    expect(() => majorityVote([])).toThrow(/no votes/);
    expect(() => confidenceSelect([])).toThrow(/no votes/);
  });

  it("seed 002's decision matrix: an ensemble only for a generous budget and a complex query", () => {
    expect(complexityBand(2)).toBe('low');
    expect(complexityBand(5)).toBe('medium');
    expect(complexityBand(8)).toBe('high');
    expect(chooseStrategy('generous', 9)).toBe('ensemble');
    expect(chooseStrategy('normal', 9)).toBe('single_strong');
    expect(chooseStrategy('strict', 9)).toBe('cheap_with_cache');
    const ensembles = Object.values(DECISION_MATRIX).flatMap((row) => Object.values(row)).filter((s) => s === 'ensemble');
    expect(ensembles).toHaveLength(1);
  });
});
