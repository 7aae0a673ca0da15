import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { snapshotGenKey, snapshotLeaseKey } from '../../schemas/redis-keys.ts';
import { addDays, dayEnd, daysBetween, dayStart } from '../../schemas/utc-day.ts';
import { SnapshotTally, type SnapshotKeys } from '../projections/snapshot-tally.ts';
import type { BatchPlan } from '../projections/batch-plan.ts';
import { commitKey } from '../projections/commit-doc.ts';
import { Leases, type LeaseOptions } from './org-lease.ts';
import { PendingSnapshots } from './pending-snapshots.ts';
import {
  insertSnapshots,
  tallyCommits,
  upsertSnapshots,
  type KeyedTallyRow,
} from './snapshot-store.ts';

/** Snapshots per insert while writing a rebuild's snapshots. */
const INSERT_CHUNK = 1000;
/** Days read beyond what a batch needs, so the next batches (later days) hit the cache. */
const LOOKAHEAD_DAYS = 31;
/** Orgs whose tallies one process keeps (least recently used go first). */
const MAX_CACHED_ORGS = 512;
/** Longest range of days a kept tally may cover (a backfill's batch may span years). */
const MAX_CACHED_DAYS = 120;

/**
 * Commits a kept tally may count before it is dropped rather than kept (its key set grows
 * with commits, ~60 bytes each; the tally itself with org-days only).
 */
const MAX_CACHED_COMMITS = 200_000;

/**
 * A tally of one org's commits over [from, to], valid while the org's generation is `gen`;
 * `keys` are the commits it counted (`commitKey`), so a commit is never counted twice.
 */
interface CachedOrg {
  gen: string | null;
  readonly from: string;
  readonly to: string;
  readonly tally: SnapshotTally;
  readonly keys: Set<string>;
}

export interface SnapshotWriterOptions extends Partial<LeaseOptions> {
  /** Keep tallies between batches (default true); false reads the commits every batch. */
  readonly cache?: boolean;
}

/**
 * Recomputes and writes the snapshots of a set of keys, one org's at a time across every
 * process: under a Redis lease per (target, org). Two projectors recomputing one snapshot
 * at once could otherwise each read the commits before the other's were stored and the
 * smaller result land last — a condition on the stored value does not help on FerretDB,
 * which applies an update by reading the document and writing it back by `_id`. Under
 * the lease, the last recompute of a snapshot starts after every earlier write of its
 * commits (each projector stores its commits before it asks), so it sees all of them.
 *
 * Between batches the writer keeps each org's {@link SnapshotTally} and adds the next
 * batch's commits to it instead of reading them back: on FerretDB every range read scans
 * the whole collection. A tally is only used while the org's generation in Redis is the
 * one this process set at its last write (nobody else wrote the org's snapshots since:
 * every commit another process stored since our read is then still to be recomputed by
 * that process, under the lease, after us) and its range covers the batch. It keeps the
 * keys of the commits it counted, so a batch's commits that were stored before (a
 * redelivery of what a crashed process stored and never recomputed) are counted once: a
 * projector re-applying a dead one's messages one at a time does not read back each time.
 * Otherwise the commits are read again. Snapshots are the same either way (tested).
 */
export class SnapshotWriter {
  readonly #leases: Leases;
  readonly #pending: PendingSnapshots;
  readonly #cache = new Map<string, CachedOrg>();
  readonly #useCache: boolean;
  #commitReads = 0;

  private readonly db: Db;
  private readonly redis: Redis;

  constructor(db: Db, redis: Redis, opts: SnapshotWriterOptions = {}) {
    this.db = db;
    this.redis = redis;
    this.#leases = new Leases(redis, opts);
    this.#pending = new PendingSnapshots(db);
    this.#useCache = opts.cache ?? true;
  }

  /** Notes, before a batch stores its commits, that its snapshots are due (see {@link PendingSnapshots}). */
  due(target: ReadModelTarget, plan: BatchPlan, token: string | undefined): Promise<string> {
    return this.#pending.mark(target, plan, token);
  }

  /** The batch's snapshots are written. */
  done(target: ReadModelTarget, token: string): Promise<void> {
    return this.#pending.clear(target, token);
  }

  /** See {@link PendingSnapshots.dueDays}. */
  dueDays(target: ReadModelTarget, orgId: string): Promise<Set<string>> {
    return this.#pending.dueDays(target, orgId);
  }

  /**
   * Runs `fn` holding the snapshot leases of `orgs`: no snapshot of theirs is written
   * meanwhile (the audit reads commits and snapshots under it). `fn` must only read: it
   * runs again if the lease ran out while it ran.
   */
  holding<T>(target: ReadModelTarget, orgs: readonly string[], fn: () => Promise<T>): Promise<T> {
    return this.#leases.run(leaseKeys(target, orgs), () => fn());
  }

  /**
   * Recomputes the snapshots of every note older than `graceMs` (a batch whose commits
   * were stored and whose snapshots were never written: dead-lettered, or its process
   * gave up), from the stored commits, then removes the note. Resolves how many.
   */
  async drainPending(target: ReadModelTarget, graceMs: number): Promise<number> {
    const stale = await this.#pending.stale(target, graceMs);
    for (const pending of stale) {
      await this.write(target, pending.keys);
      await this.#pending.clearIfUnchanged(target, pending);
    }
    return stale.length;
  }

  /** Range reads of commits so far (each a collection scan on FerretDB); for tests and metrics. */
  get commitReads(): number {
    return this.#commitReads;
  }

  /**
   * A batch's snapshots, replaced. `batchCommits`: the batch's commits, all stored by now
   * (new or not); undefined to read every commit back. Resolves how many snapshots.
   */
  async write(
    target: ReadModelTarget,
    keys: SnapshotKeys,
    batchCommits?: readonly KeyedTallyRow[],
  ): Promise<number> {
    if (keys.orgDays.size === 0) return 0;
    const orgs = [...keys.orgDays.keys()];
    try {
      return await this.#leases.run(leaseKeys(target, orgs), async (attempt) => {
        const tallies = await this.#talliesOf(
          target,
          keys,
          attempt === 0 ? batchCommits : undefined,
        );
        const snapshots = [...tallies].flatMap(([orgId, tally]) =>
          tally.snapshotsOf(keysOfOrg(keys, orgId)),
        );
        await upsertSnapshots(this.db, target, snapshots);
        const gens = orgs.map(() => randomUUID());
        await this.redis.mset(orgs.flatMap((orgId, i) => [genKey(target, orgId), gens[i]!]));
        orgs.forEach((orgId, i) => {
          const cached = this.#cache.get(cacheKey(target, orgId));
          if (cached) cached.gen = gens[i]!;
        });
        return snapshots.length;
      });
    } catch (err) {
      // Whatever failed (even giving the lease back after a write that worked), the call
      // will be retried with the same commits: the tallies must not count them twice.
      for (const orgId of orgs) this.#cache.delete(cacheKey(target, orgId));
      throw err;
    }
  }

  async #talliesOf(
    target: ReadModelTarget,
    keys: SnapshotKeys,
    batchCommits: readonly KeyedTallyRow[] | undefined,
  ): Promise<Map<string, SnapshotTally>> {
    const orgs = [...keys.orgDays.keys()];
    const gens = await this.redis.mget(orgs.map((orgId) => genKey(target, orgId)));
    const tallies = new Map<string, SnapshotTally>();
    const misses: { orgId: string; from: string; to: string }[] = [];
    orgs.forEach((orgId, i) => {
      const days = keys.orgDays.get(orgId)!;
      const from = days[0]!;
      const to = days.at(-1)!;
      const cached = this.#cache.get(cacheKey(target, orgId));
      if (
        this.#useCache &&
        batchCommits &&
        cached &&
        // A missing generation (Redis wiped or restarted empty) proves nothing: read again.
        gens[i] != null &&
        cached.gen === gens[i] &&
        cached.from <= from &&
        cached.to >= to
      ) {
        for (const row of batchCommits) {
          if (row.orgId !== orgId) continue;
          const key = commitKey(row);
          if (cached.keys.has(key)) continue;
          cached.keys.add(key);
          cached.tally.add(row);
        }
        tallies.set(orgId, cached.tally);
        this.#remember(cacheKey(target, orgId), cached);
      } else {
        misses.push({ orgId, from, to: addDays(to, LOOKAHEAD_DAYS) });
      }
    });
    if (misses.length === 0) return tallies;
    const from = misses.map((m) => m.from).sort()[0]!;
    const to = misses
      .map((m) => m.to)
      .sort()
      .at(-1)!;
    const keySets = new Map<string, Set<string>>();
    for (const m of misses) {
      tallies.set(m.orgId, new SnapshotTally());
      keySets.set(m.orgId, new Set());
    }
    this.#commitReads++;
    await tallyCommits(
      this.db,
      target,
      {
        orgId: { $in: misses.map((m) => m.orgId) },
        timestamp: { $gte: dayStart(from), $lt: dayEnd(to) },
      },
      {
        add: (row) => {
          tallies.get(row.orgId)!.add(row);
          keySets.get(row.orgId)!.add(commitKey(row));
        },
      },
    );
    const keep = this.#useCache && daysBetween(from, to) <= MAX_CACHED_DAYS;
    for (const m of misses) {
      if (!keep || keySets.get(m.orgId)!.size > MAX_CACHED_COMMITS) continue;
      // Generation unknown until this write sets one; set by write() on success.
      this.#remember(cacheKey(target, m.orgId), {
        gen: null,
        from,
        to,
        tally: tallies.get(m.orgId)!,
        keys: keySets.get(m.orgId)!,
      });
    }
    return tallies;
  }

  #remember(key: string, entry: CachedOrg): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    if (this.#cache.size > MAX_CACHED_ORGS) this.#cache.delete(this.#cache.keys().next().value!);
  }

  /**
   * A rebuild's snapshots, all at once: one streamed pass over the target's commits (of
   * the keys' orgs) into a {@link SnapshotTally}, then inserts, an org at a time. On a
   * server that scans for every range query this is one scan instead of one per range.
   */
  async writeFromScan(target: ReadModelTarget, keys: SnapshotKeys): Promise<number> {
    if (keys.orgDays.size === 0) return 0;
    const orgs = [...keys.orgDays.keys()];
    return this.#leases.run(leaseKeys(target, orgs), async () => {
      const tally = new SnapshotTally();
      await tallyCommits(this.db, target, { orgId: { $in: orgs } }, tally);
      let written = 0;
      for (const orgId of orgs) {
        const snapshots = tally.snapshotsOf(keysOfOrg(keys, orgId));
        for (let i = 0; i < snapshots.length; i += INSERT_CHUNK)
          await insertSnapshots(this.db, target, snapshots.slice(i, i + INSERT_CHUNK));
        written += snapshots.length;
      }
      // Whatever this process cached of these orgs predates the rebuild's writes.
      for (const orgId of orgs) this.#cache.delete(cacheKey(target, orgId));
      await this.redis.mset(orgs.flatMap((orgId) => [genKey(target, orgId), randomUUID()]));
      return written;
    });
  }
}

function keysOfOrg(keys: SnapshotKeys, orgId: string): SnapshotKeys {
  return {
    repos: keys.repos.filter((r) => r.orgId === orgId),
    orgDays: new Map([[orgId, keys.orgDays.get(orgId)!]]),
  };
}

function leaseKeys(target: ReadModelTarget, orgs: readonly string[]): string[] {
  return orgs.map((orgId) => snapshotLeaseKey(target.redisNamespace, orgId));
}

function genKey(target: ReadModelTarget, orgId: string): string {
  return snapshotGenKey(target.redisNamespace, orgId);
}

function cacheKey(target: ReadModelTarget, orgId: string): string {
  return `${target.commits}\u0000${orgId}`;
}
