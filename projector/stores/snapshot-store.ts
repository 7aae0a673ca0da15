import type { AnyBulkWriteOperation, Db } from 'mongodb';
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
import { duplicateIndexes } from './duplicate-key.ts';

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
  plan: BatchPlan,
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

type Stored = MetricSnapshot & { _id: unknown };

/**
 * A snapshot's `_id` is its natural key, so two projectors that insert the same snapshot
 * collide on `_id` and a retry can address it without a query.
 */
export function snapshotId(
  s: Pick<MetricSnapshot, 'orgId' | 'repoId' | 'metricName' | 'timeframeStart'>,
): string {
  return JSON.stringify([s.orgId, s.repoId, s.metricName, s.timeframeStart.toISOString()]);
}

const keyOf = (s: Pick<MetricSnapshot, 'orgId' | 'repoId' | 'metricName' | 'timeframeStart'>) =>
  `${s.orgId}\u0000${s.repoId}\u0000${s.metricName}\u0000${s.timeframeStart.getTime()}`;

/**
 * Writes snapshots on their natural key (org, repo, metric, start). Two projectors may
 * recompute one snapshot at once, one from fewer commits than the other; commits are only
 * ever added, so the one with the larger `metricValue` (a commit count) saw a superset.
 * Every write is conditional on the stored value not being larger, so the superset wins
 * whatever the order of the writes. Existing snapshots are found with one query and
 * updated by `_id`; new ones inserted in one `insertMany` (by `_id` and insert, because
 * FerretDB scans for an upsert's filter).
 */
export async function upsertSnapshots(
  db: Db,
  target: ReadModelTarget,
  snapshots: readonly MetricSnapshot[],
): Promise<void> {
  if (snapshots.length === 0) return;
  const coll = db.collection<MetricSnapshot>(target.snapshots);
  const existing = new Map<string, Stored>();
  const found = (await coll
    .find(
      {
        orgId: { $in: [...new Set(snapshots.map((s) => s.orgId))] },
        metricName: { $in: [...new Set(snapshots.map((s) => s.metricName))] },
        timeframeStart: {
          $in: [...new Set(snapshots.map((s) => s.timeframeStart.getTime()))].map(
            (t) => new Date(t),
          ),
        },
      },
      {
        projection: {
          _id: 1,
          orgId: 1,
          repoId: 1,
          metricName: 1,
          timeframeStart: 1,
          metricValue: 1,
        },
      },
    )
    .toArray()) as Stored[];
  for (const doc of found) existing.set(keyOf(doc), doc);
  const updates: AnyBulkWriteOperation<MetricSnapshot>[] = [];
  const inserts: MetricSnapshot[] = [];
  for (const s of snapshots) {
    const old = existing.get(keyOf(s));
    if (!old) inserts.push({ ...s });
    // Equal counts mean the same commits, so the same snapshot: nothing to write.
    else if (old.metricValue < s.metricValue) {
      updates.push({
        updateOne: {
          filter: { _id: old._id, metricValue: { $lte: s.metricValue } } as never,
          // Only the fields that can change; the natural key stays as it is.
          update: {
            $set: { metricValue: s.metricValue, timeframeEnd: s.timeframeEnd, payload: s.payload },
          },
        },
      });
    }
  }
  if (updates.length > 0) await chunkedBulkWrite(coll, updates);
  if (inserts.length === 0) return;
  try {
    await coll.insertMany(inserts.map((doc) => ({ ...doc, _id: snapshotId(doc) })) as never, {
      ordered: false,
    });
  } catch (err) {
    duplicateIndexes(err); // anything but a duplicate key is rethrown
    // Another projector inserted some of these since the find. Which ones is not taken from
    // the error (FerretDB may stop at the first duplicate and report only it): every insert
    // of this call is redone as a conditional upsert on its natural key, which lands only
    // where the stored snapshot counts fewer commits. A duplicate-key answer to an upsert
    // means the stored one counts as many or more: nothing to write.
    await chunkedBulkWrite(
      coll,
      inserts.map((doc) => ({
        updateOne: {
          filter: { _id: snapshotId(doc), metricValue: { $lt: doc.metricValue } } as never,
          update: { $set: doc },
          upsert: true,
        },
      })),
    );
  }
}
