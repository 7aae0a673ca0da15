import uWS from 'uWebSockets.js';
import { Streams } from '../schemas/streams.ts';
import { required, type Config } from '../platform/config.ts';
import { runRoleIfMain } from '../platform/run-role.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import type { NatsConnection } from '../platform/nats.ts';
import type { LogAppender } from '../platform/log/append.ts';
import { createRegistry } from '../platform/metrics.ts';
import { mountOps } from '../platform/http/ops.ts';
import { Reply } from '../platform/http/reply.ts';
import { HttpError } from '../platform/http/http-error.ts';
import { listen } from '../platform/http/listen.ts';
import { linkLog } from './link-log.ts';
import { ingestMetrics } from './metrics.ts';
import { startSpool } from './spool/start-spool.ts';
import { createSecretResolver, readRepoSecretsFile } from './secrets.ts';
import { webhookRoute } from './webhook-route.ts';

export interface IngestHandle {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts ingest: connects to the log and ensures the stream (with the spool on, a NATS
 * away at start is waited for in the background while deliveries are spooled), opens the
 * spool, then serves the webhook route and the ops endpoints.
 */
export async function startIngest(
  cfg: Config,
  opts: { logger?: Logger; nc?: NatsConnection } = {},
): Promise<IngestHandle> {
  const logger = opts.logger ?? createLogger({ level: cfg.LOG_LEVEL, role: 'ingest' });
  const globalSecrets = required(
    cfg.GITHUB_WEBHOOK_SECRET,
    'GITHUB_WEBHOOK_SECRET',
    'ingest verifies every delivery',
  );
  const secrets = createSecretResolver(
    globalSecrets,
    cfg.GITHUB_REPO_SECRETS_FILE ? readRepoSecretsFile(cfg.GITHUB_REPO_SECRETS_FILE) : {},
    cfg.GITHUB_REPO_SECRETS ?? {},
  );
  const registry = createRegistry('ingest');
  // The log first, so bad settings or credentials fail before the spool directory is touched.
  let reached: LogAppender | undefined;
  let attach = (appender: LogAppender): void => {
    reached = appender;
  };
  const log = await linkLog(cfg, {
    logger,
    nc: opts.nc,
    waitForLog: cfg.INGEST_SPOOL_MAX_BYTES > 0,
    onLog: (appender) => attach(appender),
  });
  const spool = await startSpool(cfg, { logger, registry }).catch(async (err: unknown) => {
    await log.stop();
    throw err;
  });
  attach = (appender) => spool.appender.attach(appender);
  if (reached) attach(reached);
  const app = uWS.App();
  app.post(
    '/api/v1/webhooks/github',
    webhookRoute({
      appender: spool.appender,
      secrets,
      logger,
      metrics: ingestMetrics(registry),
      maxBodyBytes: cfg.INGEST_MAX_BODY_BYTES,
      maxInflight: cfg.INGEST_MAX_INFLIGHT,
    }),
  );
  mountOps(app, {
    registry,
    readiness: async () => {
      const problems = await logProblems();
      // While the spool has room, a log outage costs no delivery: ingest stays ready.
      if (problems.length > 0 && spool.hasRoom())
        return { problems: [], notes: [...problems, ...spool.notes()] };
      return { problems, notes: spool.notes() };
    },
  });
  async function logProblems(): Promise<string[]> {
    const linked = log.current();
    if (!linked) return ['nats: not reached since start'];
    if (linked.nc.isClosed()) return ['nats: connection closed'];
    try {
      await linked.jsm.streams.info(Streams.github.name);
      return [];
    } catch (err) {
      return [`nats: stream ${Streams.github.name} not reachable (${(err as Error).message})`];
    }
  }
  app.any('/*', (res) => {
    new Reply(res).error(new HttpError(404, 'not_found', 'no such route'));
  });
  const server = await listen(app, cfg.INGEST_HOST, cfg.INGEST_PORT);
  logger.info({ port: server.port, host: cfg.INGEST_HOST }, 'ingest listening');
  return {
    port: server.port,
    async stop() {
      server.close();
      await spool.stop();
      await log.stop();
    },
  };
}

/** Runs ingest alone: `tsx ingest/main.ts`. */
runRoleIfMain(import.meta.url, startIngest);
