import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type ConsumerMessages,
} from '@nats-io/jetstream';
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
export async function startLiveFeed(
  js: JetStreamClient,
  jsm: JetStreamManager,
  onUpdate: (update: StoredUpdate) => void,
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
    callback: (m) => {
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      onUpdate({ subject: m.subject, seq: m.seq, data: m.data });
    },
  });
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
