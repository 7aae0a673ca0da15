import { MongoBulkWriteError, MongoServerError } from 'mongodb';

/** MongoDB's duplicate-key error code. */
export const DUPLICATE_KEY = 11000;

/**
 * For an unordered bulk write whose only failures are duplicate keys (the natural key is
 * already there, e.g. written by another projector a moment ago), the indexes of the
 * operations that hit one. Any other failure is rethrown.
 */
export function duplicateIndexes(err: unknown): Set<number> {
  if (!(err instanceof MongoBulkWriteError)) throw err;
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
  return new Set<number>(errors.map((e) => Number(e.index)));
}

/**
 * For an unordered bulk write of upserts whose only failures are duplicate keys, the
 * indexes of the operations that did upsert. Any other failure is rethrown.
 */
export function upsertedDespiteDuplicates(err: unknown): Set<number> {
  duplicateIndexes(err);
  return new Set(Object.keys((err as MongoBulkWriteError).result.upsertedIds).map(Number));
}

/** Whether a single write failed on a unique index (the document is there already). */
export function duplicateKeyError(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}
