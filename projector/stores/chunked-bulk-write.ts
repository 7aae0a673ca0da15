import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { upsertedDespiteDuplicates } from './duplicate-key.ts';

/**
 * Operations per bulk-write command. FerretDB 1.x (SQLite) keeps the query of every
 * update statement of a command open until the command ends (a `defer` inside its loop),
 * each holding one of its 100 SQLite connections: a command of 100 matching updates, or
 * two writers' commands adding up to 100, deadlock the server. 32 keeps three concurrent
 * writers (two projectors and a replay) under that; MongoDB does not care.
 */
export const BULK_CHUNK = 32;

/**
 * An unordered bulk write in commands of {@link BULK_CHUNK} operations. Resolves the
 * indexes (into `ops`) of the operations that upserted; duplicate-key failures (a
 * concurrent writer inserted the same natural key) are tolerated as in one bulk write.
 */
export async function chunkedBulkWrite<T extends Document>(
  collection: Collection<T>,
  ops: readonly AnyBulkWriteOperation<T>[],
): Promise<Set<number>> {
  const upserted = new Set<number>();
  for (let start = 0; start < ops.length; start += BULK_CHUNK) {
    let indexes: Set<number>;
    try {
      const result = await collection.bulkWrite(ops.slice(start, start + BULK_CHUNK), {
        ordered: false,
      });
      indexes = new Set(Object.keys(result.upsertedIds).map(Number));
    } catch (err) {
      indexes = upsertedDespiteDuplicates(err);
    }
    for (const i of indexes) upserted.add(start + i);
  }
  return upserted;
}
