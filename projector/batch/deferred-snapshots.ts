import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import type { BatchPlan } from '../projections/batch-plan.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import type { SnapshotWriter } from '../stores/snapshot-writer.ts';
import type { SnapshotSink } from './apply-batch.ts';

/**
 * Snapshot keys whose recompute a rebuild puts off until its end. Snapshots are a pure
 * function of the stored commits, so computing each once after the last batch gives the
 * same documents as recomputing them after every batch, from one pass over the commits
 * (not one range query per batch) and as inserts, not replacements (which FerretDB
 * writes one transaction each).
 * The live path never defers: its readers need fresh snapshots after every batch.
 */
export class DeferredSnapshots implements SnapshotSink {
  readonly #repos = new Map<string, { orgId: string; repoId: string; days: Set<string> }>();
  readonly #orgDays = new Map<string, Set<string>>();

  /** The {@link SnapshotSink} of a rebuild: remembers the plan's snapshots instead of writing them. */
  async write(_target: ReadModelTarget, plan: BatchPlan): Promise<void> {
    this.add(plan);
  }

  /** Remembers which snapshots a batch's plan touched. */
  add(plan: Pick<BatchPlan, 'repos' | 'orgDays'>): void {
    for (const repo of plan.repos) this.#addRepoDays(repo.orgId, repo.repoId, repo.days);
    for (const [orgId, days] of plan.orgDays) {
      let set = this.#orgDays.get(orgId);
      if (!set) this.#orgDays.set(orgId, (set = new Set()));
      for (const day of days) set.add(day);
    }
  }

  /** Remembers every snapshot of the commits already in `target` (a resumed rebuild). */
  async addFromTarget(db: Db, target: ReadModelTarget): Promise<void> {
    const cursor = db
      .collection<CommitDoc>(target.commits)
      .find({}, { projection: { _id: 0, orgId: 1, repoId: 1, timestamp: 1 } });
    for await (const doc of cursor) {
      const day = utcDay(doc.timestamp);
      this.add({
        repos: [{ orgId: doc.orgId, repoId: doc.repoId, days: [day], commitKeys: [], lineage: [] }],
        orgDays: new Map([[doc.orgId, [day]]]),
      });
    }
  }

  /** Org-days waiting. */
  get size(): number {
    let n = 0;
    for (const days of this.#orgDays.values()) n += days.size;
    return n;
  }

  /** Computes and writes every deferred snapshot from one pass over the target; then forgets them. */
  async flush(writer: SnapshotWriter, target: ReadModelTarget): Promise<number> {
    const written = await writer.writeFromScan(target, {
      repos: [...this.#repos.values()].map((r) => ({
        orgId: r.orgId,
        repoId: r.repoId,
        days: [...r.days].sort(),
        commitKeys: [],
        lineage: [],
      })),
      orgDays: new Map([...this.#orgDays].map(([orgId, days]) => [orgId, [...days].sort()])),
    });
    this.#repos.clear();
    this.#orgDays.clear();
    return written;
  }

  #addRepoDays(orgId: string, repoId: string, days: readonly string[]): void {
    const key = `${orgId}\u0000${repoId}`;
    let entry = this.#repos.get(key);
    if (!entry) this.#repos.set(key, (entry = { orgId, repoId, days: new Set() }));
    for (const day of days) entry.days.add(day);
  }
}
