import type { Db, Filter } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { snapshotId, type CommitDoc, type MetricSnapshot } from '../../schemas/read-models.ts';
import {
  encodeSnapshot,
  snapshotDocument,
  type StoredMetricSnapshot,
} from '../../platform/snapshot-codec.ts';
import type { TallyRow } from '../projections/snapshot-tally.ts';
import { chunkedBulkWrite } from './chunked-bulk-write.ts';
import { duplicateIndexes } from './duplicate-key.ts';

/** The commit fields a tally (and the audit, which tallies too) reads, with the commit's key. */
export const TALLY_FIELDS = {
  _id: 0,
  orgId: 1,
  repoId: 1,
  sha: 1,
  authorGithubId: 1,
  timestamp: 1,
  modulePaths: 1,
  filesCount: 1,
  authorName: 1,
  utcOffsetMinutes: 1,
  repoName: 1,
};

/** A stored commit as a tally reads it, with its key (`repoId`, `sha`). */
export type KeyedTallyRow = TallyRow & Pick<CommitDoc, 'sha'>;

/** Streams the target's commits matching `filter` into `tally` (only the fields it reads). */
export async function tallyCommits(
  db: Db,
  target: ReadModelTarget,
  filter: Filter<CommitDoc>,
  tally: { add(row: KeyedTallyRow): void },
): Promise<number> {
  let rows = 0;
  const cursor = db
    .collection<CommitDoc>(target.commits)
    .find(filter, { projection: TALLY_FIELDS, batchSize: 5000 });
  for await (const row of cursor) {
    tally.add(row);
    rows++;
  }
  return rows;
}

/** A snapshot's `_id` (its natural key); kept in `schemas/` so the gateway reads by it too. */
export { snapshotId };

/**
 * Writes snapshots on their natural key (org, repo, metric, start), replacing what is
 * stored (encoded: a `dashboard_day`'s payload as JSON text, see `StoredDashboardDay`;
 * a whole replacement also drops the nested `payload` of a day written before). Callers hold the org's lease (see `SnapshotWriter`): the last write of a
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
    db.collection<StoredMetricSnapshot>(target.snapshots),
    snapshots.map((s) => ({
      replaceOne: {
        filter: { _id: snapshotId(s) } as never,
        replacement: encodeSnapshot(s),
        upsert: true,
      },
    })),
  );
}

/**
 * {@link upsertSnapshots} for a target that has (almost) none yet, a rebuild's: one
 * `insertMany` (FerretDB: one transaction instead of one per document); if some were
 * there already (a resumed flush), the same snapshots are written as replacements.
 */
export async function insertSnapshots(
  db: Db,
  target: ReadModelTarget,
  snapshots: readonly MetricSnapshot[],
): Promise<void> {
  if (snapshots.length === 0) return;
  try {
    await db
      .collection<StoredMetricSnapshot & { _id: string }>(target.snapshots)
      .insertMany(snapshots.map(snapshotDocument), { ordered: false });
  } catch (err) {
    duplicateIndexes(err); // anything but a duplicate key is rethrown
    await upsertSnapshots(db, target, snapshots);
  }
}
