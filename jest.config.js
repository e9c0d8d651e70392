/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is `npm run typecheck`'s job; transpiling only keeps the suite fast on 2 cores.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Integration tests start servers; give them room without hiding hangs forever.
  testTimeout: 30000,
  maxWorkers: 2,
  snapshotSerializers: ['<rootDir>/test/infra/mask-asset-hashes.js'],
};
