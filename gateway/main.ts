import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import uWS from 'uWebSockets.js';
import { Streams } from '../schemas/streams.ts';
import { required, type Config } from '../platform/config.ts';
import { runRoleIfMain } from '../platform/run-role.ts';
import { listen } from '../platform/http/listen.ts';
import { mountOps } from '../platform/http/ops.ts';
import { Reply } from '../platform/http/reply.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { createRegistry, type Registry } from '../platform/metrics.ts';
import { connectMongo } from '../platform/mongo.ts';
import { connectNats } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { tokenKeys } from './auth/token-keys.ts';
import { mountDashboard } from './dashboard/mount-dashboard.ts';
import { TargetCache } from './dashboard/target-cache.ts';
import { gatewayMetrics } from './metrics.ts';
import { Semaphore } from './semaphore.ts';
import { decodeUpdate, InvalidUpdateError } from './updates/decode-update.ts';
import { startLiveFeed } from './updates/live-feed.ts';
import { DayCache } from './dashboard/day-cache.ts';
import { StreamBounds } from './updates/stream-bounds.ts';
import { Fanout } from './ws/fanout.ts';
import { mountWs } from './ws/mount-ws.ts';
import { bundlePage } from './page/bundle-page.ts';
import { mountPage } from './page/mount-page.ts';

/** Options of {@link startGateway} for running inside a bigger process or a test. */
export interface GatewayOptions {
  logger?: Logger;
  registry?: Registry;
}

/** A running gateway. */
export interface Gateway {
  port: number;
  stop(): Promise<void>;
}

/** How often sockets are checked for expired tokens and full buffers, besides after publishing. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * Starts the gateway: WebSocket `/ws` (live `commits:update` frames with resume), the
 * dashboard API, and `/healthz`, `/readyz`, `/metrics`, on `GATEWAY_HOST:GATEWAY_PORT`
 * (port 0 picks a free one; the answer says which).
 */
export async function startGateway(cfg: Config, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.logger ?? createLogger({ level: cfg.LOG_LEVEL, role: 'gateway' });
  const keys = tokenKeys(
    required(
      cfg.GATEWAY_JWT_SECRETS,
      'GATEWAY_JWT_SECRETS',
      'the gateway verifies client tokens with them',
    ),
    cfg.GATEWAY_JWT_AUDIENCE,
    cfg.GATEWAY_JWT_ISSUER,
  );
  const registry = opts.registry ?? createRegistry('gateway');
  const metrics = gatewayMetrics(registry);
  const nc = await connectNats(cfg, { name: 'teampulse-gateway', role: 'gateway', logger: log });
  const cleanups: (() => Promise<void>)[] = [() => nc.drain()];
  try {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, cfg, [Streams.updates.name]);
    const mongo = await connectMongo(cfg.MONGO_URL, cfg.MONGO_DB);
    cleanups.unshift(() => mongo.close());

    const corsOrigins = new Set(cfg.GATEWAY_CORS_ORIGINS ?? []);
    const pageScript = await bundlePage();
    const app = uWS.App();
    const limitBytes = cfg.GATEWAY_MAX_BACKPRESSURE_BYTES;
    const fanout = new Fanout(app, limitBytes, metrics);
    const bounds = new StreamBounds(jsm);
    const days =
      cfg.GATEWAY_DAY_CACHE_MB > 0
        ? new DayCache({
            maxBytes: cfg.GATEWAY_DAY_CACHE_MB * 1024 * 1024,
            ttlMs: cfg.GATEWAY_DAY_CACHE_TTL_S * 1000,
          })
        : undefined;
    const feed = await startLiveFeed(
      jetstream(nc),
      jsm,
      (stored) => {
        metrics.updatesReceived.inc();
        try {
          const update = decodeUpdate(stored.subject, stored.seq, stored.data);
          // Before the frame goes out: a client refetching on it must not get the day kept.
          days?.changed(update.orgId, update.days);
          fanout.deliver(update);
        } catch (err) {
          // Never thrown into the NATS client: one bad message must not stop the feed.
          if (err instanceof InvalidUpdateError) metrics.invalidUpdates.inc();
          log.warn({ err, seq: stored.seq, subject: stored.subject }, 'skipped an update');
        }
      },
      log,
    );
    cleanups.unshift(() => feed.stop());
    fanout.startAfter(feed.startSeq);

    mountWs(app, {
      keys,
      jsm,
      bounds,
      fanout,
      limiter: new Semaphore(cfg.GATEWAY_MAX_CONCURRENT_RESUMES),
      metrics,
      log,
      maxFrames: cfg.GATEWAY_MAX_RESUME_FRAMES,
      limitBytes,
      drainTimeoutMs: cfg.GATEWAY_IDLE_TIMEOUT_S * 1000,
      idleTimeoutS: cfg.GATEWAY_IDLE_TIMEOUT_S,
      maxClientMessageBytes: cfg.GATEWAY_MAX_CLIENT_MESSAGE_BYTES,
      corsOrigins,
    });
    mountDashboard(app, {
      db: mongo.db,
      targets: new TargetCache(mongo.db),
      bounds,
      keys,
      maxRangeDays: cfg.GATEWAY_MAX_RANGE_DAYS,
      metrics,
      log,
      corsOrigins,
      dayCache: days ? { days, feed } : undefined,
    });
    mountOps(app, {
      registry,
      readiness: async () => {
        const problems: string[] = [];
        if (nc.isClosed()) problems.push('nats: connection closed');
        if (!feed.running) problems.push('updates: live feed stopped');
        try {
          await mongo.db.command({ ping: 1 });
        } catch (err) {
          problems.push(`mongo: ${String(err)}`);
        }
        return problems;
      },
    });
    mountPage(app, pageScript);
    app.any('/*', (res) => {
      new Reply(res).json(404, { error: { code: 'not_found', message: 'no such route' } });
    });

    const listening = await listen(app, cfg.GATEWAY_HOST, cfg.GATEWAY_PORT);
    const sweeper = setInterval(() => fanout.sweep(Date.now()), SWEEP_INTERVAL_MS);
    sweeper.unref();
    log.info({ port: listening.port }, 'gateway listening');
    let stopped: Promise<void> | undefined;
    return {
      port: listening.port,
      stop: () =>
        (stopped ??= (async () => {
          clearInterval(sweeper);
          listening.close();
          fanout.closeAll('gateway shutting down');
          for (const cleanup of cleanups) await cleanup();
        })()),
    };
  } catch (err) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw err;
  }
}

/** Runs the gateway alone: `tsx gateway/main.ts`. */
runRoleIfMain(import.meta.url, startGateway);
