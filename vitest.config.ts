import { defineConfig } from 'vitest/config';

// Tiers by file suffix, so `npm run test:unit` etc. can run one tier alone. Only the
// tiers that talk to real servers pay for the globalSetup (binaries, shared MongoDB).
const serversSetup = ['./test/support/global-setup.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    // beforeAll hooks start servers; a first run may also wait for a binary build.
    hookTimeout: 120_000,
    exclude: ['**/node_modules/**', '**/.data/**', '**/coverage/**'],
    // Reporters are global (root-level), so every project reports into the one JSON file.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.unit.test.ts'] } },
      {
        extends: true,
        test: { name: 'int', include: ['**/*.int.test.ts'], globalSetup: serversSetup },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['**/*.e2e.test.ts'], globalSetup: serversSetup },
      },
    ],
  },
});
