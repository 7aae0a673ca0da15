import { describe, expect, it } from 'vitest';
import { DashboardDay } from '../../projector/testing/mod.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { activityIndex, activityIndexOf } from './activity-index.ts';

const commit = (dev: string, at: string, modules: string[], repoId = 'r1') => ({
  repoId,
  authorGithubId: dev,
  timestamp: new Date(at),
  filesCount: 1,
  modulePaths: modules,
});

/** The `developers` of each day's `dashboard_day`, as the projector rolls them up. */
function daysOf(commits: ReturnType<typeof commit>[]) {
  const days = new Map<string, DashboardDay>();
  for (const c of commits) {
    const day = utcDay(c.timestamp);
    let acc = days.get(day);
    if (!acc) days.set(day, (acc = new DashboardDay()));
    acc.add(c);
  }
  return [...days.values()].map((d) => d.payload().developers);
}

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

  it('activity index - adds commits and active days over the days, counts distinct repo/module pairs', () => {
    const days = daysOf([
      commit('alice', '2025-11-13T09:00:00Z', ['src']),
      commit('alice', '2025-11-19T23:59:59Z', ['src', 'docs']),
      commit('alice', '2025-11-19T10:00:00Z', ['src'], 'r2'), // same module name, other repo
      commit('bob', '2025-11-15T12:00:00Z', ['tests']),
    ]);
    // alice: 3/3 commits, 2/7 days, 3/3 modules → (1 + 0.2857 + 1) / 3
    // bob: 1/3, 1/7, 1/3 → (0.3333 + 0.1429 + 0.3333) / 3
    expect(activityIndexOf(days)).toEqual(
      new Map([
        ['alice', 76],
        ['bob', 27],
      ]),
    );
  });

  it('activity index - independent of the order of days; no days, no developers', () => {
    const days = daysOf([
      commit('alice', '2025-11-18T09:00:00Z', ['src']),
      commit('bob', '2025-11-19T09:00:00Z', ['lib']),
      commit('carol', '2025-11-17T09:00:00Z', ['.']),
    ]);
    expect(activityIndexOf([...days].reverse())).toEqual(activityIndexOf(days));
    expect(activityIndexOf([])).toEqual(new Map());
  });

  it('activity index - days written before modules were kept count commits and days only', () => {
    const days = daysOf([commit('alice', '2025-11-18T09:00:00Z', ['src'])]).map((devs) =>
      devs.map(({ modules: _modules, ...d }) => d),
    );
    // 1/1 commits, 1/7 days, no modules anywhere → (1 + 0.1429 + 0) / 3
    expect(activityIndexOf(days)).toEqual(new Map([['alice', 38]]));
  });
});
