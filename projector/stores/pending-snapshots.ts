import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { SnapshotKeys } from '../projections/snapshot-tally.ts';

const KIND = 'snapshots_pending';

/** One batch's snapshot keys, kept in the target's checkpoints collection. */
interface PendingDoc {
  _id: string;
  kind: typeof KIND;
  /** Set again each time the owner (re)starts its commit insert. */
  at: Date;
  repos: { orgId: string; repoId: string; days: string[] }[];
  orgDays: { orgId: string; days: string[] }[];
}

/** A marker left behind: the snapshots it names may miss commits that were stored. */
export interface Pending {
  readonly id: string;
  readonly at: Date;
  readonly keys: SnapshotKeys;
}

/**
 * "Dirty org-days" markers that make a batch's snapshot recompute survive whatever fails
 * after its commits are stored. A batch writes its marker (the snapshot keys it will
 * recompute) before it inserts its commits and deletes it after its snapshots are written.
 * A marker still there later means commits may be stored whose snapshots nobody
 * recomputed (the batch was dead-lettered, its process died and the advisory gave it up):
 * whoever finds it recomputes those snapshots from the stored commits. In MongoDB, the
 * truth, so a Redis wipe cannot lose one. Cost: two small writes per batch.
 */
export class PendingSnapshots {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Writes (or refreshes, when `id` is given) a batch's marker; resolves its id. */
  async mark(target: ReadModelTarget, keys: SnapshotKeys, token?: string): Promise<string> {
    const id = token ?? `pending:${randomUUID()}`;
    const doc: Omit<PendingDoc, '_id'> = {
      kind: KIND,
      at: new Date(),
      repos: keys.repos.map((r) => ({ orgId: r.orgId, repoId: r.repoId, days: r.days })),
      orgDays: [...keys.orgDays].map(([orgId, days]) => ({ orgId, days })),
    };
    await this.#collection(target).replaceOne({ _id: id }, doc, { upsert: true });
    return id;
  }

  /** The owner's delete, once its snapshots are written. */
  async clear(target: ReadModelTarget, id: string): Promise<void> {
    await this.#collection(target).deleteOne({ _id: id });
  }

  /**
   * A drainer's delete: only if nobody refreshed the marker since it was read (an owner
   * still inserting refreshes it, and its commits may land after the drainer's recompute).
   */
  async clearIfUnchanged(target: ReadModelTarget, pending: Pending): Promise<void> {
    await this.#collection(target).deleteOne({ _id: pending.id, at: pending.at });
  }

  /**
   * The commit days of `orgId` that batches have noted as due, whatever their age: their
   * commits may be stored while their counters and snapshots are not written yet. The
   * markers are few (one per batch in flight, and any left behind), so all are read.
   */
  async dueDays(target: ReadModelTarget, orgId: string): Promise<Set<string>> {
    const docs = await this.#collection(target)
      .find({ kind: KIND }, { projection: { orgDays: 1 } })
      .toArray();
    const days = new Set<string>();
    for (const d of docs)
      for (const o of d.orgDays) if (o.orgId === orgId) for (const day of o.days) days.add(day);
    return days;
  }

  /** Markers older than `graceMs` (an owner at work clears its own long before), oldest first. */
  async stale(target: ReadModelTarget, graceMs: number, limit = 50): Promise<Pending[]> {
    const docs = await this.#collection(target)
      .find({ kind: KIND, at: { $lt: new Date(Date.now() - graceMs) } })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({
      id: d._id,
      at: d.at,
      keys: {
        repos: d.repos.map((r) => ({ ...r, commitKeys: [], lineage: [] })),
        orgDays: new Map(d.orgDays.map((o) => [o.orgId, o.days])),
      },
    }));
  }

  #collection(target: ReadModelTarget) {
    return this.db.collection<PendingDoc>(target.checkpoints);
  }
}
