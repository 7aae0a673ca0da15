import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import type { BatchPlan, RepoChange } from '../projections/batch-plan.ts';
import { utcDay } from '../projections/day.ts';
import type { SnapshotWriter } from '../stores/snapshot-writer.ts';

/** Days of one org recomputed per flush step: bounds the commits read at once. */
const CHUNK_DAYS = 31;

/**
 * Snapshot keys whose recompute a rebuild puts off until its end. Snapshots are a pure
 * function of the stored commits, so computing each once after the last batch gives the
 * same documents as recomputing them after every batch — and in a fresh target they are
 * then inserts, not updates (which FerretDB pays for with a scan of the collection each).
 * The live path never defers: its readers need fresh snapshots after every batch.
 */
export class DeferredSnapshots {
  readonly #repos = new Map<string, { orgId: string; repoId: string; days: Set<string> }>();
  readonly #orgDays = new Map<string, Set<string>>();

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

  /** Computes and writes every deferred snapshot, an org and a month at a time; then forgets them. */
  async flush(writer: SnapshotWriter, target: ReadModelTarget): Promise<number> {
    let written = 0;
    for (const [orgId, daySet] of this.#orgDays) {
      const days = [...daySet].sort();
      for (let i = 0; i < days.length; i += CHUNK_DAYS) {
        const chunk = days.slice(i, i + CHUNK_DAYS);
        const inChunk = new Set(chunk);
        const repos: RepoChange[] = [];
        for (const r of this.#repos.values()) {
          if (r.orgId !== orgId) continue;
          const rd = [...r.days].filter((d) => inChunk.has(d)).sort();
          if (rd.length > 0)
            repos.push({ orgId, repoId: r.repoId, days: rd, commitKeys: [], lineage: [] });
        }
        written += await writer.write(target, { repos, orgDays: new Map([[orgId, chunk]]) });
      }
    }
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
