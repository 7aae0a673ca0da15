import { describe, expect, it } from 'vitest';
import { fakeSha } from '../../platform/github/push-payload.ts';
import { pushReceived, seedPush, shuffled } from '../testing/events.ts';
import { spec } from '../testing/projection-spec.ts';
import { projectInMemory } from './in-memory-read-models.ts';
import { planBatch } from './batch-plan.ts';
import { normalizeOrgMappings } from './identity.ts';

describe('read models', () => {
  it("read models - the seed's example: 3 commits, alice 2, bob 1", () => {
    spec()
      .given()
      .when(pushReceived(seedPush()))
      .then((models) => {
        expect(models.commits).toHaveLength(3);
        expect(
          models.commits.map((c) => [
            c.authorGithubId,
            c.filesCount,
            c.modulePaths,
            c.orgId,
            c.repoId,
          ]),
        ).toEqual(
          expect.arrayContaining([
            ['alice', 2, ['.', 'src'], 'acme', '42'],
            ['alice', 2, ['src', 'tests'], 'acme', '42'],
            ['bob', 1, ['docs'], 'acme', '42'],
          ]),
        );
        expect(models.commits.every((c) => c.processed)).toBe(true);
        expect(models.counters).toEqual({
          'org:acme:dev:alice:commits:2025-11-19': 2,
          'org:acme:dev:bob:commits:2025-11-19': 1,
        });
        const recent = models.snapshots.filter((s) => s.metricName === 'recent_commits');
        expect(recent).toEqual([
          {
            orgId: 'acme',
            repoId: '42',
            metricName: 'recent_commits',
            metricValue: 3,
            timeframeStart: new Date('2025-11-19T00:00:00Z'),
            timeframeEnd: new Date('2025-11-20T00:00:00Z'),
            payload: {
              byAuthor: [
                { devId: 'alice', count: 2 },
                { devId: 'bob', count: 1 },
              ],
            },
          },
        ]);
        // One dashboard_day per org day; no stored activity windows (computed when read).
        expect(models.snapshots.filter((s) => s.metricName === 'dashboard_day')).toHaveLength(1);
        expect(models.snapshots.map((s) => s.metricName).sort()).toEqual([
          'dashboard_day',
          'recent_commits',
        ]);
      });
  });

  it('read models - the same event applied again changes nothing', () => {
    const event = pushReceived(seedPush());
    const once = projectInMemory([event]);
    spec().given(event, event).when(event).then(once);
    expect(projectInMemory([event, event, event])).toEqual(once);
  });

  it('read models - a commit in two pushes (distinct: false) and a re-sent delivery count once', () => {
    const sha = fakeSha('shared');
    const first = pushReceived({
      owner: 'acme',
      repo: 'web',
      repoId: 42,
      commits: [{ author: 'alice', timestamp: '2025-11-19T10:00:00Z', sha }],
    });
    const second = pushReceived({
      owner: 'acme',
      repo: 'web',
      repoId: 42,
      ref: 'refs/heads/release',
      commits: [{ author: 'alice', timestamp: '2025-11-19T10:00:00Z', sha, distinct: false }],
    });
    const resent = { ...first, streamSeq: 999, deliveryId: 'new-guid' };
    spec()
      .given(first, second)
      .when(resent)
      .then({ counters: { 'org:acme:dev:alice:commits:2025-11-19': 1 } });
    expect(projectInMemory([first, second, resent]).commits).toHaveLength(1);
  });

  it('read models - the same sha in two repositories counts in each', () => {
    const sha = fakeSha('fork');
    const a = pushReceived({
      owner: 'acme',
      repo: 'a',
      repoId: 1,
      commits: [{ author: 'x', timestamp: '2025-01-01T00:00:00Z', sha }],
    });
    const b = pushReceived({
      owner: 'acme',
      repo: 'b',
      repoId: 2,
      commits: [{ author: 'x', timestamp: '2025-01-01T00:00:00Z', sha }],
    });
    spec()
      .given(a)
      .when(b)
      .then({ counters: { 'org:acme:dev:x:commits:2025-01-01': 2 } });
  });

  it('read models - email identities and org mappings reach every read model', () => {
    const event = pushReceived({
      owner: 'OctoCat',
      repo: 'w',
      repoId: 5,
      commits: [
        {
          author: 'Dee',
          email: 'Dee.Dot@Example.com',
          withUsername: false,
          timestamp: '2025-03-01T00:00:00Z',
        },
      ],
    });
    spec(normalizeOrgMappings({ OctoCat: 'acme' }))
      .given()
      .when(event)
      .then({ counters: { 'org:acme:dev:email:dee.dot@example.com:commits:2025-03-01': 1 } });
  });

  it('read models - events in shuffled order give identical read models', () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      pushReceived({
        // A repository belongs to one owner.
        owner: `org${(i % 5) % 3}`,
        repo: `r${i % 5}`,
        repoId: 100 + (i % 5),
        commits: Array.from({ length: 1 + (i % 4) }, (_, j) =>
          i % 5 === 4
            ? // Every fifth push repeats commits of another push to the same repo (a sha has one content).
              {
                author: `dev${j}`,
                timestamp: `2025-11-0${1 + j}T08:00:00Z`,
                sha: fakeSha(`dup:${j}`),
                distinct: false,
              }
            : {
                author: `dev${(i + j) % 6}`,
                timestamp: new Date(Date.UTC(2025, 10, 1 + ((i * 7 + j) % 20), j)).toISOString(),
                files: { modified: [`m${j}/f.ts`, `m${i % 3}/g.ts`] },
              },
        ),
      }),
    );
    const expected = projectInMemory(events);
    for (const seed of [1, 2, 3]) expect(projectInMemory(shuffled(events, seed))).toEqual(expected);
  });
});

describe('batch plan', () => {
  it('batch plan - one document per (repoId, sha), touched days and lineage per repo', () => {
    const e1 = pushReceived(seedPush(), { seq: 10, deliveryId: 'd10' });
    const e2 = pushReceived(seedPush(), { seq: 11, deliveryId: 'd11' });
    const plan = planBatch([e1, e2], { mappings: {}, namespace: 'v2:', ttlDays: 10 });
    expect(plan.commits).toHaveLength(3);
    expect(plan.counters.map((c) => c.key)).toContain('v2:org:acme:dev:alice:commits:2025-11-19');
    expect(plan.counters[0]?.expireAt).toBe(Date.UTC(2025, 10, 30) / 1000);
    expect(plan.repos).toEqual([
      {
        orgId: 'acme',
        repoId: '42',
        days: ['2025-11-19'],
        commitKeys: plan.commits.map((c) => `42:${c.sha}`),
        lineage: [
          { streamSeq: 10, deliveryId: 'd10' },
          { streamSeq: 11, deliveryId: 'd11' },
        ],
      },
    ]);
    expect([...plan.orgDays]).toEqual([['acme', ['2025-11-19']]]);
  });
});
