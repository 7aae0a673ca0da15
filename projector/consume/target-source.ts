import type { Db } from 'mongodb';
import { currentTarget, type ReadModelTarget } from '../../platform/read-model-target.ts';
import { ensureTargetIndexes } from '../stores/ensure-indexes.ts';

/**
 * The read-model target to write to, read from the pointer before every batch (one small
 * findOne), so a replay's switch takes effect at the next batch. A target's indexes are
 * ensured the first time it is seen (the unique keys idempotency relies on).
 */
export class TargetSource {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async current(): Promise<ReadModelTarget> {
    const target = await currentTarget(this.db);
    await ensureTargetIndexes(this.db, target);
    return target;
  }
}
