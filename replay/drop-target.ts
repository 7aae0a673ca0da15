import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import { versionKeyPattern } from '../schemas/redis-keys.ts';

/** Keys deleted per UNLINK: bounds one command's size. */
const UNLINK_CHUNK = 500;

/** The Redis pattern of every key of a target: the counters, their seen sets, the snapshot generations. */
export function targetKeyPattern(target: ReadModelTarget): string {
  return versionKeyPattern(target.redisNamespace);
}

/**
 * Drops a target's read models: its three collections and every Redis key of its
 * namespace (SCAN + UNLINK in chunks, so memory and Redis pauses stay small).
 */
export async function dropTarget(db: Db, redis: Redis, target: ReadModelTarget): Promise<void> {
  const existing = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
  );
  for (const name of [target.commits, target.snapshots, target.checkpoints]) {
    if (existing.has(name)) await db.collection(name).drop();
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', targetKeyPattern(target), 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i < keys.length; i += UNLINK_CHUNK) {
      await redis.unlink(...keys.slice(i, i + UNLINK_CHUNK));
    }
  } while (cursor !== '0');
}
