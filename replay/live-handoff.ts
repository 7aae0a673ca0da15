import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { Consumers, Streams } from '../schemas/streams.ts';

/** How a handoff to the new target ended. */
export interface Handoff {
  /** False when no live projector consumer exists: nobody writes to the old target. */
  readonly liveConsumer: boolean;
  /** Highest sequence delivered to the live projector when the pointer moved. */
  readonly deliveredAtSwitch: number;
  readonly waitedMs: number;
  /** True when the wait gave up (a stuck batch); the summary then warns. */
  readonly timedOut: boolean;
}

/** The live projector consumer's ack floor (every event up to it is fully applied), or undefined. */
export async function liveAckFloor(jsm: JetStreamManager): Promise<number | undefined> {
  try {
    return (await jsm.consumers.info(Streams.github.name, Consumers.projector)).ack_floor
      .stream_seq;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)
      return undefined;
    throw err;
  }
}

/**
 * Called right after the pointer moved: waits until no live batch can still write to the
 * old target. The runner reads the pointer before each batch, so only batches of messages
 * delivered before the switch (sequence ≤ D, the consumer's delivered sequence read now)
 * can; once the ack floor reaches D, or nothing is awaiting an ack, each of them was
 * acked after its writes. A message nak'ed meanwhile is redelivered later, so it reads the
 * new pointer. Several projector instances share the durable, so this covers all of them.
 */
export async function waitForLiveHandoff(
  jsm: JetStreamManager,
  opts: { timeoutMs: number; pollMs?: number; signal?: AbortSignal | undefined },
): Promise<Handoff> {
  const started = Date.now();
  const info = async () => {
    try {
      return await jsm.consumers.info(Streams.github.name, Consumers.projector);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)
        return undefined;
      throw err;
    }
  };
  const first = await info();
  if (!first) return { liveConsumer: false, deliveredAtSwitch: 0, waitedMs: 0, timedOut: false };
  const delivered = first.delivered.stream_seq;
  for (let current = first; ;) {
    if (current.ack_floor.stream_seq >= delivered || current.num_ack_pending === 0) {
      return {
        liveConsumer: true,
        deliveredAtSwitch: delivered,
        waitedMs: Date.now() - started,
        timedOut: false,
      };
    }
    if (Date.now() - started > opts.timeoutMs || opts.signal?.aborted) {
      return {
        liveConsumer: true,
        deliveredAtSwitch: delivered,
        waitedMs: Date.now() - started,
        timedOut: true,
      };
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    const next = await info();
    if (!next)
      return {
        liveConsumer: false,
        deliveredAtSwitch: delivered,
        waitedMs: Date.now() - started,
        timedOut: false,
      };
    current = next;
  }
}
