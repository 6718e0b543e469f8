/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Real servers (Dovecot, the simulated tenant) take a moment to start on 2 cores.
  testTimeout: 30000,
  maxWorkers: 2,
};
