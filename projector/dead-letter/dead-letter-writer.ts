import { headers as newHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '../../platform/logger.ts';
import type { DeadLetterAlert } from '../../schemas/alerts.ts';
import { DlqHeaders, LogHeaders, Streams, Subjects } from '../../schemas/streams.ts';
import { deliveryIdOf, type LogMessage } from '../batch/decode.ts';

/** Why a message is dead-lettered. */
export interface DeadLetterReason {
  readonly code: string;
  readonly error: string;
  readonly attempts: number;
}

/** What `teampulse.alerts.dlq` carries: the contract's type (`schemas/alerts.ts`). */
export type { DeadLetterAlert } from '../../schemas/alerts.ts';

const MAX_HEADER_CHARS = 1000;

/**
 * Copies a log message to `dlq.<original subject>` with the original headers (so a body
 * in the object store stays reachable) plus the dead-letter headers, then raises the
 * alert: an error log line, a message on `teampulse.alerts.dlq`, and the callback (a
 * metric). The DLQ message id is the stream sequence, so the runner and the advisory
 * watcher, racing on the same message, store it once.
 */
export class DeadLetterWriter {
  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
    private readonly onDeadLetter: (code: string) => void = () => undefined,
  ) {}

  async write(msg: LogMessage, reason: DeadLetterReason): Promise<number> {
    const h = copyHeaders(msg.headers);
    const deliveryId = deliveryIdOf(msg);
    const error = oneLine(reason.error);
    const failedAt = new Date().toISOString();
    h.set(DlqHeaders.originalSubject, msg.subject);
    h.set(DlqHeaders.streamSeq, String(msg.seq));
    h.set(DlqHeaders.deliveryId, deliveryId);
    h.set(DlqHeaders.error, error);
    h.set(DlqHeaders.errorCode, reason.code);
    h.set(DlqHeaders.attempts, String(reason.attempts));
    h.set(DlqHeaders.failedAt, failedAt);
    const ack = await this.js.publish(`dlq.${msg.subject}`, msg.data, {
      headers: h,
      msgID: `${Streams.github.name}-${msg.seq}`,
    });
    const alert: DeadLetterAlert = {
      type: 'DEAD_LETTER',
      originalSubject: msg.subject,
      streamSeq: msg.seq,
      deliveryId,
      errorCode: reason.code,
      error,
      attempts: reason.attempts,
      dlqSeq: ack.seq,
      at: failedAt,
    };
    if (!ack.duplicate) {
      this.logger.error(alert, 'event dead-lettered');
      this.nc.publish(Subjects.alertsDlq, JSON.stringify(alert));
      this.onDeadLetter(reason.code);
    }
    return ack.seq;
  }
}

// Nats-Msg-Id would make the DLQ drop the copy as a duplicate of the delivery id.
function copyHeaders(from: MsgHdrs | undefined): MsgHdrs {
  const h = newHeaders();
  if (!from) return h;
  for (const key of from.keys()) {
    if (key === LogHeaders.msgId) continue;
    for (const value of from.values(key)) h.append(key, value);
  }
  return h;
}

/** Header values cannot hold line breaks; long errors are cut. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, MAX_HEADER_CHARS);
}
