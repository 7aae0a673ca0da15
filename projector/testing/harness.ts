/** Integration-test harness: real servers, the log filled as ingest fills it, read models read back. */
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { buildPushPayload, type FakePush } from '../../platform/github/push-payload.ts';
import { loadConfig, type Config } from '../../platform/config.ts';
import { LogAppender, type AppendResult } from '../../platform/log/append.ts';
import { createLogger } from '../../platform/logger.ts';
import { connectNats, type NatsConnection } from '../../platform/nats.ts';
import { targetFor, type ReadModelTarget } from '../../platform/read-model-target.ts';
import { ensureStreams } from '../../platform/streams.ts';
import type { Env } from '../../schemas/config.ts';
import type { RoleCreds } from '../../test/support/servers.ts';
import { Consumers, Streams } from '../../schemas/streams.ts';
import { listDeadLetters, type DeadLetter } from '../dead-letter/dlq-admin.ts';
import { startProjector, type ProjectorDeps, type ProjectorHandle } from '../main.ts';
import type { ReadModels } from '../projections/in-memory-read-models.ts';
import { readStoredModels } from '../stores/read-stored-models.ts';

export interface Urls {
  readonly natsUrl: string;
  /** Each role's NATS creds file (`servers.creds`). */
  readonly creds: RoleCreds;
  readonly redisUrl: string;
  readonly mongoUrl: string;
  readonly mongoDbName: string;
}

let deliveries = 0;

/** A harness around one set of servers; `close()` stops every projector it started. */
export async function projectorHarness(
  urls: Urls,
  overrides: Partial<Record<keyof Env, string>> = {},
) {
  const cfg: Config = loadConfig(
    {},
    {
      NATS_URL: urls.natsUrl,
      NATS_CREDS: urls.creds.projector,
      REDIS_URL: urls.redisUrl,
      MONGO_URL: urls.mongoUrl,
      MONGO_DB: urls.mongoDbName,
      PROJECTOR_PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      PROJECTOR_BATCH_WAIT_MS: '20',
      PROJECTOR_BACKOFF_MS: '200,400',
      // Fixtures have fixed dates; counters of days older than the TTL expire at once.
      REDIS_KEY_TTL_DAYS: '36500',
      // The audit repairs read models behind a test's back: tests that want it turn it on.
      PROJECTOR_AUDIT_INTERVAL_MS: '0',
      ...overrides,
    },
  );
  // The harness fills the log, reads dead letters and inspects consumers: all of it admin work.
  const nc: NatsConnection = await connectNats(
    { ...cfg, NATS_CREDS: urls.creds.admin },
    { name: 'test', role: 'admin' },
  );
  const js: JetStreamClient = jetstream(nc);
  const jsm: JetStreamManager = await jetstreamManager(nc);
  await ensureStreams(jsm, cfg);
  const appender = new LogAppender(nc, { timeoutMs: 5000 });
  const mongo = new MongoClient(cfg.MONGO_URL, {
    serverSelectionTimeoutMS: 20_000,
    retryWrites: false,
  });
  const db: Db = mongo.db(cfg.MONGO_DB);
  const redis = new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', () => undefined);
  const projectors: ProjectorHandle[] = [];

  const h = {
    cfg,
    nc,
    js,
    jsm,
    db,
    redis,
    /** Starts an in-process projector (stopped by `close()`). */
    async start(deps: ProjectorDeps = {}): Promise<ProjectorHandle> {
      const p = await startProjector(cfg, {
        logger: createLogger({ level: cfg.LOG_LEVEL, role: 'projector' }),
        ...deps,
      });
      projectors.push(p);
      return p;
    },
    /** Appends a push to the log exactly as ingest does. */
    async append(
      push: FakePush,
      deliveryId = `d-${process.pid}-${++deliveries}`,
    ): Promise<AppendResult> {
      return h.appendBody(
        push.owner,
        push.repo,
        Buffer.from(JSON.stringify(buildPushPayload(push))),
        deliveryId,
      );
    },
    async appendBody(
      owner: string,
      repo: string,
      body: Uint8Array,
      deliveryId = `d-${process.pid}-${++deliveries}`,
    ) {
      return appender.append({
        event: 'push',
        deliveryId,
        body,
        owner,
        repo,
        receivedAt: new Date(),
        githubHeaders: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': deliveryId },
      });
    },
    /**
     * Waits until every message of the log has an outcome (acked or termed: the ack floor
     * reached the last sequence). Pending counts alone are not enough: a message nak'ed
     * with a delay is in neither while it waits.
     */
    async settled(timeoutMs = 30_000): Promise<void> {
      await waitFor(
        async () => {
          const last = (await jsm.streams.info(Streams.github.name)).state.last_seq;
          const info = await jsm.consumers.info(Streams.github.name, Consumers.projector);
          return (
            info.ack_floor.stream_seq >= last &&
            info.num_pending === 0 &&
            info.num_ack_pending === 0
          );
        },
        timeoutMs,
        'the projector to settle',
      );
    },
    models(target: ReadModelTarget = targetFor(0)): Promise<ReadModels> {
      return readStoredModels(db, redis, target);
    },
    deadLetters(): Promise<DeadLetter[]> {
      return listDeadLetters(js, jsm);
    },
    async close(): Promise<void> {
      await Promise.allSettled(projectors.map((p) => p.stop()));
      redis.disconnect();
      await mongo.close();
      await nc.drain();
    },
  };
  return h;
}
export type Harness = Awaited<ReturnType<typeof projectorHarness>>;

/** Polls `check` every 50 ms until it is true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet (a server restarting, a stream not there yet)
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
