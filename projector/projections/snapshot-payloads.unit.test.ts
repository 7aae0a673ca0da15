import { describe, expect, it } from 'vitest';
import { MetricSnapshot } from '../../schemas/read-models.ts';
import { activitySnapshot } from './activity-index.ts';
import { recentCommitsSnapshot } from './recent-commits.ts';

describe('snapshot payloads', () => {
  it('snapshot payloads - what the projections write is what the schema reads back', () => {
    const at = new Date('2025-11-19T10:00:00Z');
    const commits = [
      { repoId: 'r1', sha: 'a1', authorGithubId: 'alice', timestamp: at, modulePaths: ['src'] },
      { repoId: 'r1', sha: 'b1', authorGithubId: 'bob.dot', timestamp: at, modulePaths: [] },
    ];
    const recent = recentCommitsSnapshot('acme', 'r1', '2025-11-19', commits);
    const activity = activitySnapshot('acme', '2025-11-19', commits)!;
    expect(MetricSnapshot.parse(recent)).toEqual(recent);
    expect(MetricSnapshot.parse(activity)).toEqual(activity);
    expect(activity.payload).toMatchObject({ windowDays: 7 });
  });

  it('snapshot payloads - a payload that does not fit its metric is refused', () => {
    const activity = activitySnapshot('acme', '2025-11-19', [
      {
        repoId: 'r1',
        sha: 'a1',
        authorGithubId: 'alice',
        timestamp: new Date('2025-11-19T10:00:00Z'),
        modulePaths: [],
      },
    ])!;
    expect(MetricSnapshot.safeParse({ ...activity, payload: { byAuthor: [] } }).success).toBe(
      false,
    );
    expect(MetricSnapshot.safeParse({ ...activity, metricName: 'module_churn' }).success).toBe(
      false,
    );
  });
});
