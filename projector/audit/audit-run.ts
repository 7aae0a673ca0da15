import type { Redis } from 'ioredis';
import type { Db, Filter } from 'mongodb';
import type { Logger } from '../../platform/logger.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { MetricSnapshot } from '../../schemas/read-models.ts';
import type { StoredMetricSnapshot } from '../../platform/snapshot-codec.ts';
import { devDayKey, orgDaySeenKey } from '../../schemas/redis-keys.ts';
import { addDays, dayEnd, dayStart, utcDay } from '../../schemas/utc-day.ts';
import type { RepoChange } from '../projections/batch-plan.ts';
import { commitKey, parseCommitKey } from '../projections/commit-doc.ts';
import { SnapshotTally, type SnapshotKeys, type TallyRow } from '../projections/snapshot-tally.ts';
import type { SnapshotWriter } from '../stores/snapshot-writer.ts';
import { snapshotId, TALLY_FIELDS } from '../stores/snapshot-store.ts';
import {
  countsOfCommits,
  readRedisDays,
  repairOrgDay,
  type CounterRow,
  type OrgDayTruth,
} from './counter-audit.ts';
import { diffCounters, diffSnapshots } from './diff.ts';

/** What one model's audit found. */
export interface ModelTally {
  checked: number;
  drift: number;
  repaired: number;
}

/** One run's figures. */
export interface AuditTally {
  readonly snapshots: ModelTally;
  readonly counters: ModelTally;
  /** MongoDB queries, documents they returned, Redis round trips. */
  readonly reads: { mongoQueries: number; mongoDocs: number; redisCalls: number };
  /** Sampled org-days left to a later run: a batch in flight was writing them. */
  inFlight: number;
}

export interface AuditDeps {
  readonly db: Db;
  readonly redis: Redis;
  readonly snapshots: Pick<SnapshotWriter, 'write' | 'holding' | 'dueDays'>;
  readonly ttlDays: number;
  readonly logger: Logger;
}

type Row = CounterRow & Omit<TallyRow, keyof CounterRow>;
type StoredSnapshot = StoredMetricSnapshot & { _id: string };

/**
 * Audits one org's days: one read of its commits (those days), the
 * snapshots of those days recomputed with the batches' tally and compared with the stored
 * ones (one read by `_id`), the days' counters and seen sets compared (one pipelined read).
 * What differs is rewritten through the normal paths: the snapshot writer, under its lease;
 * the counters with an atomic script that backs off if a commit was counted meanwhile.
 *
 * A batch in flight is no drift: it stores its commits, then counts them, then recomputes
 * their snapshots, so for a moment the commits say more than the rest. Under load the
 * audit used to report (and rewrite) such snapshots as "differ". So commits, the batches'
 * due notes (`PendingSnapshots`, written before a batch's commits and removed after its
 * snapshots) and the snapshots are read in that order, and a sampled day a noted batch
 * touches is left to a later run: every commit read whose batch's note was gone by then
 * is counted and in the snapshots read. A difference is read again under the org's
 * snapshot lease (no snapshot of the org written meanwhile), so that no snapshot read
 * reflects a commit not read either; only what still differs is drift.
 */
export async function auditOrg(
  deps: AuditDeps,
  target: ReadModelTarget,
  orgId: string,
  sampled: readonly string[],
  out: AuditTally,
): Promise<void> {
  const { db, redis, logger } = deps;
  const filter: Filter<Row> = {
    orgId,
    $or: sampled.map((d) => ({
      timestamp: { $gte: dayStart(d), $lt: dayEnd(d) },
    })),
  };
  const readOrg = async () => {
    const rows = await db
      .collection<Row>(target.commits)
      .find(filter, { projection: TALLY_FIELDS })
      .toArray();
    const due = await deps.snapshots.dueDays(target, orgId);
    // A noted commit day changes that day's counters and snapshots only.
    const days = sampled.filter((d) => !due.has(d));
    const { keys, expected } = expectedSnapshots(orgId, rows, days);
    const stored = expected.length
      ? await db
          .collection<StoredSnapshot>(target.snapshots)
          .find({ _id: { $in: expected.map(snapshotId) } })
          .toArray()
      : [];
    out.reads.mongoQueries += 2 + (expected.length ? 1 : 0);
    out.reads.mongoDocs += rows.length + stored.length;
    return { rows, days, counterDays: sampled.filter((d) => !due.has(d)), keys, expected, stored };
  };
  // Without the lease a batch may store, count and recompute between the reads of commits
  // and snapshots, whose snapshots then show a commit the audit did not read: a difference
  // is read again under the lease (which keeps batches of the org waiting, so only then).
  let read = await readOrg();
  const first = diffSnapshots(read.expected, read.stored);
  if (first.missing.length + first.changed.length > 0)
    read = await deps.snapshots.holding(target, [orgId], readOrg);
  const { rows, days, keys, expected, stored } = read;
  out.inFlight += sampled.length - days.length;

  // Snapshots.
  const sd = diffSnapshots(expected, stored);
  const drifted = [...sd.missing, ...sd.changed];
  out.snapshots.checked += sd.checked;
  out.snapshots.drift += drifted.length + sd.extra.length;
  if (drifted.length > 0) {
    logger.warn(
      { orgId, days, missing: sd.missing, changed: sd.changed },
      'audit: snapshots differ from commits, recomputing them',
    );
    await deps.snapshots.write(target, keys);
    out.snapshots.repaired += drifted.length;
  }

  // Counters (their days only: older ones have expired).
  const oldest = addDays(utcDay(new Date()), -deps.ttlDays);
  const counterDays = new Set(read.counterDays);
  const counted = rows.filter(
    (r) => counterDays.has(utcDay(r.timestamp)) && utcDay(r.timestamp) >= oldest,
  );
  const truths = [
    ...countsOfCommits(counted, {
      namespace: target.redisNamespace,
      ttlDays: deps.ttlDays,
    }).values(),
  ];
  const states = await readRedisDays(redis, truths);
  out.reads.redisCalls += truths.length ? 1 : 0;
  for (const [i, truth] of truths.entries()) {
    let diff = diffCounters(truth, states[i]!);
    let bogus: string[] = [];
    if (diff.foreign.length > 0) {
      bogus = await explainForeign(deps, target, orgId, truth, diff.foreign, out);
      diff = diffCounters(truth, states[i]!);
    }
    out.counters.checked += diff.checked;
    // Bogus members stay foreign, so the seen set is among the drifted keys.
    const wrong = diff.drifted.length;
    if (wrong === 0) continue;
    out.counters.drift += wrong;
    const changed = await repairOrgDay(redis, truth, bogus);
    out.reads.redisCalls++;
    if (changed > 0) {
      out.counters.repaired += changed;
      logger.warn(
        { orgId, seenKey: truth.seenKey, keys: diff.drifted, bogus, changed },
        'audit: counters differ from commits, corrected',
      );
    }
  }
}

/** The snapshots of `days` the commits read give, and their keys. Pure. */
function expectedSnapshots(
  orgId: string,
  rows: readonly Row[],
  days: readonly string[],
): { keys: SnapshotKeys; expected: MetricSnapshot[] } {
  const dayset = new Set(days);
  const tally = new SnapshotTally();
  const repos = new Map<string, Set<string>>();
  for (const row of rows) {
    tally.add(row);
    const day = utcDay(row.timestamp);
    if (!dayset.has(day)) continue;
    let set = repos.get(row.repoId);
    if (!set) repos.set(row.repoId, (set = new Set()));
    set.add(day);
  }
  const keys: SnapshotKeys = {
    repos: [...repos].map(([repoId, ds]): RepoChange => ({
      orgId,
      repoId,
      days: [...ds].sort(),
      commitKeys: [],
      lineage: [],
    })),
    orgDays: new Map(days.length ? [[orgId, [...days]]] : []),
  };
  return { keys, expected: days.length ? tally.snapshotsOf(keys) : [] };
}

/**
 * Seen members the read did not explain: a commit stored (and counted) after the read
 * joins the truth; a member with no commit at all is bogus (a commit is stored before it
 * is counted, so none can be on its way). One query by (repoId, sha).
 */
async function explainForeign(
  deps: AuditDeps,
  target: ReadModelTarget,
  orgId: string,
  truth: OrgDayTruth,
  foreign: readonly string[],
  out: AuditTally,
): Promise<string[]> {
  // A member that is no commit key names no commit: bogus without a query.
  const pairs = foreign.flatMap((m) => parseCommitKey(m) ?? []);
  if (pairs.length === 0) return [...foreign];
  const found = await deps.db
    .collection<Row>(target.commits)
    .find({ $or: pairs }, { projection: TALLY_FIELDS })
    .toArray();
  out.reads.mongoQueries++;
  out.reads.mongoDocs += found.length;
  const known = new Set<string>();
  for (const row of found) {
    if (row.orgId !== orgId) continue;
    const day = utcDay(row.timestamp);
    if (truth.seenKey !== orgDaySeenKey(orgId, day, target.redisNamespace)) continue;
    const key = devDayKey(orgId, row.authorGithubId, day, target.redisNamespace);
    let members = truth.byKey.get(key);
    if (!members) truth.byKey.set(key, (members = new Set()));
    members.add(commitKey(row));
    known.add(commitKey(row));
  }
  return foreign.filter((m) => !known.has(m));
}
