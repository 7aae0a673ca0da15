import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { readDeadLetterHeaders, type DeadLetterFields } from '../../platform/log/headers.ts';
import { Streams } from '../../schemas/streams.ts';
import type { LogMessage } from '../batch/decode.ts';

/** A message in the dead-letter stream, with its dead-letter headers read out. */
export interface DeadLetter extends DeadLetterFields {
  /** Sequence in the DLQ stream: what the CLI takes. */
  readonly dlqSeq: number;
  readonly size: number;
  /** The original message as the projector consumes it (headers included). */
  readonly original: LogMessage;
}

function toDeadLetter(dlqSeq: number, headers: MsgHdrs | undefined, data: Uint8Array): DeadLetter {
  const dl = readDeadLetterHeaders(headers);
  return {
    dlqSeq,
    ...dl,
    size: data.byteLength,
    original: { subject: dl.originalSubject, seq: dl.streamSeq, headers, data },
  };
}

/** The dead letters, oldest first, at most `limit` (an ordered consumer reads them in one pass). */
export async function listDeadLetters(
  js: JetStreamClient,
  jsm: JetStreamManager,
  limit = 100,
): Promise<DeadLetter[]> {
  const info = await jsm.streams.info(Streams.dlq.name);
  const wanted = Math.min(limit, info.state.messages);
  if (wanted === 0) return [];
  const consumer = await js.consumers.get(Streams.dlq.name, { deliver_policy: DeliverPolicy.All });
  const out: DeadLetter[] = [];
  const batch = await consumer.fetch({ max_messages: wanted, expires: 5000 });
  for await (const m of batch) {
    out.push(toDeadLetter(m.seq, m.headers, m.data));
    if (out.length >= wanted) break;
  }
  await batch.close();
  return out;
}

/** One dead letter by its DLQ sequence, or undefined. */
export async function getDeadLetter(
  jsm: JetStreamManager,
  dlqSeq: number,
): Promise<DeadLetter | undefined> {
  const stored = await jsm.streams.getMessage(Streams.dlq.name, { seq: dlqSeq });
  return stored ? toDeadLetter(stored.seq, stored.header, stored.data) : undefined;
}

/** What a retry did. */
export interface RetryResult {
  readonly dlqSeq: number;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * Runs a dead letter through `apply` (the projector's own decode-and-apply path, which is
 * idempotent) and deletes it from the DLQ only when that succeeded; a failure leaves it
 * there with its original error.
 */
export async function retryDeadLetter(
  jsm: JetStreamManager,
  letter: DeadLetter,
  apply: (original: LogMessage) => Promise<void>,
): Promise<RetryResult> {
  try {
    await apply(letter.original);
  } catch (err) {
    return { dlqSeq: letter.dlqSeq, ok: false, error: (err as Error).message };
  }
  await jsm.streams.deleteMessage(Streams.dlq.name, letter.dlqSeq, false);
  return { dlqSeq: letter.dlqSeq, ok: true };
}

/** Deletes one dead letter, or all of them; resolves how many went. */
export async function purgeDeadLetters(jsm: JetStreamManager, dlqSeq?: number): Promise<number> {
  if (dlqSeq !== undefined)
    return (await jsm.streams.deleteMessage(Streams.dlq.name, dlqSeq, false)) ? 1 : 0;
  return (await jsm.streams.purge(Streams.dlq.name)).purged;
}
