import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { commitKey } from '../projections/commit-doc.ts';
import { duplicateIndexes } from './duplicate-key.ts';
import { ensureTargetIndexes } from './ensure-indexes.ts';

/**
 * Inserts commit documents, one unordered `insertMany`; a document whose (repoId, sha) is
 * already there fails alone on the unique index and is left as it is, exactly what an
 * upsert with `$setOnInsert` does, so a commit seen again (redelivery, another push,
 * another projector) changes nothing. Inserts rather than upserts because FerretDB runs
 * an upsert's filter as a scan (measured: ~1000x slower at a few thousand documents).
 * Resolves the keys of the commits this call inserted: the new ones.
 */
export async function upsertCommits(
  db: Db,
  target: ReadModelTarget,
  docs: readonly CommitDoc[],
): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  await ensureTargetIndexes(db, target);
  // Copies: the driver adds an _id to what it inserts.
  const copies = docs.map((d) => ({ ...d }));
  let existing = new Set<number>();
  try {
    await db.collection<CommitDoc>(target.commits).insertMany(copies, { ordered: false });
  } catch (err) {
    existing = duplicateIndexes(err);
  }
  const keys = new Set<string>();
  docs.forEach((doc, i) => {
    if (!existing.has(i)) keys.add(commitKey(doc));
  });
  return keys;
}

/** Raises the target's checkpoint to the highest stream sequence written so far. */
export async function raiseCheckpoint(
  db: Db,
  target: ReadModelTarget,
  name: string,
  streamSeq: number,
): Promise<void> {
  await db
    .collection<{ _id: string; streamSeq: number; updatedAt: Date }>(target.checkpoints)
    .updateOne(
      { _id: name },
      { $max: { streamSeq }, $set: { updatedAt: new Date() } },
      { upsert: true },
    );
}
