import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../platform/logger.ts';
import { shouldWaitForMore } from './batch-wait.ts';

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
          this.#buffer.push(msg);
          this.#pending = msg.info.pending;
          this.opts.onPending?.(msg.info.pending);
          this.#wake();
        }
      } catch (err) {
        if (this.#stopped) break;
        this.opts.logger.warn({ err }, 'fetch from the log failed; retrying');
        await sleep(1000);
      } finally {
        this.#current = undefined;
      }
    }
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
