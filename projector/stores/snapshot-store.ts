import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import {
  activitySnapshot,
  ACTIVITY_WINDOW_DAYS,
  windowEndsOf,
  type ActivityCommit,
} from '../projections/activity-index.ts';
import type { BatchPlan } from '../projections/batch-plan.ts';
import { addDays, dayEnd, dayStart, utcDay } from '../projections/day.ts';
import { recentCommitsSnapshot } from '../projections/recent-commits.ts';
import { chunkedBulkWrite } from './chunked-bulk-write.ts';

type Row = ActivityCommit & Pick<CommitDoc, 'orgId'>;

/**
 * The snapshots a batch changes, recomputed from the stored commits: `recent_commits` of
 * every (org, repo, day) it touched, and `activity_index` of every window its days fall
 * in (each day is in the windows ending on it and the 6 days after). One range query for
 * the whole batch (its orgs, its days widened by the window), grouped in memory: a
 * MongoDB-wire server without a usable index scans once per batch, not once per key.
 */
export async function snapshotsOf(
  db: Db,
  target: ReadModelTarget,
  plan: Pick<BatchPlan, 'repos' | 'orgDays'>,
): Promise<MetricSnapshot[]> {
  if (plan.orgDays.size === 0) return [];
  const allDays = [...plan.orgDays.values()].flat().sort();
  const widen = ACTIVITY_WINDOW_DAYS - 1;
  const from = dayStart(addDays(allDays[0]!, -widen));
  const to = dayEnd(addDays(allDays.at(-1)!, widen));
  const rows = await db
    .collection<CommitDoc>(target.commits)
    .find(
      { orgId: { $in: [...plan.orgDays.keys()] }, timestamp: { $gte: from, $lt: to } },
      {
        projection: {
          _id: 0,
          orgId: 1,
          repoId: 1,
          sha: 1,
          authorGithubId: 1,
          timestamp: 1,
          modulePaths: 1,
        },
      },
    )
    .toArray();
  const byOrg = new Map<string, Row[]>();
  const byRepoDay = new Map<string, Row[]>();
  for (const row of rows as Row[]) {
    push(byOrg, row.orgId, row);
    push(byRepoDay, `${row.orgId}\u0000${row.repoId}\u0000${utcDay(row.timestamp)}`, row);
  }
  const out: MetricSnapshot[] = [];
  for (const repo of plan.repos) {
    for (const day of repo.days) {
      const list = byRepoDay.get(`${repo.orgId}\u0000${repo.repoId}\u0000${day}`) ?? [];
      if (list.length > 0) out.push(recentCommitsSnapshot(repo.orgId, repo.repoId, day, list));
    }
  }
  for (const [orgId, days] of plan.orgDays) {
    const list = byOrg.get(orgId) ?? [];
    for (const end of windowEndsOf(days)) {
      const snap = activitySnapshot(orgId, end, list);
      if (snap) out.push(snap);
    }
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A snapshot's `_id` is its natural key, so it is written with a filter on `_id` alone:
 * the one filter FerretDB answers without scanning the collection.
 */
export function snapshotId(
  s: Pick<MetricSnapshot, 'orgId' | 'repoId' | 'metricName' | 'timeframeStart'>,
): string {
  return JSON.stringify([s.orgId, s.repoId, s.metricName, s.timeframeStart.toISOString()]);
}

/**
 * Writes snapshots on their natural key (org, repo, metric, start), replacing what is
 * stored. Callers hold the org's lease (see `SnapshotWriter`): the last write of a
 * snapshot is then the recompute that saw every commit, so no condition on the stored
 * value is needed (FerretDB could not apply one atomically anyway).
 */
export async function upsertSnapshots(
  db: Db,
  target: ReadModelTarget,
  snapshots: readonly MetricSnapshot[],
): Promise<void> {
  if (snapshots.length === 0) return;
  await chunkedBulkWrite(
    db.collection<MetricSnapshot>(target.snapshots),
    snapshots.map((s) => ({
      replaceOne: { filter: { _id: snapshotId(s) } as never, replacement: s, upsert: true },
    })),
  );
}
