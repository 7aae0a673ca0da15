import type { Redis } from 'ioredis';
import type { Db, Document } from 'mongodb';
import { counterKeyPages } from '../projector/mod.ts';
import { inNamespace } from '../schemas/redis-keys.ts';
import { decodeSnapshot, type StoredMetricSnapshot } from '../platform/snapshot-codec.ts';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import {
  diffSorted,
  emptyDiff,
  tally,
  utf8Order,
  type Differences,
  type ModelDiff,
} from './diff-tally.ts';

const SCAN_COUNT = 1000;

/**
 * Compares two targets' read models, streamed: commits and snapshots as two cursors
 * sorted on their unique keys, merged; counters by SCAN over each namespace with MGET of
 * the other side. Memory does not grow with the models' size. Snapshots are compared
 * decoded: a `dashboard_day` still in the nested form of before equals the same day as
 * JSON text, and a difference names the payload's field, not one long string.
 */
export async function diffTargets(
  db: Db,
  redis: Redis,
  current: ReadModelTarget,
  rebuilt: ReadModelTarget,
): Promise<Differences> {
  const commits = await diffSorted(
    sortedDocs(db, current.commits, { repoId: 1, sha: 1 }),
    sortedDocs(db, rebuilt.commits, { repoId: 1, sha: 1 }),
    (d) => `${String(d.repoId)}\u0000${String(d.sha)}`,
    utf8Order,
  );
  const snapshotSort = { orgId: 1, repoId: 1, metricName: 1, timeframeStart: 1 } as const;
  const snapshots = await diffSorted(
    decoded(sortedDocs(db, current.snapshots, snapshotSort)),
    decoded(sortedDocs(db, rebuilt.snapshots, snapshotSort)),
    (d) =>
      [d.orgId, d.repoId, d.metricName, (d.timeframeStart as Date).toISOString()]
        .map(String)
        .join('\u0000'),
    utf8Order,
  );
  const counters = await diffCounters(redis, current, rebuilt);
  const total = [commits, snapshots, counters].reduce(
    (n, d) => n + d.added + d.removed + d.changed,
    0,
  );
  return { commits, snapshots, counters, total };
}

function sortedDocs(db: Db, collection: string, sort: Record<string, 1>): AsyncIterable<Document> {
  return db.collection(collection).find({}, { projection: { _id: 0 }, sort, batchSize: 1000 });
}

/** Snapshot documents decoded (`decodeSnapshot`); one that cannot be decoded is compared as read. */
async function* decoded(docs: AsyncIterable<Document>): AsyncIterable<Document> {
  for await (const doc of docs) {
    let out: Document = doc;
    try {
      out = decodeSnapshot(doc as StoredMetricSnapshot);
    } catch {
      // compared as read: it differs from the other side's decoded day
    }
    yield out;
  }
}

async function diffCounters(
  redis: Redis,
  current: ReadModelTarget,
  rebuilt: ReadModelTarget,
): Promise<ModelDiff> {
  const diff = emptyDiff();
  // Rebuilt side: added and changed.
  await scanCounters(redis, rebuilt, async (keys) => {
    const names = keys.map((k) => inNamespace(k, current.redisNamespace));
    const [mine, theirs] = await Promise.all([
      redis.mget(keys.map((k) => inNamespace(k, rebuilt.redisNamespace))),
      redis.mget(names),
    ]);
    keys.forEach((key, i) => {
      const value = mine[i] ?? null;
      const before = theirs[i] ?? null;
      if (before === null) tally(diff, { kind: 'added', key, rebuilt: Number(value) });
      else if (before !== value) {
        tally(diff, {
          kind: 'changed',
          key,
          fields: [{ field: 'value', current: Number(before), rebuilt: Number(value) }],
        });
      }
    });
  });
  // Current side: removed.
  await scanCounters(redis, current, async (keys) => {
    const mine = await redis.mget(keys.map((k) => inNamespace(k, rebuilt.redisNamespace)));
    const theirs = await redis.mget(keys.map((k) => inNamespace(k, current.redisNamespace)));
    keys.forEach((key, i) => {
      if ((mine[i] ?? null) === null)
        tally(diff, { kind: 'removed', key, current: Number(theirs[i]) });
    });
  });
  return diff;
}

/** Calls `each` with the target's counter keys (namespace stripped, seen sets left out), a SCAN page at a time. */
async function scanCounters(
  redis: Redis,
  target: ReadModelTarget,
  each: (keys: string[]) => Promise<void>,
): Promise<void> {
  for await (const keys of counterKeyPages(redis, target, SCAN_COUNT)) await each(keys);
}
