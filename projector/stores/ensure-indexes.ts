import type { Db } from 'mongodb';
import { ensureReadModelIndexes } from '../../platform/mongo.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { Collections } from '../../schemas/read-models.ts';

const ensured = new WeakMap<Db, Map<string, Promise<void>>>();

/**
 * Makes sure a target's indexes exist before anything is written to it, once per process
 * and target: the unique (repoId, sha) index is what makes a second insert of a commit a
 * no-op, so no write may reach a collection without it (a replay writes to new ones).
 */
export function ensureTargetIndexes(db: Db, target: ReadModelTarget): Promise<void> {
  let perDb = ensured.get(db);
  if (!perDb) ensured.set(db, (perDb = new Map<string, Promise<void>>()));
  let pending = perDb.get(target.commits);
  if (!pending) {
    pending = ensureReadModelIndexes(db, target.commits.slice(Collections.commits.length));
    perDb.set(target.commits, pending);
    pending.catch(() => perDb.delete(target.commits));
  }
  return pending;
}
