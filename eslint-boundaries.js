// @ts-check
/**
 * The boundaries between TeamPulse's roles, held by ESLint `no-restricted-imports`.
 * - A role (ingest, projector, gateway, replay, backfill, cli) is used from outside only
 *   through its `mod.ts`; tests (and test harnesses) may also use its `testing/mod.ts`.
 *   Benchmarks, scripts and cross-role tests obey the same rule.
 * - `schemas/` (the contracts) imports nothing but zod.
 * - `platform/` (the shared runtime) imports no role at all.
 * Kept apart from eslint.config.js so a unit test can lint snippets against exactly these.
 */

/** The top-level folders that are roles. */
export const ROLES = ['ingest', 'projector', 'gateway', 'replay', 'backfill', 'cli'];

/** Files that may use a role's test surface. */
const TESTS = ['**/*.test.ts', '**/testing/**/*.ts', 'test/**/*.ts'];

/**
 * @param {readonly string[]} roles roles this file is outside of
 * @param {boolean} tests whether `testing/mod.ts` is allowed too
 */
function outside(roles, tests) {
  const surface = tests ? '(?:testing/)?mod\\.ts$' : 'mod\\.ts$';
  return [
    'error',
    {
      patterns: [
        {
          regex: `(?:^|/)(?:${roles.join('|')})/(?!${surface})`,
          message: `Use another role through its ${tests ? 'mod.ts or testing/mod.ts' : 'mod.ts'}, not its internals.`,
        },
      ],
    },
  ];
}

/** @type {import('eslint').Linter.Config[]} */
export const boundaries = [
  { files: ['**/*.ts'], rules: { 'no-restricted-imports': outside(ROLES, false) } },
  ...ROLES.map((role) => ({
    files: [`${role}/**/*.ts`],
    rules: {
      'no-restricted-imports': outside(
        ROLES.filter((r) => r !== role),
        false,
      ),
    },
  })),
  { files: TESTS, rules: { 'no-restricted-imports': outside(ROLES, true) } },
  ...ROLES.map((role) => ({
    files: TESTS.map((t) => `${role}/${t}`),
    rules: {
      'no-restricted-imports': outside(
        ROLES.filter((r) => r !== role),
        true,
      ),
    },
  })),
  {
    files: ['platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(?:^|/)(?:${ROLES.join('|')})/`,
              message: 'platform/ is the shared runtime: it imports no role.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['schemas/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!(?:zod|vitest)$|\\./)',
              message: 'schemas/ holds the contracts: it imports nothing but zod.',
            },
          ],
        },
      ],
    },
  },
];
