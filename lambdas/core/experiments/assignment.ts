/**
 * Sticky arm assignment: the same principal always lands in the same bucket of an experiment, and raising the share
 * only moves principals from control to treatment (a bucket below 10% is below 25% too), never back.
 */
export const ARMS = ['control', 'treatment'] as const;
export type Arm = (typeof ARMS)[number];
export const isArm = (value: unknown): value is Arm => value === 'control' || value === 'treatment';

/** Buckets per experiment: shares are set in whole percent, this leaves room for 0.01% steps. */
export const ASSIGNMENT_BUCKETS = 10_000;

/** FNV-1a, 32 bits, over the UTF-16 code units: small, fast, stable across runtimes and spreads short keys well. */
export const fnv1a32 = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
};

/**
 * MurmurHash3's 32-bit finalizer: every input bit flips each output bit with probability about 1/2. FNV-1a alone
 * mixes its last characters poorly, so keys that differ only at the end (`session:replay-17`, `-18`) land in buckets
 * that correlate with anything else derived from those characters; the finalizer removes that.
 */
export const fmix32 = (value: number): number => {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * The bucket of a principal in one experiment. The experiment id is hashed in so two experiments do not put the
 * same customers on their treatment arms.
 */
export const assignmentBucket = (experimentId: string, subject: string): number => fmix32(fnv1a32(`${experimentId}\u0000${subject}`)) % ASSIGNMENT_BUCKETS;

/** The arm of `subject` at a treatment share of `sharePercent` (0-100). */
export const assignArm = (experimentId: string, subject: string, sharePercent: number): Arm =>
  assignmentBucket(experimentId, subject) < Math.round((sharePercent / 100) * ASSIGNMENT_BUCKETS) ? 'treatment' : 'control';

/**
 * Whom the assignment is sticky for: a signed-in customer by their id (the same arm on every device and session), a
 * guest by the session (the closest thing to a person a guest has), else by the connection.
 */
export const assignmentSubject = (principalKey: string, sessionId?: string): string =>
  principalKey.startsWith('customer:') || sessionId === undefined ? principalKey : `session:${sessionId}`;
