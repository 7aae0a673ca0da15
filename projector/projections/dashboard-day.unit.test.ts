import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DashboardDayPayload } from '../../schemas/read-models.ts';
import { DashboardDay, dashboardDaySnapshot, type DashboardCommit } from './dashboard-day.ts';

function commit(iso: string, extra: Partial<DashboardCommit> = {}): DashboardCommit {
  return {
    timestamp: new Date(iso),
    authorGithubId: 'alice',
    repoId: '42',
    filesCount: 1,
    modulePaths: ['src'],
    ...extra,
  };
}

function payloadOf(commits: readonly DashboardCommit[]) {
  const day = new DashboardDay();
  for (const c of commits) day.add(c);
  return dashboardDaySnapshot('acme', '2025-11-19', day)?.payload;
}

describe('dashboard day', () => {
  it('dashboard day - one sorted payload whatever the order; names, hours and local cells', () => {
    const commits = [
      commit('2025-11-19T10:00:00Z', { authorName: 'Alice B', repoName: 'acme/web' }),
      commit('2025-11-19T10:00:00Z', { authorName: 'Alice A', repoName: 'acme/www' }),
      commit('2025-11-19T09:00:00Z', { authorName: 'Alice Old', modulePaths: ['docs', 'src'] }),
      // Wednesday 02:00 UTC at -05:00 is Tuesday 21:00 local.
      commit('2025-11-19T02:00:00Z', {
        authorGithubId: 'bob',
        repoId: '7',
        utcOffsetMinutes: -300,
      }),
      commit('2025-11-19T23:59:59Z', { authorGithubId: 'email:c@x.io', filesCount: 0 }),
    ];
    const p = payloadOf(commits);
    expect(payloadOf([...commits].reverse())).toEqual(p);
    expect(DashboardDayPayload.parse(p)).toEqual(p);
    expect(p?.hours.reduce((a, b) => a + b, 0)).toBe(5);
    expect([p?.hours[2], p?.hours[9], p?.hours[10], p?.hours[23]]).toEqual([1, 1, 2, 1]);
    expect(p?.localCells).toEqual([
      { weekday: 1, hour: 21, commits: 1 }, // bob, by his offset
      { weekday: 2, hour: 9, commits: 1 }, // no offset: UTC
      { weekday: 2, hour: 10, commits: 2 },
      { weekday: 2, hour: 23, commits: 1 },
    ]);
    expect(p?.localCommits).toBe(1);
    expect(p?.developers).toEqual([
      // Equal latest times: the greater name.
      { devId: 'alice', name: 'Alice B', commits: 3, files: 3, modules: ['42/docs', '42/src'] },
      { devId: 'bob', commits: 1, files: 1, modules: ['7/src'] },
      { devId: 'email:c@x.io', commits: 1, files: 0, modules: ['42/src'] },
    ]);
    expect(p?.repos).toEqual([
      { repoId: '42', name: 'acme/www', commits: 4, files: 3, devIds: ['alice', 'email:c@x.io'] },
      { repoId: '7', commits: 1, files: 1, devIds: ['bob'] },
    ]);
    expect(p?.modules).toEqual([
      { repoId: '42', module: 'docs', commits: 1 },
      { repoId: '42', module: 'src', commits: 4 },
      { repoId: '7', module: 'src', commits: 1 },
    ]);
    expect('name' in (p?.developers[1] ?? {})).toBe(false);
  });

  it('dashboard day - an empty day has no snapshot', () => {
    expect(dashboardDaySnapshot('acme', '2025-11-19', new DashboardDay())).toBeUndefined();
    expect(dashboardDaySnapshot('acme', '2025-11-19', undefined)).toBeUndefined();
  });

  it('dashboard day - the busiest day of a 700-developer org stays under 150 KB', () => {
    // Every developer commits twice on the day (a usual day has a tenth of them), across 8
    // repos, 1-3 modules each.
    const modules = ['src', 'lib', 'docs', 'test', 'api', 'web', 'infra', 'scripts', 'cli', '.'];
    const day = new DashboardDay();
    for (let i = 0; i < 1400; i++) {
      const dev = i % 700;
      day.add(
        commit(
          `2025-11-19T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
          {
            authorGithubId: dev % 10 === 9 ? `email:dev${dev}@corp.example` : `developer-${dev}`,
            authorName: `Developer Number ${dev}`,
            repoId: String(1000 + (dev % 8)),
            repoName: `bigorg/repository-${dev % 8}`,
            utcOffsetMinutes: [-480, 0, 60, 330][dev % 4],
            filesCount: 1 + (i % 7),
            modulePaths: modules.slice(i % 8, (i % 8) + 1 + (i % 3)),
          },
        ),
      );
    }
    const snap = dashboardDaySnapshot('bigorg', '2025-11-19', day)!;
    const bytes = BSON.calculateObjectSize(snap);
    expect(snap.payload.developers).toHaveLength(700);
    // ~200 B per developer (its line with its repo/module pairs, and its id once more in
    // its repo's devIds): ~140 KB.
    expect(bytes).toBeLessThan(150_000);
  });
});
