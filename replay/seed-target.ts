import type { Redis } from 'ioredis';
import type { Db, Document } from 'mongodb';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import { inNamespace, withoutNamespace } from '../schemas/redis-keys.ts';
import { targetKeyPattern } from './drop-target.ts';

/** The read models a replay can rebuild (or copy): one per store. */
export const Projections = {
  commits: 'commits',
  counters: 'counters',
  snapshots: 'snapshots',
} as const;
export type ProjectionName = (typeof Projections)[keyof typeof Projections];
export const ALL_PROJECTIONS: readonly ProjectionName[] = Object.values(Projections);

/** Documents per insertMany while copying. */
const COPY_BATCH = 1000;

/**
 * Copies read models of the live target into a fresh one, streamed in bounded batches:
 * what a partial replay starts from for the models it does not rebuild. Dates, arrays and
 * ids are copied as they are; Redis keys keep their TTL (DUMP/RESTORE).
 */
export async function seedTarget(
  db: Db,
  redis: Redis,
  from: ReadModelTarget,
  to: ReadModelTarget,
  which: readonly ProjectionName[],
): Promise<{ documents: number; keys: number }> {
  let documents = 0;
  let keys = 0;
  if (which.includes(Projections.commits))
    documents += await copyCollection(db, from.commits, to.commits);
  if (which.includes(Projections.snapshots)) {
    documents += await copyCollection(db, from.snapshots, to.snapshots);
  }
  if (which.includes(Projections.counters)) keys += await copyKeys(redis, from, to);
  return { documents, keys };
}

async function copyCollection(db: Db, from: string, to: string): Promise<number> {
  const target = db.collection(to);
  let batch: Document[] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await target.insertMany(batch, { ordered: false });
    copied += batch.length;
    batch = [];
  };
  for await (const doc of db.collection(from).find({}, { batchSize: COPY_BATCH })) {
    batch.push(doc);
    if (batch.length >= COPY_BATCH) await flush();
  }
  await flush();
  return copied;
}

async function copyKeys(redis: Redis, from: ReadModelTarget, to: ReadModelTarget): Promise<number> {
  let copied = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', targetKeyPattern(from), 'COUNT', 500);
    cursor = next;
    if (keys.length === 0) continue;
    const read = redis.pipeline();
    for (const key of keys) read.dumpBuffer(key).pttl(key);
    const results = (await read.exec()) ?? [];
    const write = redis.pipeline();
    keys.forEach((key, i) => {
      const dump = results[2 * i]?.[1] as Buffer | null | undefined;
      const pttl = Number(results[2 * i + 1]?.[1] ?? -1);
      if (!dump) return; // expired between SCAN and DUMP
      const name = inNamespace(withoutNamespace(key, from.redisNamespace), to.redisNamespace);
      write.restore(name, pttl > 0 ? pttl : 0, dump, 'REPLACE');
      copied++;
    });
    await write.exec();
  } while (cursor !== '0');
  return copied;
}
