import type { Db } from 'mongodb';
import { ensureReadModelIndexes } from '../../platform/mongo.ts';
import { currentTarget, type ReadModelTarget } from '../../platform/read-model-target.ts';
import { Collections } from '../../schemas/read-models.ts';

/**
 * The read-model target to write to, read from the pointer before every batch (one small
 * findOne), so a replay's switch takes effect at the next batch. The first time a target
 * is seen its indexes are ensured (the unique keys idempotency relies on).
 */
export class TargetSource {
  #indexed = new Set<number>();

  constructor(private readonly db: Db) {}

  async current(): Promise<ReadModelTarget> {
    const target = await currentTarget(this.db);
    if (!this.#indexed.has(target.version)) {
      await ensureReadModelIndexes(this.db, target.commits.slice(Collections.commits.length));
      this.#indexed.add(target.version);
    }
    return target;
  }
}
