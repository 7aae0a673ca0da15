import { describe, expect, it } from 'vitest';
import { MetricSnapshot } from '../../schemas/read-models.ts';
import { DashboardDay, dashboardDaySnapshot } from './dashboard-day.ts';
import { recentCommitsSnapshot } from './recent-commits.ts';

const at = new Date('2025-11-19T10:00:00Z');
const commits = [
  { repoId: 'r1', sha: 'a1', authorGithubId: 'alice', timestamp: at, modulePaths: ['src'] },
  { repoId: 'r1', sha: 'b1', authorGithubId: 'bob.dot', timestamp: at, modulePaths: [] },
];

function daySnapshot() {
  const day = new DashboardDay();
  for (const c of commits) day.add({ ...c, filesCount: 1 });
  return dashboardDaySnapshot('acme', '2025-11-19', day)!;
}

describe('snapshot payloads', () => {
  it('snapshot payloads - what the projections write is what the schema reads back', () => {
    const recent = recentCommitsSnapshot('acme', 'r1', '2025-11-19', commits);
    const day = daySnapshot();
    expect(MetricSnapshot.parse(recent)).toEqual(recent);
    expect(MetricSnapshot.parse(day)).toEqual(day);
    // What the activity index reads of a developer's day: their repo/module pairs.
    expect(day.payload.developers.map((d) => [d.devId, d.modules])).toEqual([
      ['alice', ['r1/src']],
      ['bob.dot', []],
    ]);
  });

  it('snapshot payloads - a payload that does not fit its metric is refused', () => {
    const day = daySnapshot();
    expect(MetricSnapshot.safeParse({ ...day, payload: { byAuthor: [] } }).success).toBe(false);
    expect(MetricSnapshot.safeParse({ ...day, metricName: 'recent_commits' }).success).toBe(false);
    expect(MetricSnapshot.safeParse({ ...day, metricName: 'activity_index' }).success).toBe(false);
  });
});
