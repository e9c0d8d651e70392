import type { Prng } from './prng';

/** Thrown for a fault configuration that makes no sense; the HTTP route answers it with a 400. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

/** A member check: the test a valid value passes, and what the error message says it must be. */
export type MemberCheck = readonly [test: (member: unknown) => boolean, mustBe: string];
export const RATE: MemberCheck = [(m) => typeof m === 'number' && Number.isFinite(m) && m >= 0 && m <= 1, 'a number in [0, 1]'];
export const COUNT: MemberCheck = [(m) => typeof m === 'number' && Number.isSafeInteger(m) && m >= 0, 'a non-negative integer'];

/** Checks an untrusted partial configuration (from options or an HTTP body) member by member. */
export const parsePatch = <C>(value: unknown, what: string, checks: Readonly<Record<keyof C & string, MemberCheck>>): Partial<C> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultConfigError(`${what} configuration must be a JSON object`);
  }
  const patch: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (!Object.hasOwn(checks, key)) throw new FaultConfigError(`unknown ${what} setting '${key}'`);
    const [test, mustBe] = checks[key as keyof C & string];
    if (!test(member)) throw new FaultConfigError(`${key} must be ${mustBe}, got ${JSON.stringify(member)}`);
    patch[key] = member;
  }
  return patch as Partial<C>;
};

/**
 * The fault of the next request and the configuration after it: the first kind whose counter (`<kind>Next`) is
 * positive, with that counter decremented; otherwise one seeded draw per non-zero rate (`<kind>Rate`), in order.
 */
export const nextFault = <K extends string, C extends Readonly<Record<`${K}Next` | `${K}Rate`, number>>>(
  config: C,
  kinds: readonly K[],
  prng: Prng,
): [K | undefined, C] => {
  const counted = kinds.find((kind) => config[`${kind}Next` as const] > 0);
  if (counted !== undefined) return [counted, { ...config, [`${counted}Next`]: config[`${counted}Next` as const] - 1 }];
  return [kinds.find((kind) => config[`${kind}Rate` as const] > 0 && prng.next() < config[`${kind}Rate` as const]), config];
};
