/**
 * The statistical test of the quality gates: a one-sided non-inferiority z test with a relative margin, on
 * proportions (the thumbs-up rate) and on means (CSAT, quality score). Pure arithmetic on counts; see README
 * "Changing routing" for why this test and not a sequential one.
 */

/** The standard normal CDF (Zelen & Severo 26.2.17, absolute error below 7.5e-8). */
export const normalCdf = (z: number): number => {
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const tail = density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
};

/** Infinite z (no variance on either arm) is reported as this, so figures stay JSON. */
const Z_LIMIT = 99;
const clampZ = (z: number): number => Math.max(-Z_LIMIT, Math.min(Z_LIMIT, z));

export interface ProportionTest {
  readonly controlRate: number;
  readonly treatmentRate: number;
  /** 1 - treatment / control: positive when the treatment is worse. */
  readonly relativeDrop: number;
  /** Classic pooled two-proportion z (H0: equal rates), reported for reading. */
  readonly zDifference: number;
  /** Two-sided p-value of zDifference. */
  readonly pDifference: number;
  /** Non-inferiority z against the margin: > critical, drop is below the margin; < -critical, it is above. */
  readonly zMargin: number;
}

/**
 * Two proportions, successes `x` of `n` per arm. `zMargin` tests H0: p_t <= (1 - margin) p_c, with the unpooled
 * (Wald) variance of p_t - (1 - margin) p_c: se = sqrt(p_t(1-p_t)/n_t + (1-margin)^2 p_c(1-p_c)/n_c).
 */
export const proportionTest = (control: { readonly x: number; readonly n: number }, treatment: { readonly x: number; readonly n: number }, margin: number): ProportionTest => {
  const pc = control.x / control.n;
  const pt = treatment.x / treatment.n;
  const pooled = (control.x + treatment.x) / (control.n + treatment.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const zDifference = ratio(pt - pc, sePooled);
  const k = 1 - margin;
  const seMargin = Math.sqrt((pt * (1 - pt)) / treatment.n + (k * k * pc * (1 - pc)) / control.n);
  return {
    controlRate: pc,
    treatmentRate: pt,
    relativeDrop: pc === 0 ? 0 : 1 - pt / pc,
    zDifference: clampZ(zDifference),
    pDifference: 2 * (1 - normalCdf(Math.abs(zDifference))),
    zMargin: clampZ(ratio(pt - k * pc, seMargin)),
  };
};

/** Running sums of a score: what the store keeps per arm. */
export interface ScoreSums {
  readonly count: number;
  readonly sum: number;
  readonly sumSquares: number;
}

export interface MeanTest {
  readonly controlMean: number;
  readonly treatmentMean: number;
  readonly relativeDrop: number;
  readonly zMargin: number;
}

const variance = (s: ScoreSums): number => (s.count < 2 ? 0 : Math.max(0, (s.sumSquares - (s.sum * s.sum) / s.count) / (s.count - 1)));

/** Means (CSAT, quality score): zMargin = (m_t - (1 - margin) m_c) / sqrt(v_t/n_t + (1 - margin)^2 v_c/n_c). */
export const meanTest = (control: ScoreSums, treatment: ScoreSums, margin: number): MeanTest => {
  const mc = control.sum / control.count;
  const mt = treatment.sum / treatment.count;
  const k = 1 - margin;
  const se = Math.sqrt(variance(treatment) / treatment.count + (k * k * variance(control)) / control.count);
  return { controlMean: mc, treatmentMean: mt, relativeDrop: mc === 0 ? 0 : 1 - mt / mc, zMargin: clampZ(ratio(mt - k * mc, se)) };
};

const ratio = (numerator: number, denominator: number): number => {
  if (denominator > 0) return numerator / denominator;
  if (numerator === 0) return 0;
  return numerator > 0 ? Infinity : -Infinity;
};
