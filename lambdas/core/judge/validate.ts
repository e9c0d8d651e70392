import { MAX_SCORE, MIN_SCORE } from './rubric';

/** The judge's verdict once validated: an integer score within the rubric's bounds and its reason. */
export interface JudgeVerdict {
  readonly score: number;
  readonly reason: string;
}

/** Why a verdict did not count: stable codes, printed and counted as judge failures (never a crash). */
export const JUDGE_FAILURES = ['malformed_json', 'not_an_object', 'missing_score', 'score_not_integer', 'score_out_of_range', 'missing_reason'] as const;
export type JudgeFailure = (typeof JUDGE_FAILURES)[number];

export type JudgeValidation = { readonly ok: true; readonly verdict: JudgeVerdict } | { readonly ok: false; readonly failure: JudgeFailure };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates the tool input the judge returned (an object, or a JSON string of one when a forwarded server hands the
 * raw arguments). The score must be an integer in [1, 10]: a 7.5 or an 11 is not rounded or clamped into the mean,
 * since a judge that ignores its schema is not trusted with the figure either. The reason must be a string (it may
 * be empty: the score is what counts). A JSON number written as a string ("8") is not accepted.
 */
export const validateJudgeVerdict = (input: unknown): JudgeValidation => {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, failure: 'malformed_json' };
    }
  }
  if (!isRecord(value)) return { ok: false, failure: 'not_an_object' };
  const { score, reason } = value;
  if (score === undefined || score === null) return { ok: false, failure: 'missing_score' };
  if (typeof score !== 'number' || !Number.isInteger(score)) return { ok: false, failure: 'score_not_integer' };
  if (score < MIN_SCORE || score > MAX_SCORE) return { ok: false, failure: 'score_out_of_range' };
  if (typeof reason !== 'string') return { ok: false, failure: 'missing_reason' };
  return { ok: true, verdict: { score, reason: reason.trim() } };
};
