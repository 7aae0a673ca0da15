import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { Streams } from '../schemas/streams.ts';

/** How long the reading consumer survives without a pull. */
const INACTIVE_THRESHOLD_MS = 60 * 60 * 1000;

/** A stretch of the log to read: which subjects, where to start, where to stop. */
export interface LogRange {
  /** Subject filters; several are OR-ed by the server. */
  readonly filters: readonly string[];
  /** First sequence to read (default 1). Ignored when `since` is set. */
  readonly fromSeq?: number | undefined;
  /** Read from the first message stored at or after this time. */
  readonly since?: Date | undefined;
  /** Last sequence to read: messages after it are left for a later pass. */
  readonly toSeq: number;
}

export interface ReadOptions {
  /** Messages per yielded batch. */
  readonly batchSize: number;
  /** Stops reading at the next batch boundary. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads a range of the log in batches through an ordered consumer (ephemeral, no acks,
 * server-side filtering), one bounded fetch per batch: memory stays the same whatever
 * the log's length. Ends at `toSeq`, or at the last message that matches the filters,
 * whichever comes first.
 */
export async function* readLogBatches(
  js: JetStreamClient,
  range: LogRange,
  opts: ReadOptions,
): AsyncGenerator<JsMsg[]> {
  const start = range.since ? 1 : Math.max(1, range.fromSeq ?? 1);
  if (range.toSeq < start || opts.signal?.aborted) return;
  const consumer = await js.consumers.get(Streams.github.name, {
    filter_subjects: [...range.filters],
    ...(range.since ? { opt_start_time: range.since.toISOString() } : { opt_start_seq: start }),
    // The server drops an ordered consumer left without a pull for this long: a batch may
    // take minutes to write on a slow store (the default is 5 minutes).
    inactive_threshold: INACTIVE_THRESHOLD_MS,
  });
  try {
    // Each fetch asks for what is known to be there (up to a batch), so it returns as
    // soon as that arrived instead of waiting for its expiry.
    let pending = (await consumer.info(true)).num_pending;
    let done = false;
    while (!done && pending > 0) {
      const batch: JsMsg[] = [];
      const messages = await consumer.fetch({
        max_messages: Math.min(opts.batchSize, pending),
        expires: 5000,
      });
      for await (const msg of messages) {
        if (msg.seq > range.toSeq) {
          done = true;
          break;
        }
        batch.push(msg);
        pending = msg.info.pending;
        if (msg.seq >= range.toSeq) done = true;
      }
      messages.stop();
      if (batch.length === 0) {
        pending = (await consumer.info()).num_pending;
        continue;
      }
      yield batch;
      if (opts.signal?.aborted) return;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
