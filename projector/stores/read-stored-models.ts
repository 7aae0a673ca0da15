import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { inNamespace } from '../../schemas/redis-keys.ts';
import { counterKeyPages } from './counter-keys.ts';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { decodeSnapshot, type StoredMetricSnapshot } from '../../platform/snapshot-codec.ts';
import { commitKey } from '../projections/commit-doc.ts';
import { sortSnapshots, type ReadModels } from '../projections/in-memory-read-models.ts';

/**
 * Reads a target's three read models back in the canonical form of {@link ReadModels}
 * (no `_id`, sorted, a `dashboard_day`'s payload decoded), so stored and in-memory models,
 * or live and replayed ones, compare with deep equality. Reads everything: for tests and checks, not for serving.
 */
export async function readStoredModels(
  db: Db,
  redis: Redis,
  target: ReadModelTarget,
): Promise<ReadModels> {
  const commits = await db
    .collection<CommitDoc>(target.commits)
    .find({}, { projection: { _id: 0 } })
    .toArray();
  commits.sort((a, b) => (commitKey(a) < commitKey(b) ? -1 : 1));
  const snapshots = (
    await db
      .collection<StoredMetricSnapshot>(target.snapshots)
      .find({}, { projection: { _id: 0 } })
      .toArray()
  ).map(decodeSnapshot);
  const keys: string[] = [];
  for await (const page of counterKeyPages(redis, target)) {
    for (const key of page) keys.push(inNamespace(key, target.redisNamespace));
  }
  keys.sort();
  const values = keys.length ? await redis.mget(keys) : [];
  const counters = Object.fromEntries(keys.map((k, i) => [k, Number(values[i])]));
  return { commits, counters, snapshots: sortSnapshots(snapshots) };
}
