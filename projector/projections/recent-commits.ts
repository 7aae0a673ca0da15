import type { AuthorCount, CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import { MetricNames } from '../../schemas/read-models.ts';
import { dayEnd, dayStart } from '../../schemas/utc-day.ts';

function countByAuthor(commits: Iterable<Pick<CommitDoc, 'authorGithubId'>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of commits) counts.set(c.authorGithubId, (counts.get(c.authorGithubId) ?? 0) + 1);
  return counts;
}

/** Counts per developer, as an array sorted by devId (dev ids may hold dots). */
function sortedCounts(counts: ReadonlyMap<string, number>): AuthorCount[] {
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([devId, count]) => ({ devId, count }));
}

/**
 * `recent_commits` of one (org, repo, UTC day), from that day's distinct commits.
 * Depends only on the set of commits, never on their order. Pure.
 */
export function recentCommitsSnapshot(
  orgId: string,
  repoId: string,
  day: string,
  commits: readonly Pick<CommitDoc, 'authorGithubId'>[],
): MetricSnapshot {
  return recentCommitsOfCounts(orgId, repoId, day, countByAuthor(commits));
}

/** {@link recentCommitsSnapshot} from the day's commit counts per devId, already tallied. Pure. */
export function recentCommitsOfCounts(
  orgId: string,
  repoId: string,
  day: string,
  counts: ReadonlyMap<string, number>,
): MetricSnapshot {
  let total = 0;
  for (const n of counts.values()) total += n;
  return {
    orgId,
    repoId,
    metricName: MetricNames.recentCommits,
    metricValue: total,
    timeframeStart: dayStart(day),
    timeframeEnd: dayEnd(day),
    payload: { byAuthor: sortedCounts(counts) },
  };
}
