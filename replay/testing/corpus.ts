/** Test corpora for replay tests: several orgs, repos, developers and days, with repeats. */
import { fakeSha, type FakePush } from '../../platform/github/push-payload.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { ReadModels } from '../../projector/testing/mod.ts';
import { withoutNamespace as keyWithoutNamespace } from '../../schemas/redis-keys.ts';

/**
 * `n` pushes over 3 orgs, 5 repos, 6 developers (one without a GitHub username) and 10
 * days; every 7th push repeats commits of an earlier one with `distinct: false`.
 */
export function corpus(n: number, tag: string): FakePush[] {
  return Array.from({ length: n }, (_, i) => {
    const r = i % 5;
    const repeat = i % 7 === 6;
    return {
      owner: `Org${r % 3}`,
      repo: `repo-${r}`,
      repoId: 7000 + r,
      ref: repeat ? 'refs/heads/release' : 'refs/heads/main',
      commits: Array.from({ length: 1 + (i % 4) }, (_, j) => {
        const src = repeat ? i - 5 : i; // i - 5 is in the same repo
        const dev = (src + j) % 6;
        return {
          author: `dev${dev}`,
          ...(dev === 5 ? { withUsername: false, email: 'Nobody@Example.COM' } : {}),
          timestamp: new Date(
            Date.UTC(2026, 0, 1 + ((src * 3 + j) % 10), (src + j) % 24),
          ).toISOString(),
          sha: fakeSha(`${tag}-${src}-${j}`),
          message: `change ${src}.${j}`,
          files: {
            modified: [`pkg${j % 3}/file${src % 4}.ts`],
            added: j === 0 ? ['README.md'] : [],
          },
          ...(repeat ? { distinct: false } : {}),
        };
      }),
    };
  });
}

/** Read models of a rebuilt target with its Redis namespace taken off, to compare with version 0's. */
export function withoutNamespace(models: ReadModels, target: ReadModelTarget): ReadModels {
  const counters = Object.fromEntries(
    Object.entries(models.counters).map(([k, v]) => [
      keyWithoutNamespace(k, target.redisNamespace),
      v,
    ]),
  );
  return { ...models, counters };
}
