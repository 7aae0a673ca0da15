import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../platform/logger.ts';
import { shouldWaitForMore } from './batch-wait.ts';

/** Pause after a failed fetch (NATS away): short, so fetching resumes soon after it is back. */
const FETCH_RETRY_MS = 500;
/** While fetches keep failing, the failure is logged again at most this often. */
const FAIL_LOG_EVERY_MS = 5000;

/**
 * Keeps up to one batch of messages fetched ahead of the batch being processed, so the
 * next batch is ready when the current one is written, while memory stays bounded (at
 * most two batches buffered per process). Stops fetching while paused.
 */
export class Prefetcher {
  readonly #buffer: JsMsg[] = [];
  #waiters: (() => void)[] = [];
  #stopped = false;
  #paused = false;
  #current: ConsumerMessages | undefined;
  #pump: Promise<void> | undefined;
  /** `info.pending` of the latest message fetched: how many more the log holds for us. */
  #pending = 0;
  /** When fetching started failing (undefined while fetches work), and when that was last said. */
  #failingSince: number | undefined;
  #lastFailLog = 0;

  private readonly consumer: Consumer;
  private readonly opts: {
    batchSize: number;
    expiresMs: number;
    logger: Logger;
    onPending?: (n: number) => void;
    onBatchWait?: (seconds: number) => void;
  };

  constructor(
    consumer: Consumer,
    opts: {
      batchSize: number;
      expiresMs: number;
      logger: Logger;
      onPending?: (n: number) => void;
      /** How long a take waited for its batch to fill, after its first message was here. */
      onBatchWait?: (seconds: number) => void;
    },
  ) {
    this.consumer = consumer;
    this.opts = opts;
  }

  start(): void {
    this.#pump ??= this.#run();
  }

  /** While paused no new fetch is issued (messages already here stay, kept alive by the runner). */
  set paused(value: boolean) {
    this.#paused = value;
    this.#wake();
  }

  /** Messages fetched and not yet taken (the runner keeps them alive with `working()`). */
  buffered(): readonly JsMsg[] {
    return this.#buffer;
  }

  /**
   * Up to `max` messages: waits for the first, then, while the log says more are coming
   * (see {@link shouldWaitForMore}), up to `waitMs` for the batch to fill. Resolves empty
   * once stopped.
   */
  async take(max: number, waitMs: number): Promise<JsMsg[]> {
    while (this.#buffer.length === 0 && !this.#stopped) await this.#changed();
    const start = Date.now();
    for (;;) {
      const elapsedMs = Date.now() - start;
      const wait = shouldWaitForMore({
        buffered: this.#buffer.length,
        max,
        pending: this.#pending,
        redelivered: this.#buffer.some((m) => m.info.deliveryCount > 1),
        elapsedMs,
        waitMs,
      });
      if (!wait || this.#stopped) break;
      await Promise.race([this.#changed(), sleep(waitMs - elapsedMs)]);
    }
    this.opts.onBatchWait?.((Date.now() - start) / 1000);
    if (this.#stopped) return [];
    const batch = this.#buffer.splice(0, max);
    this.#wake();
    return batch;
  }

  /**
   * Ends the fetch under way and starts another at once. Called when the NATS connection
   * came back: a fetch begun before the server died is otherwise only revived by the
   * client's own reset, which retries its consumer check every `expires` (5 s) while
   * JetStream is still starting. What the old fetch had not yet handed over is
   * redelivered after the ack wait.
   */
  renew(): void {
    this.#current?.stop();
  }

  /** Stops fetching; resolves the messages fetched but never taken. */
  async stop(): Promise<JsMsg[]> {
    this.#stopped = true;
    this.#current?.stop();
    this.#wake();
    await this.#pump;
    return this.#buffer.splice(0);
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (this.#paused || this.#buffer.length >= this.opts.batchSize) {
        await this.#changed();
        continue;
      }
      try {
        this.#current = await this.consumer.fetch({
          max_messages: this.opts.batchSize,
          expires: this.opts.expiresMs,
        });
        if (this.#stopped) this.#current.stop();
        for await (const msg of this.#current) {
          this.#recovered();
          this.#buffer.push(msg);
          this.#pending = msg.info.pending;
          this.opts.onPending?.(msg.info.pending);
          this.#wake();
        }
        this.#recovered();
      } catch (err) {
        if (this.#stopped) break;
        this.#failed(err);
        await sleep(FETCH_RETRY_MS);
      } finally {
        this.#current = undefined;
      }
    }
  }

  /** Logs the first failure of an outage, then at most every 5 s (not one line per retry). */
  #failed(err: unknown): void {
    const now = Date.now();
    this.#failingSince ??= now;
    if (now - this.#lastFailLog < FAIL_LOG_EVERY_MS && now !== this.#failingSince) return;
    this.#lastFailLog = now;
    this.opts.logger.warn(
      {
        server: 'nats',
        err: (err as Error).message,
        retryInMs: FETCH_RETRY_MS,
        waitedMs: now - this.#failingSince,
      },
      'fetch from the log failed; retrying',
    );
  }

  #recovered(): void {
    if (this.#failingSince === undefined) return;
    const waitedMs = Date.now() - this.#failingSince;
    this.#failingSince = undefined;
    this.#lastFailLog = 0;
    this.opts.logger.info({ server: 'nats', waitedMs }, 'fetching from the log again');
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
