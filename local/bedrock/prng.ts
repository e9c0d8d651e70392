/** The seeded generator lives in the pure core (the intent model's training shuffles with it too). */
export * from '../../lambdas/core/prng';
