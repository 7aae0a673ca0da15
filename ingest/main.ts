import uWS from 'uWebSockets.js';
import { jetstreamManager } from '@nats-io/jetstream';
import { Streams } from '../schemas/streams.ts';
import { required, type Config } from '../platform/config.ts';
import { runRoleIfMain } from '../platform/run-role.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { connectNats, type NatsConnection } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { createRegistry } from '../platform/metrics.ts';
import { LogAppender } from '../platform/log/append.ts';
import { mountOps } from '../platform/http/ops.ts';
import { Reply } from '../platform/http/reply.ts';
import { HttpError } from '../platform/http/http-error.ts';
import { listen } from '../platform/http/listen.ts';
import { ingestMetrics } from './metrics.ts';
import { startSpool } from './spool/start-spool.ts';
import { createSecretResolver, readRepoSecretsFile } from './secrets.ts';
import { webhookRoute } from './webhook-route.ts';

export interface IngestHandle {
  port: number;
  stop(): Promise<void>;
}

/** Starts ingest: ensures the log stream, then serves the webhook route and the ops endpoints. */
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
  const nc =
    opts.nc ?? (await connectNats(cfg, { name: 'teampulse-ingest', role: 'ingest', logger }));
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, cfg, [Streams.github.name]);

  const registry = createRegistry('ingest');
  const spool = await startSpool(
    cfg,
    new LogAppender(nc, { timeoutMs: cfg.INGEST_APPEND_TIMEOUT_MS }),
    { logger, registry },
  );
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
    if (nc.isClosed()) return ['nats: connection closed'];
    try {
      await jsm.streams.info(Streams.github.name);
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
      if (!opts.nc) await nc.drain();
    },
  };
}

/** Runs ingest alone: `tsx ingest/main.ts`. */
runRoleIfMain(import.meta.url, startIngest);
