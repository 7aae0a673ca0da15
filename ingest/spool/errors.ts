import { TeamPulseError } from '../../platform/errors.ts';

/** The spool holds `INGEST_SPOOL_MAX_BYTES` already: the delivery gets 503 like before the spool. */
export class SpoolFullError extends TeamPulseError {
  override name = 'SpoolFullError';
  constructor(maxBytes: number) {
    super('spool_full', `the spool is full (INGEST_SPOOL_MAX_BYTES=${maxBytes})`);
  }
}

/** Another live process holds the spool directory; each ingest process needs its own. */
export class SpoolLockedError extends TeamPulseError {
  override name = 'SpoolLockedError';
  constructor(dir: string, pid: number) {
    super(
      'spool_locked',
      `spool ${dir} is in use by process ${pid}; give each ingest process its own INGEST_SPOOL_DIR`,
    );
  }
}

/** Writing or syncing the spool failed; the delivery was not acknowledged. */
export class SpoolWriteError extends TeamPulseError {
  override name = 'SpoolWriteError';
  constructor(cause: unknown) {
    super('spool_write_failed', `could not write the spool: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Ingest has not reached NATS since it started, and the spool is off. */
export class LogNotReachedError extends TeamPulseError {
  override name = 'LogNotReachedError';
  constructor() {
    super('log_not_reached', 'NATS has not been reached since ingest started');
  }
}

/**
 * True when an append error is about the delivery's content (the log refuses it, so a
 * retry cannot help): such a delivery is answered 4xx, never spooled. Matched by code so
 * it holds for any error class that carries `log_entry_rejected`.
 */
export function isContentRejection(err: unknown): boolean {
  return err instanceof TeamPulseError && err.code === 'log_entry_rejected';
}
