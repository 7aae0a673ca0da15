import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { rebuildCounters, type CounterRebuild } from './counter-rebuild.ts';
import type { CounterStore } from './counter-store.ts';
import { duplicateKeyError } from './duplicate-key.ts';
import type { Leases } from './org-lease.ts';
import { redisEpochKey, redisRebuildLeaseKey } from '../../schemas/redis-keys.ts';

/** The epoch's document in the target's checkpoints collection. */
const EPOCH_ID = 'redis-epoch';

export interface RedisEpochOptions {
  readonly db: Db;
  readonly redis: Redis;
  readonly counters: CounterStore;
  /** Leases on the Redis server, so one projector rebuilds while the others wait. */
  readonly leases: Leases;
  readonly ttlDays: number;
  /** Told before a rebuild starts (`lost`) and once it is done. */
  readonly onRebuild: (
    event:
      | { phase: 'lost'; reason: RebuildReason }
      | { phase: 'rebuilt'; reason: RebuildReason; result: CounterRebuild; ms: number },
  ) => void;
}

/** The epoch's document: the epoch, and the Redis process (`run_id`) it was last checked on. */
interface EpochDoc {
  _id: string;
  epoch: string;
  redisRunId?: string;
}

/** Why Redis is rebuilt: it lost the epoch (wiped), or it restarted since the last check. */
export type RebuildReason = 'epoch_missing' | 'redis_restarted';

/**
 * Notices that Redis lost its data and rebuilds what it held before more is counted. A
 * random epoch is kept both in MongoDB (the target's checkpoints) and in Redis: Redis
 * without it while MongoDB has one means Redis restarted empty or was flushed. A restart
 * that kept its AOF may still have lost the last second of writes (`appendfsync
 * everysec`, power loss), which no marker written earlier can show: so a restart of the
 * Redis process (its `run_id`, recorded in MongoDB) also triggers a rebuild. Redis is a
 * cache to refill: the day counters and seen sets are recounted from `commits` (see
 * {@link rebuildCounters}), under a lease so one projector rebuilds while the others wait,
 * and the epoch and run id are written back last. Cost: one GET per batch while nothing
 * changed; the run id is read by the periodic check only.
 */
export class RedisEpoch {
  readonly #o: RedisEpochOptions;
  /** Per target namespace, the epoch this process last saw in both stores. */
  readonly #known = new Map<string, string>();
  /** Per target namespace, the Redis run id last checked against MongoDB's. */
  readonly #knownRunId = new Map<string, string>();

  constructor(opts: RedisEpochOptions) {
    this.#o = opts;
  }

  /**
   * Resolves once Redis holds the target's epoch, after a rebuild when it had lost it.
   * `checkRestart`: also compare the Redis process with the one last checked (one INFO).
   */
  async ensure(target: ReadModelTarget, checkRestart = false): Promise<void> {
    const ns = target.redisNamespace;
    const key = epochKey(this.#o.db, target);
    const inRedis = await this.#o.redis.get(key);
    const runId = checkRestart ? await this.#runId() : undefined;
    const sameRun = runId === undefined || runId === this.#knownRunId.get(ns);
    if (inRedis !== null && inRedis === this.#known.get(ns) && sameRun) return;
    let doc = await this.#epochDoc(target);
    const reason = rebuildReason(inRedis, runId, doc);
    if (reason !== undefined) {
      await this.#o.leases.run([lockKey(target)], async () => {
        // Another projector may have rebuilt while this one waited for the lease.
        doc = await this.#epochDoc(target);
        const now = rebuildReason(await this.#o.redis.get(key), runId, doc);
        if (now === undefined) return;
        this.#o.onRebuild({ phase: 'lost', reason: now });
        const started = performance.now();
        const result = await rebuildCounters(this.#o.db, this.#o.counters, target, this.#o.ttlDays);
        await this.#o.redis.set(key, doc.epoch);
        const ms = Math.round(performance.now() - started);
        this.#o.onRebuild({ phase: 'rebuilt', reason: now, result, ms });
      });
    }
    const current = runId ?? (await this.#runId());
    if (doc.redisRunId !== current) await this.#recordRunId(target, current);
    this.#known.set(ns, doc.epoch);
    this.#knownRunId.set(ns, current);
  }

  async #runId(): Promise<string> {
    const info = await this.#o.redis.info('server');
    return /^run_id:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  }

  async #recordRunId(target: ReadModelTarget, runId: string): Promise<void> {
    await this.#collection(target).updateOne({ _id: EPOCH_ID }, { $set: { redisRunId: runId } });
  }

  #collection(target: ReadModelTarget) {
    return this.#o.db.collection<EpochDoc>(target.checkpoints);
  }

  /** The target's epoch in MongoDB; the first projector to ask creates it (and sets Redis's). */
  async #epochDoc(target: ReadModelTarget): Promise<EpochDoc> {
    const epochs = this.#collection(target);
    const found = await epochs.findOne({ _id: EPOCH_ID });
    if (found) return found;
    // No epoch yet: this Redis is taken as it is (nothing to compare it with).
    const doc: EpochDoc = { _id: EPOCH_ID, epoch: randomUUID(), redisRunId: await this.#runId() };
    try {
      await epochs.insertOne(doc);
    } catch (err) {
      if (!duplicateKeyError(err)) throw err;
      const other = await epochs.findOne({ _id: EPOCH_ID });
      if (other) return other;
      throw err;
    }
    await this.#o.redis.set(epochKey(this.#o.db, target), doc.epoch);
    return doc;
  }
}

function rebuildReason(
  inRedis: string | null,
  runId: string | undefined,
  doc: EpochDoc,
): RebuildReason | undefined {
  if (inRedis !== doc.epoch) return 'epoch_missing';
  if (runId !== undefined && doc.redisRunId !== undefined && doc.redisRunId !== runId)
    return 'redis_restarted';
  return undefined;
}

function epochKey(db: Db, target: ReadModelTarget): string {
  return redisEpochKey(target.redisNamespace, db.databaseName);
}

function lockKey(target: ReadModelTarget): string {
  return redisRebuildLeaseKey(target.redisNamespace);
}
