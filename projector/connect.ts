import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import type { Db } from 'mongodb';
import type { Config } from '../platform/config.ts';
import { openBodyStore } from '../platform/log/append.ts';
import { connectMongo } from '../platform/mongo.ts';
import type { Logger } from '../platform/logger.ts';
import { connectNats, type NatsConnection } from '../platform/nats.ts';
import type { NatsRole } from '../platform/nats-auth/roles.ts';
import { connectRedis, reportRedisState, type Redis } from '../platform/redis.ts';
import { ensureStreams } from '../platform/streams.ts';
import { applyBatch, type BatchDeps, type BatchSinks } from './batch/apply-batch.ts';
import { decodePush, type LogMessage } from './batch/decode.ts';
import type { RetryPolicy } from './batch/settlement.ts';
import { UpdatePublisher } from './batch/update-publisher.ts';
import { TargetSource } from './consume/target-source.ts';
import { normalizeOrgMappings } from './projections/identity.ts';
import { CounterStore } from './stores/counter-store.ts';
import { SnapshotWriter } from './stores/snapshot-writer.ts';

/** Connections to reuse instead of opening new ones (e.g. `teampulse up`, tests). */
export interface SharedConnections {
  readonly nc?: NatsConnection | undefined;
  readonly db?: Db | undefined;
  readonly redis?: Redis | undefined;
}

/**
 * Who the context connects to NATS as: the projector itself, or `admin` for the operator
 * tools (replay, dlq retry) that share its code.
 */
export interface ConnectAs {
  readonly role?: NatsRole;
  readonly logger?: Logger;
}

/** Everything the projector and its tools (DLQ retry, replay) write through. */
export interface ProjectorContext {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly redis: Redis;
  /** The stores and settings batches are applied with. */
  readonly batch: BatchDeps;
  readonly snapshots: SnapshotWriter;
  /** Where the live projector's results go: the snapshot writer, the publisher, its checkpoint. */
  readonly live: BatchSinks;
  /** Tries before a failing event is given up, and the waits between them. */
  readonly retry: RetryPolicy;
  readonly targets: TargetSource;
  readonly objects: () => Promise<ObjectStore>;
  /** Closes what this context opened (not the shared connections). */
  close(): Promise<void>;
}

/** The checkpoint document the live projector raises. */
export const LIVE_CHECKPOINT = 'projector';

/**
 * Connects to NATS, MongoDB and Redis (or reuses given connections) and ensures the streams.
 * `as.logger` also hears of waits for another projector's lease.
 */
export async function openProjectorContext(
  cfg: Config,
  shared: SharedConnections = {},
  as: ConnectAs = {},
): Promise<ProjectorContext> {
  const role = as.role ?? 'projector';
  const logger = as.logger;
  const nc =
    shared.nc ??
    (await connectNats(cfg, { name: `teampulse-${role}`, role, ...(logger ? { logger } : {}) }));
  const mongo = shared.db ? undefined : await connectMongo(cfg.MONGO_URL, cfg.MONGO_DB);
  const db = shared.db ?? mongo!.db;
  const redis = shared.redis ?? connectRedis(cfg.REDIS_URL, 'teampulse-projector');
  // Connection errors surface on the commands (and as transient retries); the connection
  // itself is said once when lost and once when back (ioredis would print every attempt).
  if (!shared.redis) {
    if (logger) reportRedisState(redis, logger);
    else redis.on('error', () => undefined);
  }
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, cfg);
  let store: Promise<ObjectStore> | undefined;
  const objects = () =>
    (store ??= openBodyStore(js).catch((err: unknown) => {
      store = undefined;
      throw err;
    }));
  const batch: BatchDeps = {
    db,
    counters: new CounterStore(redis),
    mappings: normalizeOrgMappings(cfg.ORG_MAPPINGS),
    ttlDays: cfg.REDIS_KEY_TTL_DAYS,
  };
  const snapshots = new SnapshotWriter(db, redis, {
    onWait: (leases, waitedMs) =>
      logger?.warn({ leases, waitedMs }, 'waiting for a lease another projector holds'),
  });
  return {
    nc,
    js,
    jsm,
    db,
    redis,
    batch,
    snapshots,
    // 2 s for the PubAck: an update published as NATS died is retried soon after it is
    // back (the message id dedupes one that did land) instead of after 5 s.
    live: { snapshots, updates: new UpdatePublisher(js, 2000), checkpoint: LIVE_CHECKPOINT },
    retry: { maxDeliver: cfg.PROJECTOR_MAX_DELIVER, backoffMs: cfg.PROJECTOR_BACKOFF_MS },
    targets: new TargetSource(db),
    objects,
    async close() {
      if (!shared.redis) redis.disconnect();
      await mongo?.close();
      if (!shared.nc) await nc.drain();
    },
  };
}

/**
 * Decodes one log message and applies it to the current target with the live batch code
 * (idempotent): what a DLQ retry runs. Throws what decoding or applying throws.
 */
export async function applyLogMessage(ctx: ProjectorContext, msg: LogMessage): Promise<void> {
  const event = await decodePush(msg, ctx.objects);
  await applyBatch(ctx.batch, ctx.live, await ctx.targets.current(), [event]);
}
