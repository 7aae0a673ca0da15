import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import type { Logger } from '../../platform/logger.ts';
import { Streams } from '../../schemas/streams.ts';
import type { StoredUpdate } from './missed-updates.ts';

/** This process's one view of `UPDATES`, from the moment it started. */
export interface LiveFeed {
  /** The stream's last sequence when the feed started; it delivers what comes after. */
  readonly startSeq: number;
  /** Every update with a sequence up to this one has been handed to the callback. */
  readonly lastSeq: number;
  /** True while the consumer runs. */
  readonly running: boolean;
  stop(): Promise<void>;
}

/**
 * Follows `UPDATES` with one ordered consumer for the whole process (not one per client,
 * and no shared durable: each gateway process sees every update). It starts just after the
 * stream's last message; an ordered consumer re-creates itself at the right sequence after
 * a NATS reconnect, so nothing is skipped or repeated. `onUpdate` runs synchronously for
 * each message in stream order.
 */
/**
 * Each pull waits this long; the server sends a heartbeat every half of it, and two missed
 * heartbeats make the ordered consumer re-create itself. With the library's 30 s default a
 * consumer whose server was SIGKILLed stood still for 30 s; with 5 s it resumes within ~5 s.
 */
const PULL_EXPIRES_MS = 5_000;

export async function startLiveFeed(
  js: JetStreamClient,
  jsm: JetStreamManager,
  onUpdate: (update: StoredUpdate) => void,
  logger?: Logger,
): Promise<LiveFeed> {
  const info = await jsm.streams.info(Streams.updates.name);
  const startSeq = info.state.last_seq;
  let lastSeq = startSeq;
  const consumer = await js.consumers.get(Streams.updates.name, {
    filter_subjects: [...Streams.updates.subjects],
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: lastSeq + 1,
  });
  let running = true;
  const messages: ConsumerMessages = await consumer.consume({
    expires: PULL_EXPIRES_MS,
    callback: (m) => {
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      onUpdate({ subject: m.subject, seq: m.seq, data: m.data });
    },
  });
  if (logger) void logWaits(messages, logger);
  void messages.closed().then(
    () => (running = false),
    () => (running = false),
  );
  return {
    startSeq,
    get lastSeq() {
      return lastSeq;
    },
    get running() {
      return running;
    },
    async stop() {
      running = false;
      await messages.close();
    },
  };
}

/** Logs why the feed stands still (missed heartbeats) and when it re-created its consumer. */
async function logWaits(messages: ConsumerMessages, logger: Logger): Promise<void> {
  for await (const s of messages.status()) {
    if (s.type === 'heartbeats_missed')
      logger.warn({ missed: s.count }, 'updates feed: heartbeats missed; re-creating its consumer');
    else if (s.type === 'ordered_consumer_recreated')
      logger.info({ consumer: s.name }, 'updates feed: consumer re-created; resuming');
  }
}

/**
 * Whether the feed has handed over every update up to `seq`, waiting up to `maxWaitMs` for
 * it to get there (it trails the stream by a message's flight). False while it is stopped.
 */
export async function feedReached(
  feed: Pick<LiveFeed, 'lastSeq' | 'running'>,
  seq: number,
  maxWaitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  while (feed.running && feed.lastSeq < seq) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return feed.running;
}
