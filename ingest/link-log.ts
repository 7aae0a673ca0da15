import { AuthorizationError, UserAuthenticationExpiredError } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams } from '../schemas/streams.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { ConfigError, StreamConfigConflictError } from '../platform/errors.ts';
import { connectNats, NatsConnectError, type NatsConnection } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { LogAppender } from '../platform/log/append.ts';

/** Ingest's connection to the log, once made. */
export interface LogLink {
  /** Undefined until NATS answered and the stream is ensured. */
  current(): { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  /** Stops trying to connect; drains the connection it made itself. */
  stop(): Promise<void>;
}

const RETRY_MS = 1000;

/**
 * Connects to NATS, ensures the `GITHUB` stream, then hands a {@link LogAppender} to
 * `onLog`. With `waitForLog` (the spool is on), a NATS that cannot be reached at start is
 * not fatal: ingest serves at once, spooling, and keeps trying every second. Refused
 * credentials and a conflicting stream stay fatal: waiting cannot fix them.
 */
export async function linkLog(
  cfg: Config,
  opts: {
    logger: Logger;
    nc?: NatsConnection | undefined;
    waitForLog: boolean;
    onLog: (log: LogAppender) => void;
  },
): Promise<LogLink> {
  let linked: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const attempt = async (): Promise<void> => {
    const nc =
      opts.nc ??
      (await connectNats(cfg, { name: 'teampulse-ingest', role: 'ingest', logger: opts.logger }));
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm, cfg, [Streams.github.name]);
      if (stopped) throw new Error('ingest stopped');
      linked = { nc, jsm };
    } catch (err) {
      if (!opts.nc) await nc.close();
      throw err;
    }
    opts.onLog(new LogAppender(nc, { timeoutMs: cfg.INGEST_APPEND_TIMEOUT_MS }));
  };

  try {
    await attempt();
  } catch (err) {
    if (!opts.waitForLog || opts.nc || fatal(err)) throw err;
    opts.logger.warn(
      { err: (err as Error).message },
      'NATS unreachable at start: spooling deliveries until it answers',
    );
    const retry = () => {
      timer = setTimeout(() => {
        attempt().then(
          () => opts.logger.info('NATS reached: forwarding the spool'),
          (e: unknown) => {
            if (stopped) return;
            if (!fatal(e)) retry();
            else opts.logger.error({ err: e }, 'cannot use the log; deliveries stay in the spool');
          },
        );
      }, RETRY_MS);
    };
    retry();
  }
  return {
    current: () => linked,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (linked && !opts.nc) await linked.nc.drain();
    },
  };
}

/**
 * What waiting cannot fix: bad settings, credentials NATS refuses, a conflicting stream.
 * Anything else (nobody listening, JetStream not ready yet, a timeout) is worth a retry.
 */
function fatal(err: unknown): boolean {
  if (err instanceof ConfigError || err instanceof StreamConfigConflictError) return true;
  if (!(err instanceof NatsConnectError)) return false;
  const cause = err.cause;
  return cause instanceof AuthorizationError || cause instanceof UserAuthenticationExpiredError;
}
