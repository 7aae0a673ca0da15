import { describe, expect, it } from 'vitest';
import {
  activityIndex,
  activitySnapshot,
  windowEndsOf,
  type ActivityCommit,
} from './activity-index.ts';

const commit = (
  dev: string,
  sha: string,
  at: string,
  modules: string[],
  repoId = 'r1',
): ActivityCommit => ({
  repoId,
  sha,
  authorGithubId: dev,
  timestamp: new Date(at),
  modulePaths: modules,
});

describe('activity index', () => {
  it('activity index - the mean of three shares relative to the org, 0..100', () => {
    expect(
      activityIndex({ commits: 10, activeDays: 7, modules: 4 }, { maxCommits: 10, maxModules: 4 }),
    ).toBe(100);
    expect(
      activityIndex({ commits: 5, activeDays: 0, modules: 2 }, { maxCommits: 10, maxModules: 4 }),
    ).toBe(33);
    expect(
      activityIndex({ commits: 1, activeDays: 1, modules: 0 }, { maxCommits: 1, maxModules: 0 }),
    ).toBe(38);
  });

  it('activity index - counts commits, active days and repo/module pairs in the 7-day window only', () => {
    const commits = [
      commit('alice', 'a1', '2025-11-13T09:00:00Z', ['src']), // first day of the window
      commit('alice', 'a2', '2025-11-19T23:59:59Z', ['src', 'docs']), // last day
      commit('alice', 'a3', '2025-11-19T10:00:00Z', ['src'], 'r2'), // same module name, other repo
      commit('alice', 'a0', '2025-11-12T23:59:59Z', ['old']), // day before the window
      commit('bob', 'b1', '2025-11-20T00:00:00Z', ['src']), // day after the window
      commit('bob', 'b2', '2025-11-15T12:00:00Z', ['tests']),
    ];
    const snap = activitySnapshot('acme', '2025-11-19', commits);
    expect(snap).toMatchObject({
      orgId: 'acme',
      repoId: '*',
      metricName: 'activity_index',
      metricValue: 4,
      timeframeStart: new Date('2025-11-13T00:00:00Z'),
      timeframeEnd: new Date('2025-11-20T00:00:00Z'),
      payload: {
        byAuthor: [
          { devId: 'alice', count: 3 },
          { devId: 'bob', count: 1 },
        ],
        developers: [
          // alice: 3/3 commits, 2/7 days, 3/3 modules → (1 + 0.2857 + 1) / 3
          { devId: 'alice', commits: 3, activeDays: 2, modules: 3, index: 76 },
          // bob: 1/3, 1/7, 1/3 → (0.3333 + 0.1429 + 0.3333) / 3
          { devId: 'bob', commits: 1, activeDays: 1, modules: 1, index: 27 },
        ],
      },
    });
  });

  it('activity index - independent of order and of repeated commits', () => {
    const commits = [
      commit('alice', 'a1', '2025-11-18T09:00:00Z', ['src']),
      commit('bob', 'b1', '2025-11-19T09:00:00Z', ['lib']),
      commit('carol', 'c1', '2025-11-17T09:00:00Z', ['.']),
    ];
    const forward = activitySnapshot('acme', '2025-11-19', commits);
    const backward = activitySnapshot('acme', '2025-11-19', [...commits].reverse().concat(commits));
    expect(backward).toEqual(forward);
  });

  it('activity index - an empty window has no snapshot; a day belongs to the 7 windows ending on it and after', () => {
    expect(
      activitySnapshot('acme', '2025-01-01', [commit('a', 's', '2025-02-01T00:00:00Z', [])]),
    ).toBeUndefined();
    expect(windowEndsOf(['2025-11-19'])).toEqual([
      '2025-11-19',
      '2025-11-20',
      '2025-11-21',
      '2025-11-22',
      '2025-11-23',
      '2025-11-24',
      '2025-11-25',
    ]);
  });
});
