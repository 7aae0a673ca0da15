import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { Spool } from './spool.ts';
import { spoolMetrics } from './spool-metrics.ts';
import { SpoolingAppender } from './spooling-appender.ts';

export interface IngestSpool {
  appender: SpoolingAppender;
  /** False with INGEST_SPOOL_MAX_BYTES=0. */
  enabled: boolean;
  /** Readiness notes while the spool holds anything; empty otherwise. */
  notes(): string[];
  /** True when the spool is on and below its cap, so a log outage does not stop ingest. */
  hasRoom(): boolean;
  stop(): Promise<void>;
}

/**
 * The directory of this process's spool: INGEST_SPOOL_DIR, else `.data/spool/ingest-<port>`
 * (a restart on the same port finds it), else, with INGEST_PORT=0, a temporary directory
 * removed at a clean stop (such a spool does not outlive a crash).
 */
async function spoolDir(cfg: Config): Promise<{ dir: string; temporary: boolean }> {
  if (cfg.INGEST_SPOOL_DIR) return { dir: resolve(cfg.INGEST_SPOOL_DIR), temporary: false };
  if (cfg.INGEST_PORT !== 0)
    return { dir: resolve('.data', 'spool', `ingest-${cfg.INGEST_PORT}`), temporary: false };
  return { dir: await mkdtemp(join(tmpdir(), 'teampulse-spool-')), temporary: true };
}

/**
 * Opens ingest's spool (unless INGEST_SPOOL_MAX_BYTES is 0) and registers its metrics;
 * what a previous run left in it is forwarded once the log is attached to the appender.
 */
export async function startSpool(
  cfg: Config,
  deps: { logger: Logger; registry: Registry },
): Promise<IngestSpool> {
  if (cfg.INGEST_SPOOL_MAX_BYTES === 0) {
    const appender = new SpoolingAppender(undefined, undefined, { logger: deps.logger });
    return {
      appender,
      enabled: false,
      notes: () => [],
      hasRoom: () => false,
      stop: () => appender.stop(),
    };
  }
  const { dir, temporary } = await spoolDir(cfg);
  const { spool, tornBytes } = await Spool.open(dir, { maxBytes: cfg.INGEST_SPOOL_MAX_BYTES });
  const metrics = spoolMetrics(deps.registry, () => spool.stats());
  metrics.tornBytes.inc(tornBytes);
  const left = spool.stats();
  if (tornBytes > 0)
    deps.logger.warn({ dir, tornBytes }, 'spool: torn tail discarded (never acknowledged)');
  deps.logger.info({ dir, records: left.records, bytes: left.bytes }, 'spool open');
  const appender = new SpoolingAppender(undefined, spool, { logger: deps.logger, metrics });
  return {
    appender,
    enabled: true,
    notes() {
      const s = spool.stats();
      if (s.records === 0) return [];
      const age =
        s.oldestReceivedAtMs === undefined ? 0 : (Date.now() - s.oldestReceivedAtMs) / 1000;
      return [
        `spooling: ${s.records} deliveries (${s.bytes} bytes) wait in ${dir} for the log, oldest ${age.toFixed(0)} s`,
      ];
    },
    hasRoom: () => !spool.isFull,
    async stop() {
      await appender.stop();
      if (!temporary) return;
      if (spool.isEmpty) await rm(dir, { recursive: true, force: true });
      else deps.logger.warn({ dir }, 'spool: deliveries left in a temporary spool directory');
    },
  };
}
