import type { Logger } from '../../platform/logger.ts';
import type { AppendResult, LogAppender, LogEntry } from '../../platform/log/append.ts';
import { isContentRejection, LogNotReachedError } from './errors.ts';
import type { Spool, SpooledRecord } from './spool.ts';
import type { SpoolMetrics } from './spool-metrics.ts';

/** Where a delivery went: into the log, or (the log unavailable) onto the local spool. */
export type AppendOutcome = (AppendResult & { spooled?: false }) | { spooled: true };

const RETRY_MIN_MS = 250;
// 1 s: once the log answers again, forwarding resumes within about a second.
const RETRY_MAX_MS = 1000;

/**
 * Appends to the log, falling back to the spool when the log cannot take a delivery (any
 * error but a content rejection, which is thrown for a 4xx). While the spool holds
 * anything, new deliveries go behind it, so none overtakes a spooled one; a forwarder
 * appends the spooled records one at a time, in order, each through the same
 * {@link LogAppender} (same subject, headers, body and `Nats-Msg-Id`), and drops a record
 * only after its PubAck. Without a spool it is the plain appender.
 */
export class SpoolingAppender {
  #log: LogAppender | undefined;
  readonly #spool: Spool | undefined;
  readonly #logger: Logger;
  readonly #metrics: SpoolMetrics | undefined;
  #forwarding: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(
    log: LogAppender | undefined,
    spool: Spool | undefined,
    opts: { logger: Logger; metrics?: SpoolMetrics },
  ) {
    this.#log = log;
    this.#spool = spool;
    this.#logger = opts.logger;
    this.#metrics = opts.metrics;
    spool?.onDurable(() => this.#kick());
  }

  get spool(): Spool | undefined {
    return this.#spool;
  }

  /** The log is reachable (ingest started while NATS was away): use it, forward the spool. */
  attach(log: LogAppender): void {
    this.#log = log;
    this.#kick();
  }

  async append(entry: LogEntry): Promise<AppendOutcome> {
    const spool = this.#spool;
    const log = this.#log;
    if (!spool) {
      if (!log) throw new LogNotReachedError();
      return await log.append(entry);
    }
    if (spool.isEmpty && log) {
      try {
        return await log.append(entry);
      } catch (err) {
        if (isContentRejection(err)) throw err;
        if (spool.isEmpty)
          this.#logger.warn({ err, delivery: entry.deliveryId }, 'log unavailable: spooling');
      }
    }
    await spool.put(entry);
    this.#metrics?.spooled.inc();
    return { spooled: true };
  }

  /** Stops forwarding (a publish under way finishes or times out) and closes the spool. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#forwarding;
    await this.#spool?.close();
  }

  #kick(): void {
    const log = this.#log;
    if (this.#forwarding || this.#stopping || !this.#spool || !log) return;
    this.#forwarding = this.#forward(this.#spool, log).finally(() => {
      this.#forwarding = undefined;
      // A record made durable as the loop ended: go again.
      if (this.#spool?.peek() && !this.#stopping) this.#kick();
    });
  }

  async #forward(spool: Spool, log: LogAppender): Promise<void> {
    let delay = 0;
    let forwarded = 0;
    let waitingSince: number | undefined;
    for (let record = spool.peek(); record && !this.#stopping; record = spool.peek()) {
      const failure = await this.#forwardOne(spool, log, record);
      if (failure === undefined) {
        if (waitingSince !== undefined)
          this.#logger.info(
            { server: 'nats', waitedMs: Date.now() - waitingSince },
            'log answers again: forwarding the spool',
          );
        waitingSince = undefined;
        delay = 0;
        forwarded++;
        await spool.remove(record);
      } else {
        delay = Math.min(Math.max(delay * 2, RETRY_MIN_MS), RETRY_MAX_MS);
        // Said once per wait (with why), not once per retry.
        if (waitingSince === undefined) {
          waitingSince = Date.now();
          this.#logger.warn(
            {
              server: 'nats',
              err: failure instanceof Error ? failure.message : 'unknown',
              records: spool.stats().records,
              retryEveryMs: RETRY_MAX_MS,
            },
            'spool forward failed: the log is unavailable; retrying',
          );
        }
        await this.#sleep(delay);
      }
    }
    if (forwarded > 0)
      this.#logger.info({ forwarded, left: spool.stats().records }, 'spooled deliveries forwarded');
  }

  /**
   * Undefined when the record may leave the spool (the log has it, or refused it for its
   * content); else the error that kept it.
   */
  async #forwardOne(spool: Spool, log: LogAppender, record: SpooledRecord): Promise<unknown> {
    let entry: LogEntry | undefined;
    try {
      entry = await spool.read(record);
      const result = await log.append(entry);
      this.#metrics?.forwarded.inc({ outcome: result.duplicate ? 'duplicate' : 'appended' });
      return undefined;
    } catch (err) {
      if (entry && isContentRejection(err)) {
        // It would have got a 4xx had the log been up; GitHub keeps it to redeliver by hand.
        this.#metrics?.rejected.inc();
        this.#logger.error(
          { err, delivery: entry.deliveryId, event: entry.event },
          'spooled delivery refused by the log for its content: dropped',
        );
        return undefined;
      }
      return err ?? new Error('spool forward failed');
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      this.#wake = wake;
      function done() {
        resolve();
      }
    });
  }
}
