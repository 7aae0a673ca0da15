import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { BatchPlan } from '../projections/batch-plan.ts';
import { Leases, type LeaseOptions } from './org-lease.ts';
import { snapshotsOf, upsertSnapshots } from './snapshot-store.ts';

/**
 * Recomputes and writes the snapshots a plan touched, one org's at a time across every
 * process: under a Redis lease per (target, org). Two projectors recomputing one snapshot
 * at once could otherwise each read the commits before the other's were stored and the
 * smaller result land last — the stored value's condition does not help on FerretDB,
 * which applies an update by reading the document and writing it back by `_id`. Under
 * the lease, the last recompute of a snapshot starts after every earlier write of its
 * commits (each projector stores its commits before it asks), so it sees all of them.
 */
export class SnapshotWriter {
  readonly #leases: Leases;

  constructor(
    private readonly db: Db,
    redis: Redis,
    opts: Partial<LeaseOptions> = {},
  ) {
    this.#leases = new Leases(redis, opts);
  }

  /** Resolves how many snapshots were recomputed. */
  async write(
    target: ReadModelTarget,
    plan: Pick<BatchPlan, 'repos' | 'orgDays'>,
  ): Promise<number> {
    if (plan.orgDays.size === 0) return 0;
    const keys = [...plan.orgDays.keys()].map(
      (orgId) => `${target.redisNamespace}lease:snapshots:${orgId}`,
    );
    return this.#leases.run(keys, async () => {
      const snapshots = await snapshotsOf(this.db, target, plan);
      await upsertSnapshots(this.db, target, snapshots);
      return snapshots.length;
    });
  }
}
