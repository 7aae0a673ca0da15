import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { addDays, dayStart, utcDay } from '../../schemas/utc-day.ts';
import { counterItemsOf } from '../projections/dev-day-counters.ts';
import type { CounterStore } from './counter-store.ts';

/** Commits read and counted per step: bounds memory whatever the history's size. */
const CHUNK = 5000;

export interface CounterRebuild {
  /** Commits read from MongoDB. */
  readonly commits: number;
  /** Distinct counter keys written. */
  readonly keys: number;
}

/**
 * Recounts a target's Redis day counters (and their seen sets) from its `commits`, the
 * truth, for every day whose counter would still live (`ttlDays` back from today). Through
 * the counters' own script (SADD, INCR only when new), so it is idempotent and safe beside
 * projectors counting at the same time: a commit already counted is not counted again.
 */
export async function rebuildCounters(
  db: Db,
  counters: CounterStore,
  target: ReadModelTarget,
  ttlDays: number,
  now = new Date(),
): Promise<CounterRebuild> {
  const from = dayStart(addDays(utcDay(now), -ttlDays));
  const cursor = db.collection<CommitDoc>(target.commits).find(
    { timestamp: { $gte: from } },
    {
      projection: { _id: 0, orgId: 1, repoId: 1, sha: 1, authorGithubId: 1, timestamp: 1 },
      batchSize: CHUNK,
    },
  );
  const keys = new Set<string>();
  let commits = 0;
  let chunk: CommitDoc[] = [];
  const flush = async () => {
    const items = counterItemsOf(chunk, { namespace: target.redisNamespace, ttlDays });
    for (const item of items) keys.add(item.key);
    await counters.apply(items);
    commits += chunk.length;
    chunk = [];
  };
  for await (const doc of cursor) {
    chunk.push(doc);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return { commits, keys: keys.size };
}
